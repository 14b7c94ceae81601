// Customer records in the browser: create a person, find them by any spelling of their name
// or phone (also through the typeahead), refuse a duplicate naming the existing customer,
// edit, archive, and a phone-width list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ADMIN, PHONE, completeSetup, login, newPage, shot, submitAndWait, useApp,
} from '../lib/browser.mjs';

const fx = useApp({ name: '10-customers' });

async function createPerson(page, fields) {
  await page.goto(`${fx.server.url}/customers/new`);
  const form = page.locator('form[action="/customers/new"]');
  for (const [name, value] of Object.entries(fields)) {
    await form.locator(`[name=${name}]`).fill(value);
  }
  await submitAndWait(page, form.locator('button[type=submit]'));
}

async function searchNames(page, q) {
  await page.goto(`${fx.server.url}/customers?q=${encodeURIComponent(q)}`);
  return page.locator('main table tbody tr td:first-child a').allInnerTexts();
}

test('create, find by accents and phone variants, refuse a duplicate, edit and archive', async () => {
  const { context, page } = await newPage(fx.browser);
  await completeSetup(page, fx.server, ADMIN);

  await createPerson(page, {
    given_name: 'José María', family_name: 'Núñez', emails: 'JM.Nunez@Ejemplo.es', phones: '612 34 56 78', tags: 'VIP, Madrid',
  });
  assert.match(page.url(), /\/customers\/[0-9a-f-]{36}/, 'lands on the new customer');
  assert.equal((await page.locator('h1').innerText()).trim(), 'José María Núñez');
  await shot(page, '10-customer-created');
  await createPerson(page, { given_name: 'Josefa', family_name: 'Ortiz', phones: '+52 55 1234 5678' });

  assert.deepEqual((await searchNames(page, 'jose')).sort(), ['José María Núñez', 'Josefa Ortiz'].sort());
  assert.deepEqual(await searchNames(page, 'NUÑEZ'), ['José María Núñez']);
  for (const phone of ['+34 612 34 56 78', '612345678', '0034612345678']) {
    assert.deepEqual(await searchNames(page, phone), ['José María Núñez'], phone);
  }
  assert.deepEqual(await searchNames(page, 'pedro'), []);
  await shot(page, '10-customers-no-match');

  // Typeahead: matches appear while typing.
  await page.goto(`${fx.server.url}/customers`);
  await page.locator('input[name=q]').pressSequentially('jose nu', { delay: 20 });
  const suggestion = page.locator('.typeahead-list a');
  await suggestion.first().waitFor({ timeout: 3000 });
  assert.match(await suggestion.first().innerText(), /José María Núñez/);
  await shot(page, '10-customers-typeahead', { fullPage: false });

  // Bad input is explained in the page's language, naming the fields as the form does.
  await createPerson(page, { given_name: 'Luisa', emails: 'luisa@', phones: '12' });
  const bad = await page.locator('.flash.err').innerText();
  assert.match(bad, /Correo electrónico 1: «luisa@» no es un correo electrónico/);
  assert.match(bad, /Teléfono 1: «12» no es un teléfono válido/);
  assert.doesNotMatch(bad, /emails\[0\]|is not/);
  await shot(page, '10-customer-invalid-es');

  // The same phone typed another way is a duplicate, and the page links to the owner.
  await createPerson(page, { given_name: 'Otro', phones: '0034 612 345 678' });
  const alert = page.locator('.flash.err');
  assert.equal(await alert.count(), 1);
  assert.match(await alert.innerText(), /\+34612345678/);
  await shot(page, '10-customer-duplicate');
  await submitAndWait(page, alert.locator('a'));
  assert.equal((await page.locator('h1').innerText()).trim(), 'José María Núñez');

  // Edit: change the stage and tags.
  const form = page.locator('form.stack[action^="/customers/"]');
  await form.locator('select[name=lifecycle_stage]').selectOption('customer');
  await form.locator('[name=tags]').fill('VIP');
  await submitAndWait(page, form.locator('button[type=submit]'));
  assert.equal(await page.locator('select[name=lifecycle_stage]').inputValue(), 'customer');
  assert.equal(await page.locator('[name=tags]').inputValue(), 'VIP');

  // Consent: recorded on the page, shown as the current answer.
  assert.equal(await page.locator('#consent table').count(), 0, 'no consent yet');
  const consent = page.locator('form[action$="/consent"]');
  await consent.locator('select[name=channel]').selectOption('email');
  await consent.locator('select[name=purpose]').selectOption('marketing');
  await consent.locator('select[name=state]').selectOption('opted_in');
  await submitAndWait(page, consent.locator('button[type=submit]'));
  const row = page.locator('#consent table tbody tr');
  assert.equal(await row.count(), 1);
  assert.match(await row.innerText(), /email[\s\S]*Marketing[\s\S]*Sí[\s\S]*agent/);
  await shot(page, '10-customer-consent');

  // Archive: hidden from the list unless asked for.
  await submitAndWait(page, page.locator('form[action$="/archive"] button'));
  assert.deepEqual(await searchNames(page, 'nunez'), []);
  await page.goto(`${fx.server.url}/customers?q=nunez&archived=1`);
  assert.equal(await page.locator('main table tbody tr').count(), 1);
  await context.close();
});

test('phone: the customer list fits and the search box is usable', async () => {
  const { context, page } = await newPage(fx.browser, { viewport: PHONE });
  await login(page, fx.server, ADMIN.email, ADMIN.password);
  await page.goto(`${fx.server.url}/customers?q=jose&archived=1`);
  await shot(page, '10-phone-customers');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= PHONE.width, `scrollWidth ${width}`);
  assert.ok(await page.locator('input[name=q]').isVisible());
  await context.close();
});
