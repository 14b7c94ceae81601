// Custom fields in the browser: an admin defines fields of every kind, people get values on
// their form, the customer list sorts and filters by them, filtered lists are kept as saved
// views (shared or private), a field and its choices are removed, and the forms and views bar
// at phone width.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ADMIN, PHONE, completeSetup, invite, login, navLinks, newPage, shot, submitAndWait, useApp,
} from '../lib/browser.mjs';

const fx = useApp({ name: '13-custom-fields' });

/** What the tests hand on to each other (they run in order against one server). */
const state = {};

const MANAGER = { email: 'marta@example.com', name: 'Marta Gerente', password: 'marta-password-123' };
const SALES = { email: 'sergio@example.com', name: 'Sergio Ventas', password: 'sergio-password-123' };

const FIELDS = [
  { label: 'Valor del contrato', field_type: 'money', applies_to: 'person' },
  { label: 'Plan', field_type: 'select', applies_to: 'person', options: 'Oro\nPlata\nBronce' },
  { label: 'Canales', field_type: 'multi_select', applies_to: 'both', options: 'Web\nTienda\nTeléfono' },
  { label: 'Cliente VIP', field_type: 'boolean', applies_to: 'person' },
  { label: 'Renovación', field_type: 'date', applies_to: 'person' },
  { label: 'Web', field_type: 'url', applies_to: 'organization' },
];

/** Fills and submits the "Campo nuevo" form; returns the response. */
async function addField(page, { label, key = '', field_type, applies_to, options = '' }) {
  const form = page.locator('form[action="/settings/custom-fields"]');
  await form.locator('input[name=label]').fill(label);
  await form.locator('input[name=key]').fill(key);
  await form.locator('select[name=field_type]').selectOption(field_type);
  await form.locator('select[name=applies_to]').selectOption(applies_to);
  await form.locator('textarea[name=options]').fill(options);
  return submitAndWait(page, form.getByRole('button', { name: 'Añadir el campo' }));
}

/** Fills the named fields of a form: selects are chosen, checkboxes ticked, the rest typed. */
async function fillForm(form, fields) {
  for (const [name, value] of Object.entries(fields)) {
    if (Array.isArray(value)) {
      for (const box of await form.locator(`input[type=checkbox][name="${name}"]`).all()) {
        await box.setChecked(value.includes(await box.getAttribute('value')));
      }
      continue;
    }
    const field = form.locator(`[name="${name}"]`);
    if ((await field.evaluate((el) => el.tagName)) === 'SELECT') await field.selectOption(value);
    else await field.fill(value);
  }
}

/** The ticked choices of a multi select. */
function ticked(form, key) {
  return form.locator(`input[type=checkbox][name="cf.${key}[]"]:checked`).evaluateAll((bs) => bs.map((b) => b.value));
}

async function createPerson(page, fields) {
  await page.goto(`${fx.server.url}/customers/new`);
  const form = page.locator('form[action="/customers/new"]');
  await fillForm(form, fields);
  return submitAndWait(page, form.locator('button[type=submit]'));
}

/** Opens "Más filtros", sets the order and the custom field picker, and presses "Buscar". */
async function filterList(page, { sort, cff = '', cfv = '', cfmin = '' }) {
  const more = page.locator('details.more-filters');
  if (!(await more.evaluate((d) => d.open))) await more.locator('summary').click();
  if (sort) await more.locator('select[name=sort]').selectOption(sort);
  await more.locator('select[name=cff]').selectOption(cff);
  await more.locator('input[name=cfv]').fill(cfv);
  await more.locator('input[name=cfmin]').fill(cfmin);
  return submitAndWait(page, page.locator('form[role=search]').getByRole('button', { name: 'Buscar' }));
}

const rowNames = (page) => page.locator('main table tbody tr td:first-child a').allInnerTexts();
const headers = (page) => page.locator('main table thead th').allTextContents();
const viewBadges = (page) => page.locator('nav.views .view a.badge').allInnerTexts();

/** Invites `who` with `role` from the admin's page; they accept in a fresh context. */
async function join(adminPage, who, role) {
  const link = await invite(adminPage, fx.server, { email: who.email, role });
  const user = await newPage(fx.browser);
  await user.page.goto(link);
  const form = user.page.locator('form[action^="/invite/"]');
  await form.locator('input[name=name]').fill(who.name);
  await form.locator('input[name=password]').fill(who.password);
  await submitAndWait(user.page, form.locator('button[type=submit]'));
  assert.equal(new URL(user.page.url()).pathname, '/app', `${who.email} joined`);
  return user;
}

/** Saves the list in use as a view from the views bar; ends on the view's list. */
async function saveView(page, name, { shared = false } = {}) {
  const save = page.locator('nav.views details.save-view');
  if (!(await save.evaluate((d) => d.open))) await save.locator('summary').click();
  await save.locator('input[name=name]').fill(name);
  if (shared) await save.locator('input[type=checkbox][name=shared]').check();
  await submitAndWait(page, save.getByRole('button', { name: 'Guardar' }));
}

async function csv(page, href) {
  const res = await page.request.get(new URL(href, fx.server.url).href);
  assert.equal(res.status(), 200, `export ${href}`);
  const lines = (await res.text()).replace(/^\uFEFF/, '').trim().split(/\r?\n/);
  return { header: lines[0].split(','), rows: lines.slice(1) };
}

test('an admin adds fields of several types and a select without choices is refused', async () => {
  const { context, page } = await newPage(fx.browser);
  await completeSetup(page, fx.server, ADMIN);
  assert.ok((await navLinks(page)).includes('/settings/custom-fields'), 'the admin sees the nav item');
  await page.goto(`${fx.server.url}/settings/custom-fields`);
  assert.equal((await page.locator('h1').innerText()).trim(), 'Campos personalizados');

  for (const f of FIELDS) {
    const res = await addField(page, f);
    assert.equal(res.status(), 200, `adding ${f.label}`);
    assert.equal(await page.locator('.flash.ok').count(), 1, `saved ${f.label}`);
  }
  const rows = page.locator('main table tbody tr');
  assert.equal(await rows.count(), FIELDS.length);
  const byKey = (key) => rows.filter({ has: page.locator('code', { hasText: new RegExp(`^${key}$`) }) });
  const keys = await rows.locator('td:nth-child(2)').allInnerTexts();
  assert.deepEqual(keys.sort(), ['canales', 'cliente_vip', 'plan', 'renovacion', 'valor_del_contrato', 'web']);
  assert.match(await byKey('valor_del_contrato').innerText(), /valor_del_contrato\s+Importe \(EUR\)\s+Personas/);
  assert.match(await byKey('canales').innerText(), /Selección múltiple\s+Personas y empresas\s+Web, Tienda, Teléfono/);
  assert.match(await byKey('web').innerText(), /Dirección web\s+Empresas/);
  await shot(page, '13-fields-list');

  // A select with no choices: refused, and what was typed stays.
  let res = await addField(page, { label: 'Segmento', field_type: 'select', applies_to: 'person' });
  assert.equal(res.status(), 422);
  const form = page.locator('form[action="/settings/custom-fields"]');
  assert.match(await form.locator('.flash.err').innerText(), /options.*(at least one|al menos una)/i);
  assert.equal(await form.locator('input[name=label]').inputValue(), 'Segmento');
  assert.equal(await form.locator('select[name=field_type]').inputValue(), 'select');
  await shot(page, '13-field-no-options');
  // A repeated key is refused too.
  res = await addField(page, { label: 'Plan', field_type: 'text', applies_to: 'person' });
  assert.equal(res.status(), 422);
  assert.equal(await page.locator('.flash.err').count(), 1);
  assert.equal(await rows.count(), FIELDS.length, 'nothing was added');

  // The organisation form shows the organisations' and both's fields only.
  await page.goto(`${fx.server.url}/organizations/new`);
  const org = page.locator('form[action="/organizations/new"] fieldset.custom-fields');
  assert.equal(await org.locator('input[name="cf.web"]').count(), 1);
  assert.equal(await org.locator('input[name="cf.canales[]"][type=checkbox]').count(), 3);
  assert.equal(await org.locator('[name="cf.plan"], [name="cf.valor_del_contrato"]').count(), 0);
  await context.close();
});

test('a person gets a value in each custom input, sees them back, and a bad value keeps the form', async () => {
  const { context, page } = await newPage(fx.browser);
  await login(page, fx.server, ADMIN.email, ADMIN.password);
  await page.goto(`${fx.server.url}/customers/new`);
  const box = page.locator('form[action="/customers/new"] fieldset.custom-fields');
  assert.equal((await box.locator('legend').first().innerText()).trim(), 'Campos personalizados');
  assert.deepEqual(await box.locator('select[name="cf.cliente_vip"] option').evaluateAll((os) => os.map((o) => [o.value, o.textContent.trim()])),
    [['', '—'], ['yes', 'Sí'], ['no', 'No']]);
  assert.equal(await box.locator('input[type=date][name="cf.renovacion"]').count(), 1);
  assert.equal(await box.locator('[name="cf.web"]').count(), 0, 'organisations only');

  const res = await createPerson(page, {
    given_name: 'Lucía', family_name: 'Gómez', 'cf.valor_del_contrato': '1.250,50', 'cf.plan': 'Oro',
    'cf.canales[]': ['Web', 'Teléfono'], 'cf.cliente_vip': 'yes', 'cf.renovacion': '2026-03-31',
  });
  assert.equal(res.status(), 200);
  state.luciaPath = new URL(page.url()).pathname;
  assert.match(state.luciaPath, /^\/customers\/[0-9a-f-]{36}$/);
  const form = page.locator(`form.stack[action="${state.luciaPath}"]`);
  const value = (key) => form.locator(`[name="cf.${key}"]`).inputValue();
  assert.equal(await value('valor_del_contrato'), '1250.50');
  assert.equal(await value('plan'), 'Oro');
  assert.equal(await value('cliente_vip'), 'yes');
  assert.equal(await value('renovacion'), '2026-03-31');
  assert.deepEqual(await ticked(form, 'canales'), ['Web', 'Teléfono']);
  await shot(page, '13-person-custom-values');

  // Unticking every box clears the field; the rest is kept.
  await fillForm(form, { 'cf.canales[]': [] });
  assert.equal((await submitAndWait(page, form.locator('button[type=submit]'))).status(), 200);
  assert.deepEqual(await ticked(form, 'canales'), []);
  assert.equal(await value('plan'), 'Oro');
  assert.equal(await value('valor_del_contrato'), '1250.50');

  // A value that is not a number: the error names the field and the typed values stay.
  const bad = await createPerson(page, {
    given_name: 'Marcos', family_name: 'Gil', 'cf.valor_del_contrato': 'abc', 'cf.plan': 'Plata',
    'cf.canales[]': ['Tienda'], 'cf.cliente_vip': 'no',
  });
  assert.equal(bad.status(), 422);
  const again = page.locator('form[action="/customers/new"]');
  assert.match(await again.locator('.flash.err').innerText(), /Valor del contrato: «abc» no es un importe/);
  assert.equal(await again.locator('[name=given_name]').inputValue(), 'Marcos');
  assert.equal(await again.locator('[name="cf.valor_del_contrato"]').inputValue(), 'abc');
  assert.equal(await again.locator('[name="cf.plan"]').inputValue(), 'Plata');
  assert.equal(await again.locator('[name="cf.cliente_vip"]').inputValue(), 'no');
  assert.deepEqual(await ticked(again, 'canales'), ['Tienda']);
  await shot(page, '13-person-bad-number');
  await fillForm(again, { 'cf.valor_del_contrato': '300' });
  assert.equal((await submitAndWait(page, again.locator('button[type=submit]'))).status(), 200);
  assert.match(new URL(page.url()).pathname, /^\/customers\/[0-9a-f-]{36}$/);
  await context.close();
});

test('the list sorts by the money field, filters by a choice, and warns about a bad filter', async () => {
  const { context, page } = await newPage(fx.browser);
  await login(page, fx.server, ADMIN.email, ADMIN.password);
  await createPerson(page, { given_name: 'Sofía', family_name: 'Ramos', 'cf.valor_del_contrato': '9.999,99', 'cf.plan': 'Oro' });
  await createPerson(page, { given_name: 'Pedro', family_name: 'Sanz' });

  await page.goto(`${fx.server.url}/customers`);
  const sortValues = await page.locator('select[name=sort] option').evaluateAll((os) => os.map((o) => o.value));
  for (const v of ['newest', 'oldest', 'name', '-name', '-updated', 'updated', 'cf.valor_del_contrato', '-cf.valor_del_contrato', 'cf.plan', '-cf.plan']) {
    assert.ok(sortValues.includes(v), `sort option ${v}: ${sortValues}`);
  }
  assert.ok(!sortValues.includes('cf.canales'), 'a multi select is not sortable');
  await filterList(page, { sort: '-cf.valor_del_contrato' });
  assert.equal(new URL(page.url()).searchParams.get('sort'), '-cf.valor_del_contrato');
  assert.deepEqual(await rowNames(page), ['Sofía Ramos', 'Lucía Gómez', 'Marcos Gil', 'Pedro Sanz'], 'no value last');
  assert.ok((await headers(page)).includes('Valor del contrato'));
  assert.deepEqual(await page.locator('main table tbody td[data-label="Valor del contrato"]').allInnerTexts(), ['9999.99', '1250.50', '300.00', '']);

  await filterList(page, { cff: 'plan', cfv: 'oro' });
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('cff'), 'plan');
  assert.equal(url.searchParams.get('cfv'), 'oro');
  assert.deepEqual(await rowNames(page), ['Sofía Ramos', 'Lucía Gómez'], 'Oro matched case-insensitively, still sorted');
  const h = await headers(page);
  assert.ok(h.includes('Valor del contrato') && h.includes('Plan'), `columns: ${h}`);
  assert.deepEqual(await page.locator('main table tbody td[data-label="Plan"]').allInnerTexts(), ['Oro', 'Oro']);
  assert.equal(await page.locator('.flash.err').count(), 0);
  await shot(page, '13-list-sorted-filtered');

  await filterList(page, { cff: 'plan', cfv: 'Diamante' });
  assert.equal((await page.locator('h1').innerText()).trim(), 'Clientes', 'the list, not an error page');
  assert.match(await page.locator('.flash.err').innerText(), /Uno de los filtros no es válido/);
  assert.deepEqual((await rowNames(page)).sort(), ['Lucía Gómez', 'Marcos Gil', 'Pedro Sanz', 'Sofía Ramos']);
  await shot(page, '13-list-bad-filter');
  await context.close();
});

test('a manager shares a saved view, a sales user opens it and keeps a private one', async () => {
  const admin = await newPage(fx.browser);
  await login(admin.page, fx.server, ADMIN.email, ADMIN.password);
  const manager = await join(admin.page, MANAGER, 'manager');
  const sales = await join(admin.page, SALES, 'sales');
  await admin.context.close();

  const m = manager.page;
  await m.goto(`${fx.server.url}/customers`);
  assert.equal(await m.locator('nav.views details.save-view').count(), 0, 'nothing to save without filters');
  await filterList(m, { sort: '-cf.valor_del_contrato', cff: 'plan', cfv: 'Oro' });
  const filtered = await rowNames(m);
  assert.deepEqual(filtered, ['Sofía Ramos', 'Lucía Gómez']);
  await saveView(m, 'Clientes Oro', { shared: true });
  const current = m.locator('nav.views a.badge[aria-current=page]');
  assert.equal((await current.innerText()).trim(), 'Clientes Oro ⇄');
  assert.deepEqual(await rowNames(m), filtered, 'the saved view shows the same list');
  assert.equal(await m.locator('nav.views details.save-view').count(), 0, 'already saved');
  await shot(m, '13-view-saved');

  // The sales user sees the shared view, may not delete it, and opening it gives the same list.
  const s = sales.page;
  await s.goto(`${fx.server.url}/customers`);
  assert.deepEqual(await viewBadges(s), ['Clientes Oro ⇄']);
  assert.equal(await s.locator('nav.views .view form[action$="/delete"]').count(), 0);
  await submitAndWait(s, s.locator('nav.views a.badge', { hasText: 'Clientes Oro' }));
  assert.deepEqual(await rowNames(s), filtered);
  assert.equal((await s.locator('nav.views a.badge[aria-current=page]').innerText()).trim(), 'Clientes Oro ⇄');

  // A private view of the sales user: no share box for them, and the manager does not see it.
  await filterList(s, { sort: 'name', cff: 'plan', cfv: 'Plata' });
  assert.deepEqual(await rowNames(s), ['Marcos Gil']);
  await s.locator('nav.views details.save-view summary').click();
  assert.equal(await s.locator('nav.views details.save-view input[name=shared]').count(), 0);
  await saveView(s, 'Mis Plata');
  assert.deepEqual(await viewBadges(s), ['Clientes Oro ⇄', 'Mis Plata']);
  await shot(s, '13-view-sales');
  await m.goto(`${fx.server.url}/customers`);
  assert.deepEqual(await viewBadges(m), ['Clientes Oro ⇄']);
  // Views belong to their list: none on the organisations page.
  await m.goto(`${fx.server.url}/organizations`);
  assert.deepEqual(await viewBadges(m), []);

  // Deleting removes the badge.
  await submitAndWait(s, s.locator('nav.views .view', { hasText: 'Mis Plata' }).locator('button'));
  assert.deepEqual(await viewBadges(s), ['Clientes Oro ⇄']);
  await m.goto(`${fx.server.url}/customers`);
  await submitAndWait(m, m.locator('nav.views .view', { hasText: 'Clientes Oro' }).locator('button'));
  assert.deepEqual(await viewBadges(m), []);
  await s.goto(`${fx.server.url}/customers`);
  assert.deepEqual(await viewBadges(s), []);
  await manager.context.close();
  await sales.context.close();
});

test('a choice customers have cannot be removed, and a deleted field leaves the form and the export', async () => {
  const { context, page } = await newPage(fx.browser);
  await login(page, fx.server, ADMIN.email, ADMIN.password);

  // The export of the filtered list carries the filter and a column per people's field.
  await page.goto(`${fx.server.url}/customers?cff=plan&cfv=oro`);
  const href = await page.getByRole('link', { name: 'Exportar CSV' }).getAttribute('href');
  assert.match(href, /^\/api\/v1\/customers\/export\?format=csv&.*cf\.plan=oro/);
  let out = await csv(page, href);
  for (const key of ['valor_del_contrato', 'plan', 'canales', 'cliente_vip', 'renovacion']) assert.ok(out.header.includes(key), `${key} in ${out.header}`);
  assert.ok(!out.header.includes('web'), 'an organisations-only field is not a people column');
  assert.equal(out.rows.length, 2, out.rows.join('\n'));

  await page.goto(`${fx.server.url}/settings/custom-fields`);
  await submitAndWait(page, page.locator('main table a', { hasText: 'Plan' }));
  const fieldPath = new URL(page.url()).pathname;
  assert.match(await page.locator('main p.muted').innerText(), /3 clientes tienen un valor/);
  const form = page.locator(`form[action="${fieldPath}"]`);
  await form.locator('textarea[name=options]').fill('Plata\nBronce');
  const res = await submitAndWait(page, form.getByRole('button', { name: 'Guardar' }));
  assert.equal(res.status(), 422);
  assert.match(await page.locator('.flash.err').innerText(), /\b2\b.*Oro/);
  assert.equal(await form.locator('textarea[name=options]').inputValue(), 'Plata\nBronce', 'keeps what was typed');
  await shot(page, '13-field-choice-in-use');
  // An unused choice can go, and a new one be added.
  await form.locator('textarea[name=options]').fill('Oro\nPlata\nPlatino');
  assert.equal((await submitAndWait(page, form.getByRole('button', { name: 'Guardar' }))).status(), 200);
  assert.equal(await form.locator('textarea[name=options]').inputValue(), 'Oro\nPlata\nPlatino');

  page.once('dialog', (d) => d.accept());
  await submitAndWait(page, page.locator(`form[action="${fieldPath}/delete"] button`));
  assert.equal(new URL(page.url()).pathname, '/settings/custom-fields');
  assert.equal(await page.locator('main table a', { hasText: /^Plan$/ }).count(), 0);
  await page.goto(`${fx.server.url}/customers/new`);
  assert.equal(await page.locator('[name="cf.plan"]').count(), 0);
  assert.equal(await page.locator('[name="cf.valor_del_contrato"]').count(), 1);
  out = await csv(page, '/api/v1/customers/export?format=csv');
  assert.ok(!out.header.includes('plan'), `no plan column: ${out.header}`);
  assert.ok(out.header.includes('valor_del_contrato'));
  assert.equal(out.rows.length, 4);
  await context.close();
});

test('phone: the custom fields on the person form and the views bar fit 360 px', async () => {
  assert.ok(state.luciaPath, 'needs the person of the second test');
  const { context, page } = await newPage(fx.browser, { viewport: PHONE });
  await login(page, fx.server, ADMIN.email, ADMIN.password);
  const fits = async (what) => {
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= PHONE.width, `${what}: scrollWidth ${width}`);
  };
  for (const [path, name] of [['/customers/new', '13-phone-person-new'], [state.luciaPath, '13-phone-person']]) {
    await page.goto(`${fx.server.url}${path}`);
    assert.equal(await page.locator('fieldset.custom-fields fieldset.choices').count(), 1, `${path}: the custom fields`);
    await shot(page, name);
    await fits(path);
  }
  await page.goto(`${fx.server.url}/customers?sort=-cf.valor_del_contrato&cff=valor_del_contrato&cfmin=500`);
  await saveView(page, 'Contratos de más de quinientos euros', { shared: true });
  await page.goto(`${fx.server.url}/customers?sort=name`);
  await saveView(page, 'Por nombre');
  assert.equal(await page.locator('nav.views .view').count(), 2);
  await page.goto(`${fx.server.url}/customers?sort=-name`);
  await page.locator('nav.views details.save-view summary').click();
  await shot(page, '13-phone-views');
  await shot(page, '13-phone-save-view', { fullPage: false });
  await fits('/customers with views');
  await context.close();
});
