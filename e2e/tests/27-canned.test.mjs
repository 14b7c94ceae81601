// Canned responses on the demo workspace: an admin saves one (a wrong placeholder first,
// named beside the text), then on a conversation picks it and gets it filled in for the
// customer inside the box under the thread, where the cursor was; the mailbox settings offer
// "Probar conexión".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DESKTOP, login, newPage, shot, submitAndWait, useApp } from '../lib/browser.mjs';

const fx = useApp({ name: '27-canned', demo: true });
const ANA = { email: 'ana@demo.vinculo.test', password: 'vinculo-demo' };

test('a canned response is saved, then inserted filled in on a conversation', async () => {
  const { context, page } = await newPage(fx.browser, { viewport: DESKTOP });
  await login(page, fx.server, ANA.email, ANA.password);
  await submitAndWait(page, page.locator('nav#nav a[href="/settings/canned-responses"]'));
  await page.locator('h1', { hasText: 'Respuestas predefinidas' }).waitFor();
  const form = page.locator('form[action="/settings/canned-responses"]');
  await form.locator('input[name=name]').fill('Saludo');
  await form.locator('textarea[name=body]').fill('Hola {{cliente.nombre}}');
  const refused = await submitAndWait(page, form.locator('button[type=submit]'));
  assert.equal(refused.status(), 422);
  assert.match(await page.locator('#err-body').textContent(), /marcador desconocido \{\{cliente\.nombre\}\} en la línea 1, columna 6/);
  const again = page.locator('form[action="/settings/canned-responses"]');
  await again.locator('textarea[name=body]').fill('Hola {{customer.given_name|cliente}}, soy {{agent.name}}.');
  const saved = await submitAndWait(page, again.locator('button[type=submit]'));
  assert.ok(saved.ok(), `saving answered ${saved.status()}`);
  await page.locator('.flash.ok', { hasText: 'Respuesta predefinida guardada.' }).waitFor();

  await page.goto(`${fx.server.url}/inbox?status=all`);
  await submitAndWait(page, page.locator('.inbox-item a', { hasText: 'Factura de octubre duplicada' }));
  const box = page.locator('#compose textarea[name=body]');
  await box.fill('Nota: ');
  const picker = page.locator('form[data-canned-picker]');
  await picker.locator('select[name=canned]').selectOption({ label: 'Saludo' });
  await picker.locator('button[type=submit]').click();
  await page.waitForFunction(() => document.querySelector('#compose textarea[name=body]').value.includes('soy'));
  const text = await box.inputValue();
  assert.match(text, /^Nota: Hola [^{}]+, soy [^{}]+\.$/, text);
  assert.equal(new URL(page.url()).pathname.endsWith('/canned'), false, 'it stayed on the conversation');
  await shot(page, '27-canned-inserted');
  await context.close();
});

test('the mailbox settings offer a connection test for settings being typed', async () => {
  const { context, page } = await newPage(fx.browser, { viewport: DESKTOP });
  await login(page, fx.server, ANA.email, ANA.password);
  await page.goto(`${fx.server.url}/settings/mailboxes`);
  const test = page.locator('button[formaction="/settings/mailboxes/test"]');
  assert.equal(await test.count(), 1);
  await context.close();
});
