// Every form carries a CSRF token; a post without it is refused with a 403 page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ADMIN, apiMe, completeSetup, newPage, shot, submitAndWait, useApp,
} from '../lib/browser.mjs';

const fx = useApp({ name: '07-csrf' });

test('every form on the settings pages has a _csrf field', async () => {
  const { context, page } = await newPage(fx.browser);
  await completeSetup(page, fx.server, ADMIN);
  for (const path of ['/app', '/settings/users', '/settings/teams', '/settings/tokens', '/settings/account']) {
    await page.goto(`${fx.server.url}${path}`);
    const missing = await page.locator('form[method=post]').evaluateAll((forms) => forms
      .filter((f) => !f.querySelector('input[type=hidden][name=_csrf]')?.value)
      .map((f) => f.getAttribute('action')));
    assert.deepEqual(missing, [], `${path}: post forms without a _csrf token`);
  }
  await context.close();
});

test('posting the token form without _csrf gives 403 and creates nothing', async () => {
  const { context, page } = await newPage(fx.browser);
  await page.goto(`${fx.server.url}/login`);
  await page.fill('input[name=email]', ADMIN.email);
  await page.fill('input[name=password]', ADMIN.password);
  await submitAndWait(page, page.locator('form[action="/login"] button[type=submit]'));

  await page.goto(`${fx.server.url}/settings/tokens`);
  const form = page.locator('form[action="/settings/tokens"]');
  await form.locator('input[name=name]').fill('forged');
  const removed = await form.evaluate((f) => {
    const input = f.querySelector('input[name=_csrf]');
    input?.remove();
    return Boolean(input);
  });
  assert.ok(removed, 'the form had a _csrf input to remove');
  const resp = await submitAndWait(page, form.locator('button[type=submit]'));
  assert.equal(resp.status(), 403, 'a post without the CSRF token is refused');
  assert.equal(await page.locator('code#new-token').count(), 0, 'no token secret shown');
  const body = await page.locator('body').innerText();
  assert.match(body, /caducado|expired/i, 'the 403 page explains what happened');
  await shot(page, '07-csrf-403');

  // A tampered token is refused too.
  await page.goto(`${fx.server.url}/settings/tokens`);
  await form.locator('input[name=name]').fill('forged2');
  await form.evaluate((f) => { f.querySelector('input[name=_csrf]').value = 'x'.repeat(40); });
  assert.equal((await submitAndWait(page, form.locator('button[type=submit]'))).status(), 403);

  // Nothing was created.
  await page.goto(`${fx.server.url}/settings/tokens`);
  assert.equal(await page.locator('table tbody tr', { hasText: 'forged' }).count(), 0, 'no forged token listed');

  // The session is still fine and a normal post works.
  await form.locator('input[name=name]').fill('legit');
  await submitAndWait(page, form.locator('button[type=submit]'));
  const secret = (await page.locator('code#new-token').textContent()).trim();
  assert.equal((await apiMe(fx.server, secret)).status, 200);
  await context.close();
});

test('a cross-site style post (no token, from another context) is refused', async () => {
  // Log in, then post with the session cookie but without a token, like a forged form would.
  const { context, page } = await newPage(fx.browser);
  await page.goto(`${fx.server.url}/login`);
  await page.fill('input[name=email]', ADMIN.email);
  await page.fill('input[name=password]', ADMIN.password);
  await submitAndWait(page, page.locator('form[action="/login"] button[type=submit]'));
  const status = await page.evaluate(async () => {
    const r = await fetch('/settings/users/invite', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'email=mallory%40example.com&role=admin',
    });
    return r.status;
  });
  assert.equal(status, 403);
  await page.goto(`${fx.server.url}/settings/users`);
  assert.ok(!(await page.locator('main').innerText()).includes('mallory@example.com'), 'no invitation was made');
  await context.close();
});
