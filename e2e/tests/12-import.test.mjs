// Importing customers in the browser: upload a CSV from the customer list, change what one
// column holds, dry run and read the report, import for real and find the people; then the
// mapping step, progress and report at phone width.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ADMIN, PHONE, completeSetup, login, newPage, shot, submitAndWait, useApp,
} from '../lib/browser.mjs';

const fx = useApp({ name: '12-import' });

const CSV = [
  'Nombre,Apellidos,Correo,Móvil,Empresa,Notas internas',
  'Lucía,Fernández,lucia@ejemplo.es,612 00 11 22,Talleres Sur,Prefiere WhatsApp',
  'Marcos,Gil,marcos@ejemplo.es,,Talleres Sur,',
  'Sofía,Ramos,sofia@ejemplo.es,,,Cliente VIP',
  'Error,Fila,correo-malo,,,',
].join('\r\n');

/** Uploads `csv` from the import page; ends on the mapping step. */
async function upload(page, csv, name = 'contactos.csv') {
  await page.locator('input[type=file][name=file]').setInputFiles({
    name, mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8'),
  });
  await submitAndWait(page, page.locator('form[action="/customers/import"] button[type=submit]'));
  assert.match(new URL(page.url()).pathname, /^\/customers\/import\/[0-9a-f-]{36}$/);
  await page.locator('table.mapping').waitFor();
}

/** The select of the column whose header is `header`. */
function columnSelect(page, header) {
  return page.locator('table.mapping tbody tr', { has: page.locator('td strong', { hasText: header }) }).locator('select');
}

/** Waits for the report (the progress page reloads itself when the run ends). */
async function report(page) {
  await page.locator('dl.import-counts').waitFor({ timeout: 30_000 });
  const count = async (k) => Number(await page.locator(`dd[data-count=${k}]`).innerText());
  return {
    title: (await page.locator('h1').innerText()).trim(),
    created: await count('created'),
    updated: await count('updated'),
    rejected: await count('rejected'),
    organizations: await count('organizations'),
  };
}

test('upload, map a column, dry run, import for real, find the people', async () => {
  const { context, page } = await newPage(fx.browser);
  await completeSetup(page, fx.server, ADMIN);
  await page.goto(`${fx.server.url}/customers`);
  await submitAndWait(page, page.locator('main a[href="/customers/import"]'));
  assert.equal((await page.locator('h1').innerText()).trim(), 'Importar clientes');
  await shot(page, '12-import-upload');

  await upload(page, CSV);
  assert.equal(await columnSelect(page, 'Correo').inputValue(), 'email', 'recognised headers are preselected');
  assert.equal(await columnSelect(page, 'Móvil').inputValue(), 'phone');
  assert.equal(await columnSelect(page, 'Empresa').inputValue(), 'organization');
  assert.equal(await columnSelect(page, 'Notas internas').inputValue(), 'ignore', 'an unknown header is ignored');
  assert.match(await page.locator('table.mapping').innerText(), /lucia@ejemplo\.es/, 'values are previewed');
  assert.match(await page.locator('main').innerText(), /UTF-8/);
  await columnSelect(page, 'Notas internas').selectOption('notes');
  await shot(page, '12-import-mapping');

  await submitAndWait(page, page.locator('button[name=dry_run][value=true]'));
  const dry = await report(page);
  assert.match(dry.title, /Simulación terminada/);
  assert.deepEqual([dry.created, dry.updated, dry.rejected, dry.organizations], [3, 0, 1, 1]);
  const rejected = page.locator('table.rejections tbody tr');
  assert.equal(await rejected.count(), 1);
  assert.match(await rejected.innerText(), /^5\s+Correo electrónico 1: «[^»]*» no es un correo electrónico/, 'the bad row is line 5 of the file, its reason in Spanish');
  assert.equal(await page.locator('a[href$="/rejections.csv"]').count(), 1);
  await shot(page, '12-import-dry-run');
  await page.goto(`${fx.server.url}/customers`);
  assert.equal(await page.locator('main table tbody tr').count(), 0, 'the dry run wrote nothing');
  await page.goBack();

  await submitAndWait(page, page.locator('form button', { hasText: 'Importar de verdad' }));
  const real = await report(page);
  assert.match(real.title, /Importación terminada/);
  assert.deepEqual([real.created, real.updated, real.rejected, real.organizations], [3, 0, 1, 1]);
  await shot(page, '12-import-done');

  await submitAndWait(page, page.locator('main a[href="/customers"]'));
  const names = await page.locator('main table tbody tr td:first-child a').allInnerTexts();
  assert.deepEqual(names.sort(), ['Lucía Fernández', 'Marcos Gil', 'Sofía Ramos']);
  await shot(page, '12-import-customers');
  await submitAndWait(page, page.locator('main table a', { hasText: 'Sofía Ramos' }));
  assert.match(await page.locator('main').innerHTML(), /Cliente VIP/, 'the remapped column became the notes');
  await context.close();
});

test('a phone\'s contacts file (vCard) imports without a mapping step', async () => {
  const { context, page } = await newPage(fx.browser);
  await login(page, fx.server, ADMIN.email, ADMIN.password);
  await page.goto(`${fx.server.url}/customers/import`);
  const vcf = [
    'BEGIN:VCARD', 'VERSION:3.0', 'FN:Begoña Ibáñez', 'N:Ibáñez;Begoña;;;',
    'EMAIL;TYPE=INTERNET:begona@ejemplo.es', 'TEL;TYPE=CELL:699 88 77 66', 'ORG:Talleres Sur', 'TITLE:Jefa de taller', 'END:VCARD',
  ].join('\r\n');
  await page.locator('input[type=file][name=file]').setInputFiles({
    name: 'contactos.vcf', mimeType: 'text/vcard', buffer: Buffer.from(vcf, 'utf8'),
  });
  await submitAndWait(page, page.locator('form[action="/customers/import"] button[type=submit]'));
  assert.equal(await page.locator('table.mapping').count(), 0, 'no columns to map');
  assert.match(await page.locator('main').innerText(), /vCard/);
  await shot(page, '12-import-vcard');
  await submitAndWait(page, page.locator('button[name=dry_run][value=false]'));
  const r = await report(page);
  assert.deepEqual([r.created, r.rejected], [1, 0]);
  await page.goto(`${fx.server.url}/customers?q=begona`);
  assert.deepEqual(await page.locator('main table tbody tr td:first-child a').allInnerTexts(), ['Begoña Ibáñez']);
  assert.match(await page.locator('main table').innerText(), /Talleres Sur/);
  await context.close();
});

test('phone: the mapping step, progress and report fit 360 px', async () => {
  const { context, page } = await newPage(fx.browser, { viewport: PHONE });
  await login(page, fx.server, ADMIN.email, ADMIN.password);
  await page.goto(`${fx.server.url}/customers/import`);
  const rows = [CSV];
  for (let i = 0; i < 30_000; i++) rows.push(`Persona,Número ${i},persona${i}@ejemplo.es,,Empresa ${i % 50},`);
  await upload(page, rows.join('\r\n'), 'muchos-contactos.csv');
  await shot(page, '12-phone-import-mapping');
  const fits = () => page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(await fits() <= PHONE.width, `mapping scrollWidth ${await fits()}`);

  await submitAndWait(page, page.locator('button[name=dry_run][value=true]'));
  if (await page.locator('.import-progress progress').count()) {
    await shot(page, '12-phone-import-progress');
    assert.ok(await fits() <= PHONE.width, `progress scrollWidth ${await fits()}`);
  }
  const r = await report(page);
  assert.deepEqual([r.created, r.updated, r.rejected], [30_000, 3, 1], 'Lucía, Marcos and Sofía are known; the bad row again');
  await shot(page, '12-phone-import-report');
  assert.ok(await fits() <= PHONE.width, `report scrollWidth ${await fits()}`);
  await context.close();
});
