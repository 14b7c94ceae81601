// The screen pop: a call ringing on an agent's extension pushes the caller's card to the
// agent's open page within a second (name, stage, value tier, the open-complaint flag, the
// last contacts); answered and ended update it; the card follows the agent to the customer's
// page, where the call is on the timeline with its duration; other extensions get nothing;
// an unknown number offers to create the customer; and the card fits a 360 px phone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ADMIN, DESKTOP, PHONE, completeSetup, createToken, invite, login, newPage, shot, submitAndWait, useApp,
} from '../lib/browser.mjs';

const fx = useApp({ name: '15-screen-pop' });

const MARTA = { email: 'marta@example.com', name: 'Marta Agente', password: 'marta-password-123' };
const ROSA = { name: 'Rosa Díaz', phone: '+34 612 34 56 78' };

const fixture = {};

/** ISO time `minutes` before now, to the second. */
function ago(minutes) {
  const t = new Date(Date.now() - minutes * 60_000);
  t.setUTCMilliseconds(0);
  return t.toISOString().replace('.000Z', 'Z');
}

/** POST a JSON body to the API with the switchboard's token; returns the answer's JSON. */
async function post(path, body, expected) {
  const res = await fetch(`${fx.server.url}${path}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${fixture.token}`, 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  assert.equal(res.status, expected, `${path} answered ${res.status}: ${text}`);
  return JSON.parse(text);
}

let calls = 0;
/** A generic call event; `call` holds the call's id and number across its events. */
function callEvent(event, call, extra = {}) {
  return post('/api/v1/telephony/events', {
    event, call_id: call.id, from: call.from, to: '910000000', extension: '201', ...extra,
  }, 200);
}
function newCall(from) {
  calls += 1;
  return { id: `e2e-${calls}-${Date.now()}`, from };
}

/** Sets the extension on the account page's "Telefonía" form. */
async function setExtension(page, extension) {
  await page.goto(`${fx.server.url}/settings/account`);
  const section = page.locator('section#telephony');
  assert.equal((await section.locator('h2').innerText()).trim(), 'Telefonía');
  const form = section.locator('form[action="/settings/account/extension"]');
  await form.locator('input[name=extension]').fill(extension);
  await submitAndWait(page, form.getByRole('button', { name: 'Guardar' }));
  await page.goto(`${fx.server.url}/settings/account`);
  assert.equal(await page.locator('section#telephony input[name=extension]').inputValue(), extension);
}

/**
 * Opens a page and waits until its screen-pop stream is connected. The page being left has
 * a stream too, whose answer may still arrive after the navigation starts: wait for the
 * answer to the last stream request, which is the new page's.
 */
async function openListening(page, path = '/app') {
  const streams = [];
  const onRequest = (r) => { if (followsPops(r.url())) streams.push(r); };
  page.on('request', onRequest);
  try {
    await page.goto(`${fx.server.url}${path}`);
    await page.waitForFunction(() => !!document.getElementById('screenpop'));
    for (let n = 0; !streams.length && n < 50; n++) await page.waitForTimeout(20);
    assert.ok(streams.length, 'the page opened its screen-pop stream');
    const res = await streams.at(-1).response();
    assert.equal(res.status(), 200);
  } finally {
    page.off('request', onRequest);
  }
}

/** Whether a request is a live stream that follows the screen pop. */
function followsPops(url) {
  const u = new URL(url);
  return u.pathname === '/live' && u.searchParams.get('pops') === '1';
}

/** Waits for a new card's slide-in to end, so a screenshot shows it as it stays. */
function settled(card) {
  return card.evaluate((el) => Promise.all(el.getAnimations().map((a) => a.finished)));
}

/** Marta, logged in in a fresh context, on her open /app page. */
async function martaOnApp(options) {
  const marta = await newPage(fx.browser, options);
  await login(marta.page, fx.server, MARTA.email, MARTA.password);
  await openListening(marta.page);
  return marta;
}

test('an agent on extension 201 gets the caller\'s card within a second and follows the call to the profile', async (t) => {
  const admin = await newPage(fx.browser);
  await completeSetup(admin.page, fx.server, ADMIN);
  fixture.token = await createToken(admin.page, fx.server, { name: 'centralita', scopes: 'interactions:write' });
  fixture.admin = admin;

  // Value tiers by spend, set on the customer settings page: Oro from 400 €, Plata from 100 €.
  await admin.page.goto(`${fx.server.url}/settings/customers`);
  const tiers = admin.page.locator('fieldset#value-tiers');
  assert.equal((await tiers.locator('legend').innerText()).trim(), 'Niveles de valor');
  assert.ok(await tiers.locator('input[name=value_tier_basis][value=spend]').isChecked(), 'by spend by default');
  await tiers.locator('input[name=tier_name_0]').fill('Oro');
  await tiers.locator('input[name=tier_min_0]').fill('400');
  await tiers.locator('input[name=tier_name_1]').fill('Plata');
  await tiers.locator('input[name=tier_min_1]').fill('100');
  await submitAndWait(admin.page, admin.page.getByRole('button', { name: 'Guardar' }));
  assert.equal(await admin.page.locator('input[name=tier_min_0]').inputValue(), '400');
  await admin.page.setViewportSize(PHONE);
  await tiers.scrollIntoViewIfNeeded();
  await shot(admin.page, '15-phone-value-tiers', { fullPage: false });
  await admin.page.setViewportSize(DESKTOP);

  // Rosa: an order of 450 € (Oro), a complaint last week, an e-mail yesterday.
  const first = await post('/api/v1/interactions', {
    channel: 'web', type: 'purchase', occurred_at: ago(30 * 24 * 60), subject: 'Pedido 1042',
    attributes: { total_cents: 45000, currency: 'EUR' },
    customer: { phone: '612 34 56 78', name: ROSA.name },
  }, 201);
  fixture.rosa = first.customer_id;
  await post('/api/v1/interactions', {
    channel: 'web_form', type: 'complaint', occurred_at: ago(7 * 24 * 60), subject: 'Cobro doble',
    customer: { phone: '612 34 56 78' },
  }, 201);
  await post('/api/v1/interactions', {
    channel: 'email', type: 'message', direction: 'outbound', occurred_at: ago(24 * 60),
    subject: 'Abono en curso', customer: { phone: '612345678' },
  }, 201);

  // Marta joins as an agent and answers on 201.
  const link = await invite(admin.page, fx.server, { email: MARTA.email, role: 'agent' });
  const marta = await newPage(fx.browser);
  await marta.page.goto(link);
  const form = marta.page.locator('form[action^="/invite/"]');
  await form.locator('input[name=name]').fill(MARTA.name);
  await form.locator('input[name=password]').fill(MARTA.password);
  await submitAndWait(marta.page, form.locator('button[type=submit]'));
  await setExtension(marta.page, '201');
  await openListening(marta.page);
  const page = marta.page;

  const call = newCall(ROSA.phone);
  const t0 = Date.now();
  const rang = await callEvent('ringing', call);
  await page.locator('.pop').waitFor({ timeout: 1000 });
  const ms = Date.now() - t0;
  t.diagnostic(`screen pop shown ${ms} ms after the POST`);
  assert.equal(rang.status, 'ringing');
  assert.equal(rang.customer_id, fixture.rosa);
  assert.equal(rang.agents_notified, 1);

  const card = page.locator(`.pop[data-call="${call.id}"]`);
  assert.equal(await card.getAttribute('role'), 'alertdialog');
  assert.equal(await card.getAttribute('aria-labelledby'), `pop-${call.id}`);
  assert.equal((await card.locator('.pop-title').innerText()).trim(), 'Llamada entrante');
  assert.match(await card.locator('.pop-head').innerText(), /ext\. 201/);
  assert.equal((await card.locator('.pop-state').innerText()).trim(), 'Sonando…');
  const name = card.locator('a.pop-name');
  assert.equal((await name.innerText()).trim(), ROSA.name);
  assert.equal(await name.getAttribute('href'), `/customers/${fixture.rosa}`);
  assert.equal(await card.locator('.badge').count(), 2, 'the stage and value tier badges');
  // Sighted agents read "Oro"; a screen reader hears which badge it is.
  assert.equal((await card.locator('.badge.tier').innerText()).replace(/\s+/g, ' ').trim(), 'Nivel de valor: Oro');
  assert.ok(await card.locator('.badge.tier').isVisible());
  assert.equal(
    (await card.locator('.pop-flag').innerText()).replace('⚠', '').trim(),
    'Reclamo abierto: no ofrecer ventas cruzadas',
  );
  const text = (await card.innerText()).replace(/\s+/g, ' ');
  assert.match(text, /Reclamos recientes Reclamo · .* Cobro doble/i);
  assert.match(text, /Últimos contactos/i);
  const contacts = card.locator('.pop-list').nth(1).locator('li');
  assert.equal(await contacts.count(), 3, 'the last three contacts');
  assert.match(await contacts.nth(0).innerText(), /Mensaje[\s\S]*Abono en curso/);
  assert.match(await contacts.nth(2).innerText(), /Compra[\s\S]*Pedido 1042/);
  // The last purchase is among the last contacts: not repeated under its own heading.
  assert.doesNotMatch(text, /Última compra/i);
  await settled(card);
  await shot(page, '15-ringing-known', { fullPage: false });

  await callEvent('answered', call);
  await page.waitForFunction((id) => document.querySelector(`.pop[data-call="${id}"]`)?.dataset.state === 'answered', call.id);
  assert.equal((await card.locator('.pop-state').innerText()).trim(), 'En curso · ext. 201');
  await shot(page, '15-answered', { fullPage: false });

  const ended = await callEvent('ended', call, { duration_seconds: 65 });
  assert.ok(ended.interaction_id, `the call is logged: ${JSON.stringify(ended)}`);
  await page.waitForFunction((id) => document.querySelector(`.pop[data-call="${id}"]`)?.dataset.state === 'ended', call.id);
  assert.equal((await card.locator('.pop-state').innerText()).trim(), 'Finalizada · 1 min 05 s');
  // Ended, the card folds to who called, the flag and the way to the profile.
  assert.ok(await card.locator('.pop-more').isHidden(), 'the history is folded');
  assert.ok(await card.locator('.pop-flag').isVisible());
  assert.ok(await card.getByRole('link', { name: 'Abrir ficha' }).isVisible());
  await shot(page, '15-ended', { fullPage: false });

  // "Abrir ficha": the customer's page, the card still there, the call on the timeline.
  await submitAndWait(page, card.getByRole('link', { name: 'Abrir ficha' }));
  assert.equal(new URL(page.url()).pathname, `/customers/${fixture.rosa}`);
  assert.equal((await page.locator('h1').innerText()).trim(), ROSA.name);
  assert.equal(await page.locator('main .row.spread .badge.tier').getAttribute('data-tier'), 'Oro');
  const kept = page.locator(`.pop[data-call="${call.id}"]`);
  await kept.waitFor();
  assert.equal(await kept.getAttribute('data-state'), 'ended');
  assert.equal((await kept.locator('.pop-state').innerText()).trim(), 'Finalizada · 1 min 05 s');
  const logged = page.locator('#interactions li.tl-item[data-channel=phone]');
  assert.equal(await logged.count(), 1);
  assert.match(await logged.innerText(), /Llamada[\s\S]*Duración: 1 min 05 s/);
  assert.match(await logged.innerText(), /Marta Agente|ext\. 201/);
  await shot(page, '15-profile-with-card', { fullPage: false });

  await kept.getByRole('button', { name: 'Cerrar' }).click();
  assert.equal(await page.locator('.pop').count(), 0);
  await page.reload();
  assert.equal(await page.locator('.pop').count(), 0, 'a closed card stays closed');
  await marta.context.close();
});

test('a user on extension 202 gets no card for a call to 201', async () => {
  const { page: adminPage } = fixture.admin;
  await setExtension(adminPage, '202');
  await openListening(adminPage);
  const marta = await martaOnApp();

  const call = newCall(ROSA.phone);
  const rang = await callEvent('ringing', call);
  assert.equal(rang.agents_notified, 1, 'only the agent on 201');
  await marta.page.locator(`.pop[data-call="${call.id}"]`).waitFor({ timeout: 1000 });
  // Both pages listen on the same stream; give the other one the same time and then some.
  await adminPage.waitForTimeout(500);
  assert.equal(await adminPage.locator('.pop').count(), 0, 'the user on 202 got no card');
  await callEvent('ended', call);
  await marta.page.waitForFunction((id) => document.querySelector(`.pop[data-call="${id}"]`)?.dataset.state === 'ended', call.id);
  assert.equal((await marta.page.locator(`.pop[data-call="${call.id}"] .pop-state`).innerText()).trim(), 'Perdida');
  assert.equal(await adminPage.locator('.pop').count(), 0);
  await marta.context.close();
});

test('an unknown number pops "Nuevo llamante" and "Crear cliente" opens the form with the phone', async () => {
  const marta = await martaOnApp();
  const { page } = marta;
  const call = newCall('+34 699 00 11 22');
  const rang = await callEvent('ringing', call);
  assert.equal(rang.customer_id, null);
  const card = page.locator(`.pop[data-call="${call.id}"]`);
  await card.waitFor({ timeout: 1000 });
  assert.equal((await card.locator('.pop-name').innerText()).trim(), 'Nuevo llamante');
  assert.equal(await card.locator('.pop-flag').count(), 0);
  await settled(card);
  await shot(page, '15-ringing-unknown', { fullPage: false });
  await page.setViewportSize(PHONE);
  await shot(page, '15-phone-ringing-unknown', { fullPage: false });
  await page.setViewportSize(DESKTOP);
  const create = card.getByRole('link', { name: 'Crear cliente' });
  assert.match(await create.getAttribute('href'), /^\/customers\/new\?phone=%2B34/);
  await submitAndWait(page, create);
  assert.equal(new URL(page.url()).pathname, '/customers/new');
  const phones = await page.locator('form[action="/customers/new"] textarea[name=phones]').inputValue();
  assert.equal(phones.replace(/\s/g, ''), '+34699001122');
  await callEvent('ended', call);
  await marta.context.close();
});

test('phone: at 360 px the card fits the screen and its close button is reachable', async () => {
  const marta = await martaOnApp({ viewport: PHONE });
  const { page } = marta;
  const call = newCall(ROSA.phone);
  await callEvent('ringing', call);
  const card = page.locator(`.pop[data-call="${call.id}"]`);
  await card.waitFor({ timeout: 1000 });
  await settled(card);
  await shot(page, '15-phone-ringing-known', { fullPage: false });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= PHONE.width, `scrollWidth ${width}`);
  const box = await card.boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= PHONE.width, `card at ${JSON.stringify(box)}`);
  const close = card.getByRole('button', { name: 'Cerrar' });
  const cbox = await close.boundingBox();
  assert.ok(cbox.x >= 0 && cbox.x + cbox.width <= PHONE.width, `close button at ${JSON.stringify(cbox)}`);
  assert.ok(cbox.y >= 0 && cbox.y + cbox.height <= PHONE.height, `close button at ${JSON.stringify(cbox)}`);
  assert.ok(cbox.width >= 24 && cbox.height >= 24, `a finger-sized target: ${JSON.stringify(cbox)}`);
  // Earlier calls are among the last contacts with their outcome.
  const contacts = (await card.locator('.pop-more').innerText()).replace(/\s+/g, ' ');
  assert.match(contacts, /Llamada · [^·]*\d\d:\d\d Duración: 1 min 05 s/);
  assert.match(contacts, /Llamada · [^·]*\d\d:\d\d Llamada perdida/);

  await callEvent('ended', call, { duration_seconds: 42 });
  await page.waitForFunction((id) => document.querySelector(`.pop[data-call="${id}"]`)?.dataset.state === 'ended', call.id);
  await shot(page, '15-phone-ended', { fullPage: false });
  assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= PHONE.width);
  await close.click();
  assert.equal(await page.locator('.pop').count(), 0);
  await marta.context.close();
  await fixture.admin.context.close();
});

test('two tabs of one agent: one stream follows the screen pop, both tabs show the card, and the other takes over when it closes', async () => {
  const marta = await martaOnApp();
  const first = marta.page;
  const streams = [];
  marta.context.on('request', (r) => { if (followsPops(r.url())) streams.push(r); });
  const second = await marta.context.newPage();
  await second.goto(`${fx.server.url}/customers`);
  // The second tab opens no screen-pop stream of its own: the first one follows it.
  await second.waitForTimeout(500);
  assert.equal(streams.length, 0, 'only the first tab follows the screen pop');

  const call = newCall(ROSA.phone);
  await callEvent('ringing', call);
  await first.locator(`.pop[data-call="${call.id}"]`).waitFor({ timeout: 1000 });
  await second.locator(`.pop[data-call="${call.id}"]`).waitFor({ timeout: 1000 });
  await callEvent('ended', call);
  await second.waitForFunction((id) => document.querySelector(`.pop[data-call="${id}"]`)?.dataset.state === 'ended', call.id);

  // Closing the tab that follows hands the screen pop to the other one.
  await first.close();
  for (let n = 0; !streams.length && n < 100; n++) await second.waitForTimeout(20);
  assert.equal(streams.length, 1, 'the second tab took the screen pop over');
  assert.equal((await streams[0].response()).status(), 200);
  const next = newCall(ROSA.phone);
  await callEvent('ringing', next);
  await second.locator(`.pop[data-call="${next.id}"]`).waitFor({ timeout: 1000 });
  await callEvent('ended', next);
  await marta.context.close();
});
