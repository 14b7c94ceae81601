// Web forms on the demo workspace: an admin builds a form in the settings (adds a phone
// field and moves it up, a consent box, a team for its conversations), opens its hosted page
// at phone width, sends it empty (each problem beside its field, in Spanish), then filled in
// (the thank-you message in place), and finds the conversation in the inbox.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { login, newPage, shot, submitAndWait, useApp } from '../lib/browser.mjs';

const fx = useApp({ name: '18-web-forms', demo: true });
const ANA = { email: 'ana@demo.vinculo.test', password: 'vinculo-demo' };
const PHONE = { width: 390, height: 844 };

let hostedUrl = null;

test('an admin builds a form with the builder', async () => {
  const { context, page } = await newPage(fx.browser);
  await login(page, fx.server, ANA.email, ANA.password);
  await submitAndWait(page, page.locator('nav#nav a[href="/settings/forms"]'));
  await page.locator('h1', { hasText: 'Formularios web' }).waitFor();
  await submitAndWait(page, page.locator('a[href="/settings/forms/new"]'));
  const form = page.locator('form.form-builder');
  await form.locator('input[name=name]').fill('Pide una demo');
  // The starter rows: name, e-mail, message. A phone field, added and moved above the message.
  await form.locator('[data-add-row]').click();
  const added = form.locator('[data-rows] [data-row]').last();
  await added.locator('select').selectOption('phone');
  await added.locator('input[type=text]').fill('Teléfono');
  await added.locator('[data-move=up]').click();
  const rows = form.locator('[data-rows] [data-row]');
  assert.equal(await rows.count(), 4);
  assert.equal(await rows.nth(2).locator('select').inputValue(), 'phone', 'moved above the message');
  await form.locator('textarea[name=consent_text]').fill('Acepto recibir novedades por correo');
  await form.locator('select[name=team]').selectOption({ label: 'Atención al cliente' });
  await shot(page, '18-builder');
  const saved = await submitAndWait(page, form.locator('button[type=submit]'));
  assert.ok(saved.ok(), `saving answered ${saved.status()}`);
  await page.locator('.flash.ok', { hasText: 'Formulario creado.' }).waitFor();
  hostedUrl = await page.locator('#hosted-url').getAttribute('href');
  assert.match(hostedUrl, /\/f\/pide-una-demo$/);
  const snippet = await page.locator('#embed-code').inputValue();
  assert.match(snippet, /<form class="vf-form" method="post" action="[^"]+\/f\/pide-una-demo"/);
  assert.match(snippet, /name="website"/, 'the honeypot');
  assert.match(snippet, /<script src="[^"]+\/assets\/forms\.js/);
  await shot(page, '18-form-published');
  await context.close();
});

test('a visitor sends the hosted form on a phone and the conversation is in the inbox', async () => {
  assert.ok(hostedUrl, 'the form was built');
  const visitor = await newPage(fx.browser, { viewport: PHONE });
  const page = visitor.page;
  await page.goto(hostedUrl);
  await page.locator('h1', { hasText: 'Pide una demo' }).waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'es');
  const o = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(o <= PHONE.width, `the page fits: ${o}`);

  // Sent empty: each problem beside its field, without leaving the page.
  await page.locator('form.vf-form button[type=submit]').click();
  await page.locator('.vf-error', { hasText: 'obligatorio' }).first().waitFor();
  assert.equal(await page.locator('input[name=email]').getAttribute('aria-invalid'), 'true');
  await shot(page, '18-hosted-errors');

  await page.locator('input[name=given_name]').fill('Marta');
  await page.locator('input[name=email]').fill('Marta.Lopez@Example.com');
  await page.locator('input[name=phone]').fill('612 345 678');
  await page.locator('textarea[name=message]').fill('Querría ver una demo el jueves.');
  await page.locator('input[name=consent]').check();
  await page.locator('form.vf-form button[type=submit]').click();
  await page.locator('.vf-thanks', { hasText: 'Gracias' }).waitFor();
  await shot(page, '18-hosted-thanks');
  await visitor.context.close();

  const { context, page: agent } = await newPage(fx.browser);
  await login(agent, fx.server, ANA.email, ANA.password);
  await agent.goto(`${fx.server.url}/inbox?status=open`);
  const item = agent.locator('.inbox-item', { hasText: 'Pide una demo' });
  await item.first().waitFor();
  assert.match(await item.first().textContent(), /Marta/);
  await submitAndWait(agent, item.first().locator('a').first());
  await agent.locator('text=Querría ver una demo el jueves.').first().waitFor();
  await shot(agent, '18-inbox-conversation');
  await context.close();
});
