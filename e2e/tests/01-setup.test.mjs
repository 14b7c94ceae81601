// First run: the setup link printed by the server creates the workspace and its admin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN, completeSetup, newPage, shot, useApp } from '../lib/browser.mjs';

const fx = useApp({ name: '01-setup' });

test('first-run setup creates the admin and logs in with a safe session cookie', async () => {
  const { context, page } = await newPage(fx.browser);

  await page.goto(fx.server.setupUrl);
  await page.locator('input[name=workspace_name]').waitFor();
  for (const field of ['workspace_name', 'name', 'email', 'password']) {
    assert.equal(await page.locator(`form[action="/setup"] input[name=${field}]`).count(), 1, `setup form has ${field}`);
  }
  assert.equal(await page.locator('form[action="/setup"] input[name=_csrf]').count(), 1, 'setup form has a CSRF field');
  await shot(page, '01-setup');

  await completeSetup(page, fx.server, ADMIN);
  const greeting = page.locator('main h1');
  assert.match(await greeting.textContent(), new RegExp(`Hola, ${ADMIN.name}`));
  assert.match(await page.locator('details.user-menu .user-name').textContent(), new RegExp(ADMIN.name));
  assert.match(await page.locator('.ws-switcher .ws-name').textContent(), new RegExp(ADMIN.workspace));
  await shot(page, '01-setup-home');

  // The session survives a reload.
  await page.reload();
  assert.equal(new URL(page.url()).pathname, '/app');
  assert.match(await page.locator('main h1').textContent(), new RegExp(`Hola, ${ADMIN.name}`));

  const cookies = await context.cookies(fx.server.url);
  const session = cookies.find((c) => c.name === 'vinculo_session');
  assert.ok(session, `a vinculo_session cookie is set (have: ${cookies.map((c) => c.name).join(', ')})`);
  assert.equal(session.httpOnly, true, 'session cookie is HttpOnly');
  assert.equal(session.sameSite, 'Lax', 'session cookie is SameSite=Lax');
  assert.equal(session.path, '/');
  assert.equal(await page.evaluate(() => document.cookie.includes('vinculo_session')), false, 'scripts cannot read the session');

  // The setup link is spent: it no longer offers the form.
  await page.context().clearCookies();
  await page.goto(fx.server.setupUrl);
  assert.equal(await page.locator('form[action="/setup"]').count(), 0, 'setup form is gone after the first run');
  await context.close();
});
