// The audit log records who invited whom and who made or revoked which API token.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ADMIN, completeSetup, createToken, invite, newPage, shot, submitAndWait, useApp,
} from '../lib/browser.mjs';

const fx = useApp({ name: '08-audit' });

/** The audit table's rows as { who, what, changes } texts. */
const auditRows = (page) => page.locator('main table tbody tr').evaluateAll((trs) => trs.map((tr) => {
  const td = [...tr.querySelectorAll('td')].map((c) => c.innerText.trim());
  return { when: td[0], who: td[1], what: td[2], changes: td[3] };
}));

test('the audit log lists the invitation and the token changes', async () => {
  const { context, page } = await newPage(fx.browser);
  await completeSetup(page, fx.server, ADMIN);
  await invite(page, fx.server, { email: 'luis@example.com', role: 'manager' });
  await createToken(page, fx.server, { name: 'e2e', scopes: 'read' });
  page.once('dialog', (d) => d.accept());
  await submitAndWait(page, page.locator('table tbody tr', { hasText: 'e2e' }).locator('button', { hasText: 'Revocar' }));

  await page.goto(`${fx.server.url}/settings/audit`);
  const rows = await auditRows(page);
  await shot(page, '08-audit');

  const invites = rows.filter((r) => /invitación/.test(r.what));
  assert.equal(invites.length, 1, `one invite row: ${JSON.stringify(rows, null, 1)}`);
  assert.match(invites[0].what, /creó/);
  assert.match(invites[0].who, new RegExp(ADMIN.name));
  assert.match(invites[0].changes, /luis@example\.com/);
  assert.match(invites[0].changes, /manager/);

  const tokens = rows.filter((r) => /token de API/.test(r.what));
  assert.ok(tokens.length >= 2, `a create and a revoke row for the token: ${JSON.stringify(tokens, null, 1)}`);
  const created = tokens.find((r) => /creó/.test(r.what));
  assert.ok(created, 'a "creó token de API" row');
  assert.match(created.changes, /e2e/);
  assert.match(created.who, new RegExp(ADMIN.name));
  const revoked = tokens.find((r) => r !== created);
  assert.ok(revoked, 'the revocation is logged too');
  assert.match(revoked.what, /modificó/, 'revoking is a change of state (the token stays listed), not a deletion');
  assert.match(revoked.changes, /revoked: false → true/);
  // Newest first: the revocation is above the creation.
  assert.ok(rows.indexOf(revoked) < rows.indexOf(created), 'newest entries first');

  // The entity filter narrows the list.
  await page.locator('select[name=entity_type]').selectOption('invite');
  await submitAndWait(page, page.locator('form[action="/settings/audit"] button[type=submit]'));
  assert.match(page.url(), /entity_type=invite/);
  const filtered = await auditRows(page);
  assert.ok(filtered.length >= 1 && filtered.every((r) => /invitación/.test(r.what)), `only invites: ${JSON.stringify(filtered)}`);
  await shot(page, '08-audit-filtered');

  // The same log is on the API for a token with read scope.
  const secret = await createToken(page, fx.server, { name: 'audit-reader', scopes: 'read' });
  const res = await fetch(`${fx.server.url}/api/v1/audit-log`, { headers: { Authorization: `Bearer ${secret}` } });
  assert.equal(res.status, 200);
  const body = await res.json();
  const items = body.data;
  assert.ok(Array.isArray(items) && items.some((e) => e.entity_type === 'invite'), `API lists the invite: ${JSON.stringify(body).slice(0, 300)}`);
  await context.close();
});
