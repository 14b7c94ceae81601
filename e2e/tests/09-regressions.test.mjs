// Regression guards for UI bugs the browser tests once found (all fixed): phone menu
// button, hidden buttons, desktop scroll, API reference on a phone, language switch after
// a form error, translated validation and error pages, readable audit entries.
// Each names its screenshot in e2e/screenshots/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ADMIN, DESKTOP, PHONE, completeSetup, login, newPage, openUserMenu, shot, submitAndWait, useApp,
} from '../lib/browser.mjs';

const fx = useApp({ name: '09-regressions' });

test('setup', async () => {
  const { context, page } = await newPage(fx.browser);
  await completeSetup(page, fx.server, ADMIN);
  await context.close();
});

/** Runs `fn(page)` in a fresh, logged-in context and always closes it. */
async function asAdmin(opts, fn) {
  const { context, page } = await newPage(fx.browser, opts);
  try {
    await login(page, fx.server, ADMIN.email, ADMIN.password);
    await fn(page);
  } finally {
    await context.close();
  }
}

test('phone: the menu button’s label is visible (not white on white)', () => asAdmin({ viewport: PHONE }, async (page) => {
  await shot(page, '99-phone-menu-button', { fullPage: false });
  const { color, background } = await page.locator('.menu-toggle').evaluate((el) => {
    const c = getComputedStyle(el);
    return { color: c.color, background: c.backgroundColor };
  });
  const transparent = background === 'rgba(0, 0, 0, 0)' || background === 'transparent';
  assert.ok(!(transparent && color === 'rgb(255, 255, 255)'), `menu button text ${color} on ${background}`);
}));

test('buttons hidden by app.js (role "Save" fallback) are not displayed', () => asAdmin({ viewport: DESKTOP }, async (page) => {
  await page.goto(`${fx.server.url}/settings/users`);
  await shot(page, '99-users-save-fallback', { fullPage: false });
  const shown = await page.locator('button[hidden]').evaluateAll((bs) => bs
    .filter((b) => getComputedStyle(b).display !== 'none').map((b) => b.textContent.trim()));
  assert.deepEqual(shown, [], 'buttons with the hidden attribute are still displayed');
}));

test('desktop: a short page does not scroll vertically', () => asAdmin({ viewport: DESKTOP }, async (page) => {
  const [scrollHeight, innerHeight] = await page.evaluate(() => [document.documentElement.scrollHeight, window.innerHeight]);
  assert.ok(scrollHeight <= innerHeight, `/app scrollHeight ${scrollHeight} > viewport ${innerHeight}`);
}));

test('phone: the API reference fits the screen', async () => {
  const { context, page } = await newPage(fx.browser, { viewport: PHONE });
  try {
    await page.goto(`${fx.server.url}/api/docs`);
    await shot(page, '99-phone-api-docs', { fullPage: false });
    const w = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(w <= PHONE.width, `/api/docs scrollWidth ${w} > ${PHONE.width}`);
  } finally {
    await context.close();
  }
});

test('switching language on a page shown after a form error stays on a working page', () => asAdmin({ viewport: DESKTOP }, async (page) => {
  await page.goto(`${fx.server.url}/settings/users`);
  const form = page.locator('form[action="/settings/users/invite"]');
  await form.locator('input[name=email]').evaluate((el) => { el.type = 'text'; }); // let a bad address through
  await form.locator('input[name=email]').fill('not-an-email');
  await submitAndWait(page, form.locator('button[type=submit]'));
  assert.equal(await page.locator('.flash.err').count(), 1);
  const menu = await openUserMenu(page);
  const [resp] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'GET' && r.request().isNavigationRequest()),
    menu.locator('button[name=locale][value=en]').click(),
  ]);
  await page.waitForLoadState('load').catch(() => {});
  await shot(page, '99-language-after-form-error');
  // Put the preference back for the other tests before asserting.
  const status = resp.status();
  await page.goto(`${fx.server.url}/app`);
  const m = await openUserMenu(page);
  await submitAndWait(page, m.locator('button[name=locale][value=es]'));
  assert.equal(status, 200, `language switch after a form error answered ${status} at ${resp.url()}`);
}));

test('validation messages are translated in the Spanish UI', () => asAdmin({ viewport: DESKTOP }, async (page) => {
  await page.goto(`${fx.server.url}/settings/account`);
  await page.fill('input[name=current_password]', ADMIN.password);
  for (const name of ['new_password', 'confirm_password']) {
    const input = page.locator(`input[name=${name}]`);
    await input.evaluate((el) => el.removeAttribute('minlength')); // let a short one reach the server
    await input.fill('short');
  }
  await submitAndWait(page, page.locator('form[action="/settings/account/password"] button[type=submit]'));
  const message = await page.locator('.flash.err').innerText();
  await shot(page, '99-account-short-password-es');
  assert.doesNotMatch(message, /\b(the|must|least|characters)\b/i, `English text in the Spanish UI: ${message}`);
}));

test('error pages use the user’s language', () => asAdmin({ viewport: DESKTOP }, async (page) => {
  let menu = await openUserMenu(page);
  await submitAndWait(page, menu.locator('button[name=locale][value=en]'));
  const result = await page.evaluate(async () => {
    const csrf = document.querySelector('form[action="/workspaces/switch"] input[name=_csrf]').value;
    const r = await fetch('/workspaces/switch', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `_csrf=${encodeURIComponent(csrf)}&slug=no-such-workspace`,
    });
    const html = await r.text();
    return { status: r.status, lang: html.match(/<html[^>]*lang="(\w+)"/)?.[1], h1: html.match(/<h1>(.*?)<\/h1>/)?.[1] };
  });
  menu = await openUserMenu(page);
  await submitAndWait(page, menu.locator('button[name=locale][value=es]'));
  assert.equal(result.status, 404);
  assert.equal(result.lang, 'en', `error page for an English user is in "${result.lang}": ${result.h1}`);
}));

test('the audit log shows readable entity names, not internal identifiers', () => asAdmin({ viewport: DESKTOP }, async (page) => {
  await page.goto(`${fx.server.url}/settings/audit`);
  const what = await page.locator('main table tbody td:nth-child(3)').allInnerTexts();
  assert.ok(what.length > 0);
  assert.ok(what.every((t) => !/\b(api_token|invite|member)\b/.test(t)), `raw types: ${what.join(' | ')}`);
}));
