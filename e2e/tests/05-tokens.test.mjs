// An API token made on the settings page works on the REST API until it is revoked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ADMIN, apiMe, completeSetup, createToken, newPage, shot, submitAndWait, useApp,
} from '../lib/browser.mjs';

const fx = useApp({ name: '05-tokens' });

test('create a token, use it on /api/v1/me, revoke it', async () => {
  const { context, page } = await newPage(fx.browser);
  await completeSetup(page, fx.server, ADMIN);

  // Without a token the API refuses.
  assert.equal((await fetch(`${fx.server.url}/api/v1/me`)).status, 401);

  await page.goto(`${fx.server.url}/settings/tokens`);
  const form = page.locator('form[action="/settings/tokens"]');
  assert.equal(await form.locator('input[name=scopes]').inputValue(), 'read', 'scopes default to read');
  assert.match(await form.locator('select[name=user_id] option:checked').textContent(), new RegExp(ADMIN.email), 'acts as me by default');

  const secret = await createToken(page, fx.server, { name: 'e2e', scopes: 'read' });
  assert.match(secret, /^vnc_[A-Za-z0-9_-]{16,}$/, `token secret format: ${secret}`);
  const row = page.locator('table tbody tr', { hasText: 'e2e' });
  assert.equal(await row.count(), 1, 'the token is listed');
  assert.match(await row.innerText(), /read/);
  assert.ok(!(await page.locator('table').innerText()).includes(secret), 'the table never shows the whole secret');
  await shot(page, '05-token-created');

  // The secret is shown once: a reload does not show it again.
  await page.goto(`${fx.server.url}/settings/tokens`);
  assert.equal(await page.locator('code#new-token').count(), 0, 'secret not shown again');
  assert.ok(!(await page.content()).includes(secret));

  // It works on the API, from outside the browser.
  const me = await apiMe(fx.server, secret);
  assert.equal(me.status, 200, me.text);
  assert.equal(me.json.auth, 'token');
  assert.equal(me.json.email, ADMIN.email);
  assert.equal(me.json.role, 'admin');

  // And from the page (fetch in the browser, no cookies sent with the bearer token needed).
  const inPage = await page.evaluate(async (t) => {
    const r = await fetch('/api/v1/me', { headers: { Authorization: `Bearer ${t}` }, credentials: 'omit' });
    return { status: r.status, body: await r.json() };
  }, secret);
  assert.equal(inPage.status, 200);
  assert.equal(inPage.body.auth, 'token');

  // A wrong token is refused.
  assert.equal((await apiMe(fx.server, `${secret.slice(0, -2)}xx`)).status, 401);

  // Revoke, accepting the confirm() dialog.
  let dialogText;
  page.once('dialog', (d) => { dialogText = d.message(); d.accept(); });
  const revokeRow = page.locator('table tbody tr', { hasText: 'e2e' });
  await submitAndWait(page, revokeRow.locator('button', { hasText: 'Revocar' }));
  assert.match(dialogText ?? '', /e2e/, 'the confirmation names the token');
  assert.match(await page.locator('table tbody tr', { hasText: 'e2e' }).innerText(), /Revocado/);
  await shot(page, '05-token-revoked');

  const after = await apiMe(fx.server, secret);
  assert.equal(after.status, 401, `revoked token must be refused, got ${after.status} ${after.text}`);
  await context.close();
});

test('dismissing the confirm() dialog keeps the token', async () => {
  const { context, page } = await newPage(fx.browser);
  await page.goto(`${fx.server.url}/login`);
  await page.fill('input[name=email]', ADMIN.email);
  await page.fill('input[name=password]', ADMIN.password);
  await submitAndWait(page, page.locator('form[action="/login"] button[type=submit]'));
  const secret = await createToken(page, fx.server, { name: 'kept', scopes: 'read' });
  page.once('dialog', (d) => d.dismiss());
  await page.locator('table tbody tr', { hasText: 'kept' }).locator('button', { hasText: 'Revocar' }).click();
  await page.waitForTimeout(300);
  assert.equal(new URL(page.url()).pathname, '/settings/tokens');
  assert.equal((await apiMe(fx.server, secret)).status, 200, 'still valid after cancelling');
  await context.close();
});
