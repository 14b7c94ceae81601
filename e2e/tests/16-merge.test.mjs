// Merging duplicates from the suggestions page: one interaction seen with the e-mail of one
// customer and the phone of another raises a suggestion; the comparison page chooses whose
// name stays; the survivor's page says so and offers the undo, which brings both back.
// In Spanish, on a desktop and on a 360 px phone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ADMIN, PHONE, completeSetup, createToken, login, newPage, shot, submitAndWait, useApp,
} from '../lib/browser.mjs';

const fx = useApp({ name: '16-merge' });
const fixture = {};

/** A JSON request with the bearer token; returns [status, body]. */
async function api(method, path, body) {
  const res = await fetch(`${fx.server.url}/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${fixture.token}`, 'Content-Type': 'application/json', Accept: 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return [res.status, text ? JSON.parse(text) : null];
}

test('a suggested duplicate is compared, merged with a chosen name, and the merge undone', async () => {
  const { context, page } = await newPage(fx.browser);
  await completeSetup(page, fx.server, ADMIN);
  fixture.token = await createToken(page, fx.server, { name: 'crm', scopes: 'read,write' });
  const [s1, ana] = await api('POST', '/customers', { given_name: 'Ana', emails: [{ value: 'ana@example.com' }] });
  assert.equal(s1, 201);
  const [s2, twin] = await api('POST', '/customers', {
    given_name: 'Ana María', family_name: 'García', phones: [{ value: '612 34 56 78' }],
  });
  assert.equal(s2, 201);
  const [s3] = await api('POST', '/interactions', {
    channel: 'phone', type: 'call', customer: { email: 'ana@example.com', phone: '612 34 56 78' },
  });
  assert.equal(s3, 201);
  Object.assign(fixture, { ana: ana.id, twin: twin.id });
  const twinBefore = (await api('GET', `/customers/${twin.id}`))[1];

  await page.goto(`${fx.server.url}/customers`);
  await submitAndWait(page, page.locator('a[href="/customers/duplicates"]'));
  await page.locator('h1', { hasText: 'Posibles duplicados' }).waitFor();
  await shot(page, '16-duplicates');
  await submitAndWait(page, page.locator('a', { hasText: 'Comparar' }).first());
  await page.locator('h1', { hasText: 'Fusionar clientes' }).waitFor();
  // The survivor is Ana; the name comes from the other record.
  await page.locator(`input[name=survivor][value="${ana.id}"]`).check();
  await page.locator(`input[name="f.given_name"][value="${twin.id}"]`).check();
  await shot(page, '16-compare');
  const merged = await submitAndWait(page, page.locator('button', { hasText: 'Fusionar' }));
  assert.ok(merged.ok(), `merge answered ${merged.status()}`);
  assert.ok(page.url().includes(`/customers/${ana.id}`), page.url());
  await page.locator('.flash.ok', { hasText: 'Clientes fusionados.' }).waitFor();
  assert.equal(await page.locator('input[name=given_name]').inputValue(), 'Ana María');
  assert.equal((await api('GET', `/customers/${twin.id}`))[0], 404);
  await shot(page, '16-merged');

  const undone = await submitAndWait(page, page.locator('button', { hasText: 'Deshacer la fusión' }));
  assert.ok(undone.ok(), `undo answered ${undone.status()}`);
  await page.locator('.flash.ok', { hasText: 'Fusión deshecha.' }).waitFor();
  assert.equal(await page.locator('input[name=given_name]').inputValue(), 'Ana');
  const [s4, twinAfter] = await api('GET', `/customers/${twin.id}`);
  assert.equal(s4, 200);
  assert.deepEqual(twinAfter, twinBefore, 'the merged customer is back as it was');
  await context.close();
});

test('a merge left behind is found again in the history and undone from there', async () => {
  const { context, page } = await newPage(fx.browser);
  await login(page, fx.server, ADMIN.email, ADMIN.password);
  const [s, merge] = await api('POST', '/customers:merge', { survivor: fixture.ana, merge: [fixture.twin] });
  assert.equal(s, 201);
  // Days later, on the survivor's page: a quiet line keeps the undo and the way to the history.
  await page.goto(`${fx.server.url}/customers/${fixture.ana}`);
  const line = page.locator('form.merged-banner');
  assert.match(await line.innerText(), /1 fusionado\(s\) en este cliente/);
  await page.goto(`${fx.server.url}/customers/duplicates`);
  await submitAndWait(page, page.locator('a', { hasText: 'Historial de fusiones' }));
  await page.locator('h1', { hasText: 'Historial de fusiones' }).waitFor();
  const item = page.locator('li[data-status=merged]').first();
  assert.match(await item.innerText(), /Ana María García → Ana/);
  await shot(page, '16-history');
  const undone = await submitAndWait(page, item.locator('button', { hasText: 'Deshacer la fusión' }));
  assert.ok(undone.ok(), `undo answered ${undone.status()}`);
  await page.locator('.flash.ok', { hasText: 'Fusión deshecha.' }).waitFor();
  assert.equal((await api('GET', `/customers/${fixture.twin}`))[0], 200);
  assert.equal((await api('GET', `/merges/${merge.id}`))[1].status, 'undone');
  await page.goto(`${fx.server.url}/customers/merges`);
  assert.equal(await page.locator('li[data-status=undone]').count(), 2, 'both merges, undone');
  await context.close();
});

test('phone: the comparison fits 360 px, its table scrolling inside itself', async () => {
  const { context, page } = await newPage(fx.browser, { viewport: PHONE });
  await login(page, fx.server, ADMIN.email, ADMIN.password);
  await page.goto(`${fx.server.url}/customers/merge?ids=${fixture.ana},${fixture.twin}`);
  await page.locator('h1', { hasText: 'Fusionar clientes' }).waitFor();
  await shot(page, '16-phone-compare');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= PHONE.width, `scrollWidth ${width}`);
  const button = await page.locator('button', { hasText: 'Fusionar' }).boundingBox();
  assert.ok(button && button.x >= 0 && button.x + button.width <= PHONE.width, JSON.stringify(button));
  await page.goto(`${fx.server.url}/customers/duplicates`);
  const w2 = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(w2 <= PHONE.width, `duplicates scrollWidth ${w2}`);
  await context.close();
});
