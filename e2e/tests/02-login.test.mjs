// Logging out through the user menu, a wrong password, the right one, and the lock-out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ADMIN, completeSetup, login, logout, newPage, openUserMenu, shot, submitAndWait, useApp,
} from '../lib/browser.mjs';

const fx = useApp({ name: '02-login' });

test('logout, wrong password, right password', async () => {
  const { context, page } = await newPage(fx.browser);
  await completeSetup(page, fx.server, ADMIN);

  const menu = await openUserMenu(page);
  assert.match(await menu.locator('.dropdown-body').textContent(), new RegExp(ADMIN.email));
  assert.equal(await menu.locator('a[href="/settings/account"]').count(), 1, 'user menu links to the account page');
  await shot(page, '02-user-menu');

  await logout(page);
  assert.equal(new URL(page.url()).pathname, '/login', `logout lands on /login, got ${page.url()}`);
  const cookies = await context.cookies(fx.server.url);
  assert.equal(cookies.find((c) => c.name === 'vinculo_session'), undefined, 'session cookie removed');

  // A protected page now sends us to the login form.
  await page.goto(`${fx.server.url}/app`);
  assert.equal(new URL(page.url()).pathname, '/login', `/app after logout should redirect to /login, got ${page.url()}`);
  await page.locator('form[action="/login"] input[name=email]').waitFor();
  await shot(page, '02-login');

  // Wrong password: 401 with an error message, the e-mail kept.
  await page.fill('input[name=email]', ADMIN.email);
  await page.fill('input[name=password]', 'not the password');
  const bad = await submitAndWait(page, page.locator('form[action="/login"] button[type=submit]'));
  assert.equal(bad.status(), 401);
  const error = page.locator('.flash.err[role=alert]');
  assert.equal(await error.count(), 1, 'an error message is shown');
  assert.ok((await error.textContent()).trim().length > 0);
  assert.equal(await page.inputValue('input[name=email]'), ADMIN.email, 'the e-mail is kept');
  assert.equal(await page.inputValue('input[name=password]'), '', 'the password is not echoed back');
  await shot(page, '02-login-wrong-password');

  // The right password logs in (the form shown after the error works too).
  await page.fill('input[name=password]', ADMIN.password);
  const good = await submitAndWait(page, page.locator('form[action="/login"] button[type=submit]'));
  assert.equal(good.status(), 200);
  assert.equal(new URL(page.url()).pathname, '/app');
  assert.match(await page.locator('main h1').textContent(), new RegExp(`Hola, ${ADMIN.name}`));
  await shot(page, '02-login-ok');
  await context.close();
});

test('login redirects back to the page asked for', async () => {
  const { context, page } = await newPage(fx.browser);
  await page.goto(`${fx.server.url}/settings/users`);
  assert.equal(new URL(page.url()).pathname, '/login');
  await page.fill('input[name=email]', ADMIN.email);
  await page.fill('input[name=password]', ADMIN.password);
  await submitAndWait(page, page.locator('form[action="/login"] button[type=submit]'));
  assert.equal(new URL(page.url()).pathname, '/settings/users', `after login expected /settings/users, got ${page.url()}`);
  await context.close();
});

test('too many failed logins lock the account with a 429 message', async () => {
  const { context, page } = await newPage(fx.browser);
  const email = 'nobody@example.com';
  let last;
  for (let i = 0; i < 6; i++) {
    last = await login(page, fx.server, email, `wrong password ${i}`);
    if (last.status() === 429) break;
    assert.equal(last.status(), 401, `attempt ${i + 1}`);
  }
  assert.equal(last.status(), 429, 'the sixth attempt is refused');
  const error = page.locator('.flash.err[role=alert]');
  assert.ok((await error.textContent()).trim().length > 0, 'the 429 page explains itself');
  await shot(page, '02-login-rate-limited');
  // Other accounts are not affected.
  const ok = await login(page, fx.server, ADMIN.email, ADMIN.password);
  assert.equal(ok.status(), 200);
  assert.equal(new URL(page.url()).pathname, '/app');
  await context.close();
});
