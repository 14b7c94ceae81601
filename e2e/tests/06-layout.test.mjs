// Phone width (360×740): no sideways scrolling, navigation folded behind the menu button.
// Desktop (1280×800): side navigation always shown. Screenshots of both for review.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ADMIN, DESKTOP, PHONE, completeSetup, invite, login, newPage, openUserMenu, shot, useApp,
} from '../lib/browser.mjs';

const fx = useApp({ name: '06-layout' });

const overflow = (page) => page.evaluate(() => ({
  scrollWidth: document.documentElement.scrollWidth,
  clientWidth: document.documentElement.clientWidth,
  // Elements sticking out of the viewport on the right, for the failure message.
  culprits: [...document.querySelectorAll('body *')]
    .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1
      && !el.closest('.table-wrap'))
    .slice(0, 5)
    .map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${[...el.classList].join('.')}`),
}));

async function assertNoSideScroll(page, where) {
  const o = await overflow(page);
  assert.ok(o.scrollWidth <= PHONE.width,
    `${where}: page scrolls sideways (scrollWidth ${o.scrollWidth} > ${PHONE.width}); sticking out: ${o.culprits.join(', ')}`);
}

test('setup data for the layout checks', async () => {
  const { context, page } = await newPage(fx.browser);
  await completeSetup(page, fx.server, ADMIN);
  // Some content so the tables are not empty.
  await invite(page, fx.server, { email: 'carmen.rodriguez-villanueva@example.com', role: 'agent' });
  await invite(page, fx.server, { email: 'jorge@example.com', role: 'sales' });
  await context.close();
});

test('phone: /app and /settings/users fit and the menu button folds the navigation', async () => {
  const { context, page } = await newPage(fx.browser, { viewport: PHONE });
  await login(page, fx.server, ADMIN.email, ADMIN.password);

  for (const [path, name] of [['/app', '06-phone-home'], ['/settings/users', '06-phone-users']]) {
    await page.goto(`${fx.server.url}${path}`);
    const toggle = page.locator('.menu-toggle');
    const nav = page.locator('nav#nav');
    assert.ok(await toggle.isVisible(), `${path}: the menu button is visible on a phone`);
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    assert.ok(!(await nav.isVisible()), `${path}: the navigation is folded at first`);
    await assertNoSideScroll(page, path);
    await shot(page, `${name}-menu-closed`);

    await toggle.click();
    assert.ok(await nav.isVisible(), `${path}: the navigation opens`);
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    assert.match(await nav.getAttribute('class'), /\bopen\b/);
    assert.ok(await nav.locator('a[href="/settings/users"]').isVisible());
    await assertNoSideScroll(page, `${path} (menu open)`);
    await shot(page, `${name}-menu-open`);

    await toggle.click();
    assert.ok(!(await nav.isVisible()), `${path}: the navigation folds again`);
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  }

  // The user menu fits on a phone too.
  await page.goto(`${fx.server.url}/app`);
  const menu = await openUserMenu(page);
  const box = await menu.locator('.dropdown-body').boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= PHONE.width, `user menu within the screen: ${JSON.stringify(box)}`);
  await assertNoSideScroll(page, '/app (user menu open)');
  await shot(page, '06-phone-user-menu');

  // The other settings pages should not scroll sideways either.
  for (const path of ['/settings/teams', '/settings/tokens', '/settings/audit', '/settings/account']) {
    await page.goto(`${fx.server.url}${path}`);
    await assertNoSideScroll(page, path);
    await shot(page, `06-phone${path.replaceAll('/', '-')}`);
  }
  await context.close();
});

test('phone: public pages fit', async () => {
  const { context, page } = await newPage(fx.browser, { viewport: PHONE });
  await page.goto(`${fx.server.url}/login`);
  await assertNoSideScroll(page, '/login');
  assert.ok(await page.locator('form[action="/login"] button[type=submit]').isVisible());
  await shot(page, '06-phone-login');
  await context.close();
});

test('desktop: the side navigation is always shown, no menu button', async () => {
  const { context, page } = await newPage(fx.browser, { viewport: DESKTOP });
  await login(page, fx.server, ADMIN.email, ADMIN.password);
  await page.goto(`${fx.server.url}/settings/users`);
  assert.ok(await page.locator('nav#nav').isVisible(), 'navigation visible on desktop');
  assert.ok(!(await page.locator('.menu-toggle').isVisible()), 'no menu button on desktop');
  assert.ok((await overflow(page)).scrollWidth <= DESKTOP.width, 'no sideways scroll on desktop');
  assert.ok(await page.locator('form[action="/settings/users/invite"]').isVisible());
  await shot(page, '06-desktop-users');
  await context.close();
});

test('desktop: the API reference renders and links the OpenAPI document', async () => {
  const { context, page } = await newPage(fx.browser, { viewport: DESKTOP });
  await login(page, fx.server, ADMIN.email, ADMIN.password);
  const resp = await page.goto(`${fx.server.url}/api/docs`);
  assert.equal(resp.status(), 200);
  assert.match(await page.locator('h1').textContent(), /API/);
  assert.ok(await page.locator('code', { hasText: '/api/v1/me' }).count() >= 1, 'documents GET /api/v1/me');
  assert.equal(await page.locator('a[href="/api/v1/openapi.json"]').count(), 1);
  const spec = await (await fetch(`${fx.server.url}/api/v1/openapi.json`)).json();
  assert.match(spec.openapi, /^3\./);
  assert.ok(spec.paths['/me'] || spec.paths['/api/v1/me'], 'the spec has the /me path');
  assert.ok((await overflow(page)).scrollWidth <= DESKTOP.width, 'no sideways scroll on desktop');
  await shot(page, '06-desktop-api-docs');
  await shot(page, '06-desktop-api-docs-top', { fullPage: false });
  await context.close();
});
