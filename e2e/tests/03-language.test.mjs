// Spanish by default; English through the public links (a cookie) and through the user
// menu (saved on the profile, so it follows the user to a new browser).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ADMIN, completeSetup, login, newPage, openUserMenu, shot, submitAndWait, useApp,
} from '../lib/browser.mjs';

const fx = useApp({ name: '03-language' });

const loginButton = (page) => page.locator('form[action="/login"] button[type=submit]');
const htmlLang = (page) => page.locator('html').getAttribute('lang');

/** Words that only appear in the Spanish UI (the "Español" switch label is always there). */
const SPANISH_ONLY = ['Inicio', 'Ajustes', 'Usuarios', 'Equipos', 'Cerrar sesión', 'Correo electrónico', 'Contraseña', 'Guardar', 'Registro de auditoría', 'Mi cuenta'];

async function assertNoSpanish(page, where) {
  const text = await page.locator('body').innerText();
  const found = SPANISH_ONLY.filter((w) => text.includes(w));
  assert.deepEqual(found, [], `Spanish text left on the English ${where} page`);
}

test('public pages switch language with the /lang links', async () => {
  const { context, page } = await newPage(fx.browser);
  await completeSetup(page, fx.server, ADMIN); // so /login shows the login form
  await context.clearCookies();

  await page.goto(`${fx.server.url}/login`);
  assert.equal(await htmlLang(page), 'es');
  assert.equal((await loginButton(page).textContent()).trim(), 'Entrar');

  await submitAndWait(page, page.locator('a[href="/lang/en"]'));
  assert.equal(new URL(page.url()).pathname, '/login', 'the language link comes back to the same page');
  assert.equal(await htmlLang(page), 'en');
  assert.equal((await loginButton(page).textContent()).trim(), 'Log in');
  assert.match(await page.locator('main h1').textContent(), /Log in/);
  await shot(page, '03-login-en');

  // The choice is a cookie: it holds on the next visit.
  await page.goto(`${fx.server.url}/login`);
  assert.equal((await loginButton(page).textContent()).trim(), 'Log in');

  await submitAndWait(page, page.locator('a[href="/lang/es"]'));
  assert.equal(await htmlLang(page), 'es');
  assert.equal((await loginButton(page).textContent()).trim(), 'Entrar');
  await context.close();
});

test('the user menu switches the UI language and saves it on the profile', async () => {
  const { context, page } = await newPage(fx.browser);
  await login(page, fx.server, ADMIN.email, ADMIN.password);
  await page.goto(`${fx.server.url}/settings/users`);
  assert.equal(await htmlLang(page), 'es');

  let menu = await openUserMenu(page);
  assert.equal(await menu.locator('button[name=locale][value=es]').getAttribute('aria-pressed'), 'true');
  await submitAndWait(page, menu.locator('button[name=locale][value=en]'));
  assert.equal(new URL(page.url()).pathname, '/settings/users', 'switching language stays on the page');
  assert.equal(await htmlLang(page), 'en');
  assert.ok(await page.locator('nav#nav a[href="/settings/users"]', { hasText: 'Users' }).isVisible());
  await shot(page, '03-users-en');

  await page.goto(`${fx.server.url}/app`);
  assert.match(await page.locator('main h1').textContent(), new RegExp(`Welcome, ${ADMIN.name}`));
  await page.reload();
  assert.match(await page.locator('main h1').textContent(), new RegExp(`Welcome, ${ADMIN.name}`), 'English after reload');
  await shot(page, '03-home-en');

  // Every logged-in page is in English now.
  for (const path of ['/app', '/settings/users', '/settings/teams', '/settings/tokens', '/settings/audit', '/settings/account', '/api/docs']) {
    await page.goto(`${fx.server.url}${path}`);
    assert.equal(await htmlLang(page), 'en', `${path} is marked English`);
    await assertNoSpanish(page, path);
    await shot(page, `03-en${path.replaceAll('/', '-')}`);
  }
  assert.equal(await page.goto(`${fx.server.url}/settings/account`).then(() => page.inputValue('select[name=locale]')), 'en');

  // Saved on the profile: a brand-new Spanish-speaking browser gets English after login.
  const other = await newPage(fx.browser, { locale: 'es-ES' });
  await login(other.page, fx.server, ADMIN.email, ADMIN.password);
  assert.match(await other.page.locator('main h1').textContent(), new RegExp(`Welcome, ${ADMIN.name}`), 'the preference follows the user');
  await other.context.close();

  // And back to Spanish.
  await page.goto(`${fx.server.url}/app`);
  menu = await openUserMenu(page);
  assert.equal(await menu.locator('button[name=locale][value=en]').getAttribute('aria-pressed'), 'true');
  await submitAndWait(page, menu.locator('button[name=locale][value=es]'));
  assert.equal(await htmlLang(page), 'es');
  assert.match(await page.locator('main h1').textContent(), new RegExp(`Hola, ${ADMIN.name}`));
  await page.reload();
  assert.match(await page.locator('main h1').textContent(), new RegExp(`Hola, ${ADMIN.name}`));
  await page.goto(`${fx.server.url}/settings/account`);
  assert.equal(await page.inputValue('select[name=locale]'), 'es');
  await shot(page, '03-account-es');
  await context.close();
});
