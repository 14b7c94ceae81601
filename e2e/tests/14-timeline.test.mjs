// The interaction timeline on a customer's page: interactions sent to the API for one phone
// typed three ways land on one customer and show newest first with Spanish labels, the
// channel filter, "load more" and back, the empty state, English, and a 360 px phone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ADMIN, PHONE, completeSetup, createToken, login, newPage, openUserMenu, shot, submitAndWait, useApp,
} from '../lib/browser.mjs';

const fx = useApp({ name: '14-timeline' });

/** The same moment the server will show: ISO time `minutes` before now, to the second. */
function ago(minutes) {
  const t = new Date(Date.now() - minutes * 60_000);
  t.setUTCMilliseconds(0);
  return t.toISOString().replace('.000Z', 'Z');
}

/** POST /api/v1/interactions with a bearer token; returns the 201 answer's JSON. */
async function ingest(token, body) {
  const res = await fetch(`${fx.server.url}/api/v1/interactions`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  assert.equal(res.status, 201, `ingest answered ${res.status}: ${text}`);
  return JSON.parse(text);
}

/** The timeline's entries as the page shows them, top to bottom. */
function entries(page) {
  return page.locator('#interactions li.tl-item').evaluateAll((lis) => lis.map((li) => ({
    channel: li.dataset.channel,
    // Without the decorative separators and arrows, so the words can be matched in order.
    text: li.innerText.replace(/[·↙↗]/g, ' ').replace(/\s+/g, ' ').trim(),
    datetime: li.querySelector('time')?.getAttribute('datetime'),
  })));
}

const LONG = 'Dice que la factura de octubre le cobra dos veces la cuota de mantenimiento. '
  + 'Pide que se anule el segundo cargo y que se le envíe una factura rectificativa por correo. '
  + 'Ya llamó la semana pasada y le dijeron que lo revisarían, pero nadie le ha vuelto a llamar. '
  + 'Queda pendiente de confirmar el abono antes del viernes.';

const fixture = {};

test('interactions for one phone in three spellings show newest first, in Spanish', async () => {
  const { context, page } = await newPage(fx.browser);
  await completeSetup(page, fx.server, ADMIN);
  const token = await createToken(page, fx.server, { name: 'centralita', scopes: 'interactions:write' });
  fixture.token = token;

  const call = {
    channel: 'phone', type: 'call', direction: 'inbound', occurred_at: ago(3 * 24 * 60),
    subject: 'Llamada por factura', body: LONG, agent: 'ext. 204',
    customer: { phone: '+34 612 34 56 78', name: 'Lucía Pérez' },
  };
  const reply = {
    channel: 'email', type: 'message', direction: 'outbound', occurred_at: ago(2 * 24 * 60),
    subject: 'Respuesta sobre la factura',
    // Sanitised on arrival: the handler must not survive to run on the page.
    body_html: '<p>Hola <b>Lucía</b>, ya hemos anulado el cargo.</p><img src="x" onerror="window.__xss=1">',
    customer: { phone: '612345678' },
  };
  const complaint = {
    channel: 'chat', type: 'complaint', direction: 'inbound', occurred_at: ago(5),
    subject: 'Pedido dañado', body: 'El pedido llegó roto <b>y nadie</b> me contesta',
    customer: { phone: '0034 612-345-678' },
  };
  const ids = [];
  for (const body of [call, reply, complaint]) ids.push(await ingest(token, body));
  const customer = ids[0].customer_id;
  assert.ok(customer, 'the first interaction names its customer');
  assert.deepEqual(ids.map((r) => r.customer_id), [customer, customer, customer], 'one customer for every spelling');
  fixture.customer = customer;

  await page.goto(`${fx.server.url}/customers/${customer}`);
  assert.equal((await page.locator('h1').innerText()).trim(), 'Lucía Pérez');
  const section = page.locator('#interactions');
  assert.equal((await section.locator('h2').innerText()).trim(), 'Interacciones');
  const shown = await entries(page);
  assert.deepEqual(shown.map((e) => e.channel), ['chat', 'email', 'phone'], 'newest first');
  assert.deepEqual(
    shown.map((e) => Date.parse(e.datetime)),
    [complaint, reply, call].map((i) => Date.parse(i.occurred_at)),
    'each <time> carries the moment it happened',
  );
  assert.match(shown[0].text, /Reclamo Chat entrante \d\d:\d\d Pedido dañado/);
  // Markup in a plain body is text, not HTML.
  assert.match(shown[0].text, /El pedido llegó roto <b>y nadie<\/b> me contesta/);
  assert.match(shown[1].text, /Mensaje Correo electrónico saliente/);
  assert.match(shown[2].text, /Llamada Teléfono entrante \d\d:\d\d Llamada por factura/);
  assert.match(shown[2].text, /Agente: ext\. 204/);

  // Days are headings; the newest is today's (unless the test runs across midnight UTC).
  const days = await section.locator('h3.tl-day').allInnerTexts();
  assert.equal(days.length, 3);
  if (complaint.occurred_at.slice(0, 10) === new Date().toISOString().slice(0, 10)) {
    assert.equal(days[0].trim().toLowerCase(), 'hoy');
  }
  assert.match(days[2], /^\d{1,2} (ene|feb|mar|abr|may|jun|jul|ago|sept|oct|nov|dic) \d{4}$/i, 'headings are upper-cased by CSS');

  // A long body shows an excerpt, and the whole on request.
  const callEntry = section.locator('li.tl-item[data-channel=phone]');
  assert.match(await callEntry.locator('p.tl-excerpt').innerText(), /…$/);
  await callEntry.locator('details.tl-full summary').click();
  assert.match(await callEntry.locator('details.tl-full').innerText(), /antes del viernes\./);
  assert.ok(await callEntry.locator('p.tl-excerpt').isHidden(), 'the whole text replaces the excerpt');
  // The HTML body is behind "Ver el mensaje", sanitised.
  const mail = section.locator('li.tl-item[data-channel=email]');
  await mail.locator('details.tl-full summary').click();
  assert.match(await mail.locator('.tl-html').innerText(), /Hola Lucía, ya hemos anulado el cargo\./);
  assert.equal(await mail.locator('.tl-html b').count(), 1, 'harmless markup is kept');
  assert.equal(await page.evaluate(() => window.__xss), undefined, 'no handler ran');
  assert.equal(await mail.locator('[onerror]').count(), 0);
  await shot(page, '14-timeline');
  await section.scrollIntoViewIfNeeded();
  await shot(page, '14-timeline-desktop', { fullPage: false });

  // Filter by channel: a GET form, labelled, that keeps its choice.
  const filter = section.locator('form.tl-filter');
  assert.equal((await filter.locator('label').innerText()).split('\n')[0].trim(), 'Canal');
  await filter.locator('select[name=channel]').selectOption('phone');
  await submitAndWait(page, filter.locator('button[type=submit]'));
  assert.equal(new URL(page.url()).searchParams.get('channel'), 'phone');
  assert.deepEqual((await entries(page)).map((e) => e.channel), ['phone']);
  assert.equal(await page.locator('#interactions select[name=channel]').inputValue(), 'phone');
  await shot(page, '14-timeline-phone-only');
  await page.goto(`${fx.server.url}/customers/${customer}?channel=sms`);
  assert.equal(await page.locator('#interactions li.tl-item').count(), 0);
  assert.equal((await page.locator('#interactions .tl-empty').innerText()).trim(), 'No hay interacciones en este canal.');
  // A channel that does not exist shows everything rather than failing the page.
  const bogus = await page.goto(`${fx.server.url}/customers/${customer}?channel=pigeon&before=%%%`);
  assert.equal(bogus.status(), 200);
  assert.equal(await page.locator('#interactions li.tl-item').count(), 3);
  await context.close();
});

test('25 at a time: "Ver más" pages back, and back to the newest', async () => {
  const { context, page } = await newPage(fx.browser);
  await login(page, fx.server, ADMIN.email, ADMIN.password);
  // 24 page views between the chat (5 minutes ago) and the e-mail (2 days ago): 27 in all.
  for (let n = 0; n < 24; n++) {
    await ingest(fixture.token, {
      channel: 'web', type: 'page_view', occurred_at: ago(60 + n),
      subject: `Página ${n + 1}`, customer: { id: fixture.customer },
    });
  }
  await page.goto(`${fx.server.url}/customers/${fixture.customer}`);
  const first = await entries(page);
  assert.equal(first.length, 25, '25 per page');
  assert.equal(first[0].channel, 'chat');
  assert.match(first[1].text, /Visita a página Web entrante/);
  const more = page.locator('#interactions a[rel=next]');
  assert.equal((await more.innerText()).replace('↓', '').trim(), 'Ver más');
  await submitAndWait(page, more);
  const second = await entries(page);
  assert.deepEqual(second.map((e) => e.channel), ['email', 'phone'], 'the two oldest on page two');
  assert.equal(await page.locator('#interactions a[rel=next]').count(), 0, 'nothing after the last page');
  await submitAndWait(page, page.locator('#interactions .tl-pages a').first());
  assert.equal((await entries(page)).length, 25);
  assert.equal(new URL(page.url()).searchParams.get('before'), null);
  await context.close();
});

test('a customer with no interactions, and the timeline in English', async () => {
  const { context, page } = await newPage(fx.browser);
  await login(page, fx.server, ADMIN.email, ADMIN.password);
  await page.goto(`${fx.server.url}/customers/new`);
  const form = page.locator('form[action="/customers/new"]');
  await form.locator('[name=given_name]').fill('Sin');
  await form.locator('[name=family_name]').fill('Historia');
  await submitAndWait(page, form.locator('button[type=submit]'));
  assert.equal((await page.locator('#interactions .tl-empty').innerText()).trim(), 'Sin interacciones todavía.');
  await context.close();

  // The admin's profile says Spanish (set up in a Spanish browser): switch it in the user menu.
  const en = await newPage(fx.browser);
  await login(en.page, fx.server, ADMIN.email, ADMIN.password);
  await en.page.goto(`${fx.server.url}/customers/${fixture.customer}?channel=phone`);
  await submitAndWait(en.page, (await openUserMenu(en.page)).locator('button[name=locale][value=en]'));
  await en.page.goto(`${fx.server.url}/customers/${fixture.customer}?channel=phone`);
  assert.equal((await en.page.locator('#interactions h2').innerText()).trim(), 'Interactions');
  const [call] = await entries(en.page);
  assert.match(call.text, /Call Phone inbound \d\d:\d\d Llamada por factura/);
  assert.match(call.text, /Agent: ext\. 204/);
  assert.match(await en.page.locator('#interactions h3.tl-day').first().innerText(), /^\d{1,2} [A-Z][a-z]{2} \d{4}$/i);
  await submitAndWait(en.page, (await openUserMenu(en.page)).locator('button[name=locale][value=es]'));
  await en.context.close();
});

test('phone: the timeline fits 360 px and the filter is usable', async () => {
  const { context, page } = await newPage(fx.browser, { viewport: PHONE });
  await login(page, fx.server, ADMIN.email, ADMIN.password);
  await page.goto(`${fx.server.url}/customers/${fixture.customer}`);
  await shot(page, '14-phone-timeline');
  await shot(page, '14-phone-timeline-top', { fullPage: false });
  await page.locator('#interactions a[rel=next]').scrollIntoViewIfNeeded();
  await shot(page, '14-phone-timeline-end', { fullPage: false });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= PHONE.width, `scrollWidth ${width}`);
  const select = page.locator('#interactions select[name=channel]');
  assert.ok(await select.isVisible());
  const box = await select.boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= PHONE.width, `select at ${JSON.stringify(box)}`);
  // Each entry's text column is wide enough to read (the icon column does not squeeze it).
  const bodyWidth = await page.locator('#interactions .tl-body').first().evaluate((e) => e.getBoundingClientRect().width);
  assert.ok(bodyWidth > 200, `entry text ${bodyWidth}px wide`);
  await context.close();
});

test('an open customer page shows a new interaction as it arrives, without a reload', async () => {
  const { context, page } = await newPage(fx.browser);
  await login(page, fx.server, ADMIN.email, ADMIN.password);
  const listening = page.waitForResponse((r) => r.url().endsWith(`/customers/${fixture.customer}/live`));
  await page.goto(`${fx.server.url}/customers/${fixture.customer}`);
  await listening;
  await page.evaluate(() => { window.stillTheSamePage = true; });
  const sent = Date.now();
  await ingest(fixture.token, {
    channel: 'chat', type: 'inquiry', occurred_at: ago(0), subject: 'Pregunta en directo',
    customer: { id: fixture.customer },
  });
  await page.locator('#interactions li.tl-item', { hasText: 'Pregunta en directo' }).waitFor({ timeout: 3000 });
  const [top] = await entries(page);
  assert.match(top.text, /Consulta Chat entrante/);
  assert.equal(await page.evaluate(() => window.stillTheSamePage), true, 'the page was not reloaded');
  console.log(`live update shown ${Date.now() - sent} ms after the POST`);
  await context.close();
});
