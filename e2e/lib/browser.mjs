// Headless Chromium (the system's, never a downloaded one) and the steps many tests share.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { SCREENSHOT_DIR, startServer } from './server.mjs';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 360, height: 740 };

/** Spanish is the product's default; say so explicitly so the host's locale does not matter. */
export const DEFAULT_LOCALE = 'es-ES';

export const ADMIN = {
  workspace: 'Acme Ventas',
  name: 'Ana Admin',
  email: 'ana@example.com',
  password: 'correct horse battery',
};

/** Launches headless Chromium with a throwaway profile (Playwright makes a temp one). */
export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** A new, cookie-less browser context and a page in it. */
export async function newPage(browser, { viewport = DESKTOP, locale = DEFAULT_LOCALE } = {}) {
  const context = await browser.newContext({ viewport, locale });
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(15_000);
  const page = await context.newPage();
  return { context, page };
}

/** Screenshot (full page unless told otherwise) into e2e/screenshots/<name>.png. */
export async function shot(page, name, { fullPage = true } = {}) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}

/**
 * Per test file: one fresh server and one browser, started before the tests and always
 * stopped after them (also when a test failed). Read `fx.server` / `fx.browser` in tests.
 */
export function useApp({ name, demo = false } = {}) {
  const fx = {};
  before(async () => {
    fx.server = await startServer({ demo, name });
    fx.browser = await launchBrowser();
  });
  after(async () => {
    try {
      await fx.browser?.close();
    } finally {
      await fx.server?.stop();
    }
  });
  return fx;
}

/** Clicks something that submits a form or follows a link and waits for the new page. */
export async function submitAndWait(page, locator) {
  const [response] = await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    locator.click(),
  ]);
  return response;
}

/** Fills the first-run form at the setup URL; ends on /app logged in as the admin. */
export async function completeSetup(page, server, who = ADMIN) {
  assert.ok(server.setupUrl, 'the server printed no setup URL (data dir not empty?)');
  await page.goto(server.setupUrl);
  await page.fill('input[name=workspace_name]', who.workspace);
  await page.fill('input[name=name]', who.name);
  await page.fill('input[name=email]', who.email);
  await page.fill('input[name=password]', who.password);
  await submitAndWait(page, page.locator('form[action="/setup"] button[type=submit]'));
  assert.equal(new URL(page.url()).pathname, '/app', `setup should land on /app, got ${page.url()}`);
}

/** Logs in through /login; returns the response of the form post. */
export async function login(page, server, email, password) {
  await page.goto(`${server.url}/login`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  return submitAndWait(page, page.locator('form[action="/login"] button[type=submit]'));
}

/** Opens the user menu in the top bar (a <details> dropdown). */
export async function openUserMenu(page) {
  const menu = page.locator('details.user-menu');
  if (!(await menu.evaluate((d) => d.open))) await menu.locator('summary').click();
  await menu.locator('.dropdown-body').waitFor({ state: 'visible' });
  return menu;
}

/** Logs out through the user menu; ends on /login. */
export async function logout(page) {
  const menu = await openUserMenu(page);
  await submitAndWait(page, menu.locator('form[action="/logout"] button'));
}

/** The hrefs of the side navigation's links. */
export function navLinks(page) {
  return page.locator('nav#nav a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
}

/** Creates a token on /settings/tokens and returns its one-time secret. */
export async function createToken(page, server, { name, scopes = 'read' }) {
  await page.goto(`${server.url}/settings/tokens`);
  const form = page.locator('form[action="/settings/tokens"]');
  await form.locator('input[name=name]').fill(name);
  await form.locator('input[name=scopes]').fill(scopes);
  const response = await submitAndWait(page, form.locator('button[type=submit]'));
  assert.ok(response.ok(), `creating a token answered ${response.status()}`);
  return (await page.locator('code#new-token').textContent()).trim();
}

/** Invites an e-mail on /settings/users and returns the invitation link. */
export async function invite(page, server, { email, role }) {
  await page.goto(`${server.url}/settings/users`);
  const form = page.locator('form[action="/settings/users/invite"]');
  await form.locator('input[name=email]').fill(email);
  await form.locator('select[name=role]').selectOption(role);
  const response = await submitAndWait(page, form.locator('button[type=submit]'));
  assert.ok(response.ok(), `inviting answered ${response.status()}`);
  return (await page.locator('code#invite-link').textContent()).trim();
}

/** GET /api/v1/me with a bearer token, from Node (no browser cookies involved). */
export async function apiMe(server, token) {
  const res = await fetch(`${server.url}/api/v1/me`, {
    headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
  });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, json, text };
}
