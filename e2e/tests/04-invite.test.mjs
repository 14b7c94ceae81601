// An admin invites a manager; the manager accepts in a separate browser and sees only
// what a manager may see.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ADMIN, completeSetup, invite, navLinks, newPage, shot, submitAndWait, useApp,
} from '../lib/browser.mjs';

const fx = useApp({ name: '04-invite' });

const LUIS = { email: 'luis@example.com', name: 'Luis Gerente', password: 'luis-password-123' };

test('an invited manager joins and is kept out of token settings', async () => {
  const admin = await newPage(fx.browser);
  await completeSetup(admin.page, fx.server, ADMIN);

  // The admin invites Luis as a manager.
  const link = await invite(admin.page, fx.server, { email: LUIS.email, role: 'manager' });
  assert.match(link, new RegExp(`^${fx.server.url}/invite/vni_[A-Za-z0-9_-]+$`), `invitation link format: ${link}`);
  const flash = admin.page.locator('.flash.ok');
  assert.match(await flash.textContent(), /luis@example\.com/);
  // The pending invitation is listed.
  assert.match(await admin.page.locator('main').innerText(), /luis@example\.com/);
  await shot(admin.page, '04-invite-created');

  // Luis opens the link in a fresh browser context: no cookies shared with the admin.
  const luis = await newPage(fx.browser);
  assert.equal((await luis.context.cookies()).length, 0);
  await luis.page.goto(link);
  const form = luis.page.locator('form[action^="/invite/"]');
  assert.equal(await form.locator('input[name=name]').count(), 1, 'a new person is asked for a name');
  assert.match(await luis.page.locator('main').innerText(), /luis@example\.com/, 'the page says who is invited');
  await shot(luis.page, '04-invite-accept');
  await form.locator('input[name=name]').fill(LUIS.name);
  await form.locator('input[name=password]').fill(LUIS.password);
  await submitAndWait(luis.page, form.locator('button[type=submit]'));
  assert.equal(new URL(luis.page.url()).pathname, '/app', `accepting lands on /app, got ${luis.page.url()}`);
  assert.match(await luis.page.locator('main h1').textContent(), new RegExp(`Hola, ${LUIS.name}`));
  assert.match(await luis.page.locator('details.user-menu .user-name').textContent(), new RegExp(LUIS.name));
  assert.match(await luis.page.locator('.ws-switcher .ws-name').textContent(), new RegExp(ADMIN.workspace), 'joined the admin’s workspace');
  await shot(luis.page, '04-manager-home');

  // A manager's navigation has no token settings, and the page itself is refused.
  const links = await navLinks(luis.page);
  assert.ok(links.includes('/app'));
  assert.ok(!links.includes('/settings/tokens'), `manager nav must not link to tokens: ${links}`);
  const resp = await luis.page.goto(`${fx.server.url}/settings/tokens`);
  assert.equal(resp.status(), 403, 'a manager gets 403 on /settings/tokens');
  assert.match(await luis.page.locator('main h1').textContent(), /Sin permiso/);
  assert.equal(await luis.page.locator('form[action="/settings/tokens"]').count(), 0, 'no token form leaks into the 403 page');
  await shot(luis.page, '04-manager-tokens-403');

  // The invitation is single-use.
  const again = await newPage(fx.browser);
  const reused = await again.page.goto(link);
  assert.equal(reused.status(), 404, 'a used invitation link is no longer valid');
  await shot(again.page, '04-invite-reused');
  await again.context.close();

  // Back as admin: Luis is a member with the manager role.
  await admin.page.goto(`${fx.server.url}/settings/users`);
  const members = admin.page.locator('main table').first();
  assert.match(await members.locator('thead').innerText(), /Nombre/i, 'the first table is the members table');
  const row = members.locator('tbody tr', { hasText: LUIS.email });
  assert.equal(await row.count(), 1, 'Luis is listed once among the members');
  assert.match(await row.innerText(), new RegExp(LUIS.name));
  assert.equal(await row.locator('select[name=role]').inputValue(), 'manager');
  await shot(admin.page, '04-members');

  await luis.context.close();
  await admin.context.close();
});
