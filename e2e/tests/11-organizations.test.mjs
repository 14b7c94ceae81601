// Organisations in the browser: create one from messy input, link a person to it with a job
// title and find them through it, change the workspace's lifecycle stages, and a phone-width
// organisation page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ADMIN, PHONE, completeSetup, login, navLinks, newPage, shot, submitAndWait, useApp,
} from '../lib/browser.mjs';

const fx = useApp({ name: '11-organizations' });

/** What the tests hand on to each other (they run in order against one server). */
const state = {};

const ORG = {
  name: 'Ferretería Núñez',
  domains: 'https://www.Ferreteria-Nunez.es/contacto',
  phones: '912 34 56 78',
  emails: 'Hola@Ferreteria-Nunez.es',
  tax_id: 'B12345678',
  industry: 'Ferretería',
  tags: 'Proveedor, Madrid',
  street: 'Calle Mayor 12',
  postal_code: '28013',
  city: 'Madrid',
  region: 'Madrid',
  country: 'ES',
  notes: 'Cliente desde 2019.',
};

/** Fills the named fields of a form: selects are chosen, everything else is typed. */
async function fillForm(form, fields) {
  for (const [name, value] of Object.entries(fields)) {
    const field = form.locator(`[name=${name}]`);
    if ((await field.evaluate((el) => el.tagName)) === 'SELECT') await field.selectOption(value);
    else await field.fill(value);
  }
}

async function values(form, names) {
  const out = {};
  for (const name of names) out[name] = await form.locator(`[name=${name}]`).inputValue();
  return out;
}

function optionValues(select) {
  return select.locator('option').evaluateAll((os) => os.map((o) => o.value));
}

async function saveStages(page, stages) {
  await page.goto(`${fx.server.url}/settings/customers`);
  const form = page.locator('form[action="/settings/customers"]');
  await form.locator('textarea[name=stages]').fill(stages.join('\n'));
  return submitAndWait(page, form.locator('button[type=submit]'));
}

async function moveToStage(page, path, stage) {
  await page.goto(`${fx.server.url}${path}`);
  const form = page.locator(`form.stack[action="${path}"]`);
  await form.locator('select[name=lifecycle_stage]').selectOption(stage);
  const response = await submitAndWait(page, form.locator('button[type=submit]'));
  assert.equal(response.status(), 200, `saving ${path}`);
  assert.equal(await page.locator('select[name=lifecycle_stage]').inputValue(), stage);
}

test('an admin creates an organisation from a messy web address and sees it tidied up', async () => {
  const { context, page } = await newPage(fx.browser);
  await completeSetup(page, fx.server, ADMIN);
  const links = await navLinks(page);
  assert.ok(links.includes('/organizations'), `nav: ${links}`);
  assert.ok(links.includes('/settings/customers'), `nav: ${links}`);

  await page.goto(`${fx.server.url}/organizations`);
  await submitAndWait(page, page.locator('main a[href="/organizations/new"]'));
  const form = page.locator('form[action="/organizations/new"]');

  // Wrong input first: a country name instead of its code, and a domain that is not one.
  const typed = { ...ORG, domains: 'not a domain', country: 'Spain' };
  await fillForm(form, typed);
  await form.locator('select[name=size]').selectOption('10-49');
  const bad = await submitAndWait(page, form.locator('button[type=submit]'));
  assert.equal(bad.status(), 422);
  assert.equal(new URL(page.url()).pathname, '/organizations/new');
  const alert = page.locator('.flash.err');
  assert.equal(await alert.count(), 1);
  assert.match(await alert.innerText(), /domain|dominio/i);
  assert.match(await alert.innerText(), /countr|país|pais/i);
  await shot(page, '11-org-invalid');
  const kept = await values(form, ['name', 'domains', 'phones', 'emails', 'tax_id', 'industry', 'size', 'street', 'postal_code', 'city', 'notes', 'country']);
  // The country box holds two letters, so "Spain" arrives as "Sp".
  assert.deepEqual(kept, {
    name: ORG.name, domains: 'not a domain', phones: ORG.phones, emails: ORG.emails, tax_id: ORG.tax_id,
    industry: ORG.industry, size: '10-49', street: ORG.street, postal_code: ORG.postal_code, city: ORG.city,
    notes: ORG.notes, country: 'Sp',
  });

  // Fixed: the messy address is accepted and kept as the bare domain.
  await fillForm(form, { domains: ORG.domains, country: ORG.country });
  const ok = await submitAndWait(page, form.locator('button[type=submit]'));
  assert.equal(ok.status(), 200);
  // The page drops ?flash from the address bar once shown; the response still has it.
  const url = new URL(ok.url());
  assert.match(url.pathname, /^\/organizations\/[0-9a-f-]{36}$/, `lands on the organisation: ${ok.url()}`);
  assert.equal(url.searchParams.get('flash'), 'saved');
  state.orgPath = url.pathname;
  assert.equal(await page.locator('.flash.ok').count(), 1);
  assert.equal((await page.locator('h1').innerText()).trim(), ORG.name);
  const saved = page.locator(`form.stack[action="${state.orgPath}"]`);
  assert.equal((await saved.locator('[name=domains]').inputValue()).trim(), 'ferreteria-nunez.es');
  assert.deepEqual(await values(saved, ['street', 'postal_code', 'city', 'region', 'country', 'size', 'tax_id']), {
    street: ORG.street, postal_code: ORG.postal_code, city: ORG.city, region: ORG.region, country: 'ES', size: '10-49', tax_id: ORG.tax_id,
  });
  assert.match(await page.locator('#people').innerText(), /\(0\)/);
  await shot(page, '11-org-created');

  // The list shows it with its domain and finds it without accents.
  await page.goto(`${fx.server.url}/organizations?q=nunez`);
  const row = page.locator('main table tbody tr');
  assert.equal(await row.count(), 1);
  assert.equal(await row.locator(`a[href="${state.orgPath}"]`).innerText(), ORG.name);
  assert.match(await row.innerText(), /ferreteria-nunez\.es/);
  await shot(page, '11-orgs-list');
  await context.close();
});

test('a person linked to the organisation shows on its page and is found by its name', async () => {
  assert.ok(state.orgPath, 'needs the organisation of the first test');
  const orgId = state.orgPath.split('/').pop();
  const { context, page } = await newPage(fx.browser);
  await login(page, fx.server, ADMIN.email, ADMIN.password);

  await page.goto(`${fx.server.url}/customers/new`);
  const form = page.locator('form[action="/customers/new"]');
  const org = form.locator('select[name=organization_id]');
  assert.deepEqual(await optionValues(org), ['', orgId], 'no organisation, then the workspace\'s one');
  assert.equal((await org.locator(`option[value="${orgId}"]`).innerText()).trim(), ORG.name);
  await fillForm(form, {
    given_name: 'Lucía', family_name: 'Gómez', emails: 'lucia@ferreteria-nunez.es', organization_id: orgId, title: 'Jefa de compras',
    city: 'Madrid', country: 'ES',
  });
  await submitAndWait(page, form.locator('button[type=submit]'));
  const url = new URL(page.url());
  assert.match(url.pathname, /^\/customers\/[0-9a-f-]{36}$/, `lands on the person: ${page.url()}`);
  state.personPath = url.pathname;
  assert.equal((await page.locator('h1').innerText()).trim(), 'Lucía Gómez');
  assert.ok(await page.locator(`main a[href="${state.orgPath}"]`).count() >= 1, 'the person page links to the organisation');
  const edit = page.locator(`form.stack[action="${state.personPath}"]`);
  assert.equal(await edit.locator('select[name=organization_id]').inputValue(), orgId);
  assert.equal(await edit.locator('[name=title]').inputValue(), 'Jefa de compras');
  await shot(page, '11-person-created');

  await page.goto(`${fx.server.url}${state.orgPath}`);
  const people = page.locator('#people');
  assert.match(await people.locator('h2').innerText(), /\(1\)/);
  const item = people.locator('li');
  assert.equal(await item.count(), 1);
  assert.equal((await item.locator(`a[href="${state.personPath}"]`).innerText()).trim(), 'Lucía Gómez');
  assert.match(await item.innerText(), /Jefa de compras/);
  await shot(page, '11-org-people');

  // Searching customers by the organisation's name, typed without the accent.
  await page.goto(`${fx.server.url}/customers?q=ferreteria`);
  const rows = page.locator('main table tbody tr');
  assert.equal(await rows.count(), 1, 'only the person, not the organisation itself or nobody');
  assert.equal((await rows.locator('td:first-child a').innerText()).trim(), 'Lucía Gómez');
  assert.equal((await rows.locator(`td a[href="${state.orgPath}"]`).innerText()).trim(), ORG.name);
  await shot(page, '11-customers-by-org');
  await context.close();
});

test('the admin replaces the lifecycle stages and cannot drop one customers are at', async () => {
  assert.ok(state.orgPath && state.personPath, 'needs the records of the earlier tests');
  const { context, page } = await newPage(fx.browser);
  await login(page, fx.server, ADMIN.email, ADMIN.password);

  await page.goto(`${fx.server.url}/settings/customers`);
  const form = page.locator('form[action="/settings/customers"]');
  const before = (await form.locator('textarea[name=stages]').inputValue()).split('\n');
  assert.ok(before.length >= 2, `default stages: ${before}`);
  assert.equal(await form.locator('input[name=default_country]').inputValue(), 'ES');
  await shot(page, '11-settings-customers');

  // Both records sit at the first (default) stage, so replacing it outright is refused.
  const inUse = before[0];
  let res = await saveStages(page, ['nuevo', 'cliente', 'perdido']);
  assert.equal(res.status(), 422);
  assert.match(await page.locator('.flash.err').innerText(), new RegExp(inUse));
  assert.equal(await form.locator('textarea[name=stages]').inputValue(), 'nuevo\ncliente\nperdido', 'keeps what was typed');
  await shot(page, '11-settings-stage-in-use');

  // Add the new stages, move both records over, then drop the old ones.
  res = await saveStages(page, [inUse, 'nuevo', 'cliente', 'perdido']);
  assert.equal(res.status(), 200);
  assert.equal(new URL(res.url()).searchParams.get('flash'), 'saved');
  assert.equal(await page.locator('.flash.ok').count(), 1);
  await moveToStage(page, state.orgPath, 'nuevo');
  await moveToStage(page, state.personPath, 'nuevo');
  res = await saveStages(page, ['nuevo', 'cliente', 'perdido']);
  assert.equal(res.status(), 200);
  assert.equal(await form.locator('textarea[name=stages]').inputValue(), 'nuevo\ncliente\nperdido');
  await shot(page, '11-settings-stages-saved');

  await page.goto(`${fx.server.url}/customers/new`);
  assert.deepEqual(await optionValues(page.locator('form[action="/customers/new"] select[name=lifecycle_stage]')), ['nuevo', 'cliente', 'perdido']);
  await page.goto(`${fx.server.url}/organizations/new`);
  assert.deepEqual(await optionValues(page.locator('form[action="/organizations/new"] select[name=lifecycle_stage]')), ['nuevo', 'cliente', 'perdido']);

  // Editing the person kept the link to the organisation.
  await page.goto(`${fx.server.url}${state.orgPath}`);
  assert.match(await page.locator('#people').innerText(), /Lucía Gómez[\s\S]*Jefa de compras/);

  // "nuevo" is where both records are now: removing it is refused and nothing changes.
  res = await saveStages(page, ['cliente', 'perdido']);
  assert.equal(res.status(), 422);
  assert.match(await page.locator('.flash.err').innerText(), /nuevo/);
  await page.goto(`${fx.server.url}/settings/customers`);
  assert.equal(await form.locator('textarea[name=stages]').inputValue(), 'nuevo\ncliente\nperdido');
  await context.close();
});

test('phone: the organisation page fits 360 px without sideways scrolling', async () => {
  assert.ok(state.orgPath, 'needs the organisation of the first test');
  const { context, page } = await newPage(fx.browser, { viewport: PHONE });
  await login(page, fx.server, ADMIN.email, ADMIN.password);
  for (const [path, name] of [[state.orgPath, '11-phone-org'], ['/organizations', '11-phone-orgs'], ['/organizations/new', '11-phone-org-new'], ['/settings/customers', '11-phone-settings-customers']]) {
    await page.goto(`${fx.server.url}${path}`);
    await shot(page, name);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= PHONE.width, `${path}: scrollWidth ${width}`);
  }
  await context.close();
});
