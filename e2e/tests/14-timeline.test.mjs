// The interaction timeline on a customer's page: interactions sent to the API for one phone
// typed three ways land on one customer and show newest first with Spanish labels, the
// channel filter, "load more" (in place with JavaScript, by link without), scrolling down a
// long timeline, the empty state, English, and a 360 px phone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ADMIN, DEFAULT_LOCALE, DESKTOP, PHONE, completeSetup, createToken, login, newPage, openUserMenu, shot,
  submitAndWait, useApp,
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

/** POST /api/v1/interactions:batch; every one must be created. */
async function ingestBatch(token, interactions) {
  const res = await fetch(`${fx.server.url}/api/v1/interactions:batch`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ interactions }),
  });
  const text = await res.text();
  assert.equal(res.status, 200, `batch answered ${res.status}: ${text}`);
  const out = JSON.parse(text);
  assert.equal(out.created, interactions.length, `batch: ${text.slice(0, 500)}`);
  return out;
}

/** The `i`-th newest of a long history: four a day (20:00, 17:00, 14:00, 11:00 UTC) from
 *  two days ago backwards, so the 25th and 26th share a day, as do the 50th and 51st. */
function historyAt(i) {
  const now = new Date();
  const day = now.getUTCDate() - 2 - Math.floor(i / 4);
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), day, 20 - 3 * (i % 4)))
    .toISOString().replace('.000Z', 'Z');
}

/** Each entry's subject and moment, top to bottom. */
function rows(page) {
  return page.locator('#interactions li.tl-item').evaluateAll((lis) => lis.map((li) => ({
    subject: li.querySelector('.tl-subject')?.textContent ?? null,
    at: Date.parse(li.querySelector('.tl-meta time').getAttribute('datetime')),
  })));
}

/** Scrolls as a reader would to the end of the timeline: its last entry at the screen's
 *  bottom. (The customer's form comes after it, so "the end of the page" is further down.) */
async function scrollToTimelineEnd(page) {
  await page.locator('#interactions li.tl-item').last().evaluate((li) => li.scrollIntoView({ block: 'end' }));
}

/** The `before=` of each timeline fragment the page fetches, in order. */
function fragmentFetches(page, customer) {
  const seen = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.pathname === `/customers/${customer}/timeline`) seen.push(url.searchParams.get('before'));
  });
  return seen;
}

const count = (page) => page.locator('#interactions li.tl-item').count();
const countIs = (page, n) => page.waitForFunction(
  (n) => document.querySelectorAll('#interactions li.tl-item').length === n, n,
);

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

test('25 at a time: "Ver más" adds the older ones in place; without JavaScript it is a link', async () => {
  const { context, page } = await newPage(fx.browser);
  // As in a browser without IntersectionObserver: only a click loads more, so that path alone.
  await context.addInitScript(() => { delete window.IntersectionObserver; });
  await login(page, fx.server, ADMIN.email, ADMIN.password);
  // 24 page views between the chat (5 minutes ago) and the e-mail (2 days ago): 27 in all.
  for (let n = 0; n < 24; n++) {
    await ingest(fixture.token, {
      channel: 'web', type: 'page_view', occurred_at: ago(60 + n),
      subject: `Página ${n + 1}`, customer: { id: fixture.customer },
    });
  }
  const newest = `${fx.server.url}/customers/${fixture.customer}`;
  await page.goto(newest);
  const first = await entries(page);
  assert.equal(first.length, 25, '25 per page');
  assert.equal(first[0].channel, 'chat');
  assert.match(first[1].text, /Visita a página Web entrante/);
  const more = page.locator('#interactions a[rel=next]');
  assert.equal((await more.innerText()).replace('↓', '').trim(), 'Ver más');
  const plainHref = await more.getAttribute('href');
  assert.match(plainHref, /^\/customers\/[0-9a-f-]+\?before=[^&#]+#interactions$/);
  await page.evaluate(() => { window.stillTheSamePage = true; });
  await more.click();
  await countIs(page, 27);
  const all = await entries(page);
  assert.deepEqual(all.slice(0, 25), first, 'the first 25 stay as they were');
  assert.deepEqual(all.slice(25).map((e) => e.channel), ['email', 'phone'], 'the two oldest after them');
  assert.equal(page.url(), newest, 'same page, same address');
  assert.equal(await page.evaluate(() => window.stillTheSamePage), true, 'no navigation');
  assert.equal(await page.locator('#interactions a[rel=next]').count(), 0, 'nothing after the last page');
  assert.equal(await page.evaluate(() => document.activeElement.matches('li.tl-item[data-channel=email]')), true,
    'focus goes on to the first entry added');
  // "Volver a las más recientes" now leads to the top of this same timeline.
  await page.locator('#interactions .tl-pages a').first().click();
  await page.waitForFunction(() => window.location.hash === '#interactions');
  assert.equal(await page.evaluate(() => window.stillTheSamePage), true);
  assert.equal(await count(page), 27);

  // A failed fetch leaves the link a link: the click goes to the older page.
  await page.goto(newest);
  await page.route(/\/timeline\?/, (route) => route.abort());
  await submitAndWait(page, page.locator('#interactions a[rel=next]'));
  await page.unroute(/\/timeline\?/);
  assert.ok(new URL(page.url()).searchParams.get('before'), 'on the ?before= page');
  assert.deepEqual((await entries(page)).map((e) => e.channel), ['email', 'phone']);
  // Opened directly (a shared link), the older page is as it always was, back link included.
  await submitAndWait(page, page.locator('#interactions .tl-pages a').first());
  assert.equal((await entries(page)).length, 25);
  assert.equal(new URL(page.url()).searchParams.get('before'), null);
  await context.close();

  // Without JavaScript "Ver más" and "Volver a las más recientes" page by link.
  const plain = await fx.browser.newContext({ viewport: DESKTOP, locale: DEFAULT_LOCALE, javaScriptEnabled: false });
  const noJs = await plain.newPage();
  await login(noJs, fx.server, ADMIN.email, ADMIN.password);
  await noJs.goto(newest);
  assert.equal((await entries(noJs)).length, 25);
  await submitAndWait(noJs, noJs.locator('#interactions a[rel=next]'));
  assert.equal(new URL(noJs.url()).searchParams.get('before'), new URL(plainHref, newest).searchParams.get('before'));
  assert.deepEqual((await entries(noJs)).map((e) => e.channel), ['email', 'phone'], 'the two oldest on page two');
  assert.equal(await noJs.locator('#interactions a[rel=next]').count(), 0);
  await submitAndWait(noJs, noJs.locator('#interactions .tl-pages a').first());
  assert.equal((await entries(noJs)).length, 25);
  assert.equal(new URL(noJs.url()).searchParams.get('before'), null);
  await plain.close();
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
  // Near the end the older two come in on their own.
  await page.locator('#interactions a[rel=next]').scrollIntoViewIfNeeded();
  await countIs(page, 27);
  await page.locator('#interactions a[rel=next]').waitFor({ state: 'detached' });
  await scrollToTimelineEnd(page);
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

test('scrolling down a long timeline at 360 px adds the older entries in place, each once', async () => {
  const { context, page } = await newPage(fx.browser, { viewport: PHONE });
  await login(page, fx.server, ADMIN.email, ADMIN.password);
  const kinds = [['email', 'message', 'outbound'], ['phone', 'call', 'inbound'], ['chat', 'inquiry', 'inbound'],
    ['sms', 'message', 'inbound'], ['web', 'page_view', 'inbound']];
  const history = Array.from({ length: 60 }, (_, i) => ({
    channel: kinds[i % 5][0], type: kinds[i % 5][1], direction: kinds[i % 5][2],
    occurred_at: historyAt(i), subject: `Gestión ${i + 1}`,
  }));
  const [head, ...rest] = history;
  const { customer_id: customer } = await ingest(fixture.token,
    { ...head, customer: { email: 'marta.gil@example.com', name: 'Marta Gil' } });
  await ingestBatch(fixture.token, rest.map((i) => ({ ...i, customer: { id: customer } })));

  // The API's order is the reference.
  const api = await page.request.get(`${fx.server.url}/api/v1/customers/${customer}/interactions?limit=200`,
    { headers: { Accept: 'application/json' } });
  assert.equal(api.status(), 200);
  const expected = (await api.json()).data.map((i) => ({ subject: i.subject, at: Date.parse(i.occurred_at) }));
  assert.deepEqual(expected.map((e) => e.subject), history.map((h) => h.subject), 'the API: newest first');

  const fetches = fragmentFetches(page, customer);
  const address = `${fx.server.url}/customers/${customer}`;
  await page.goto(address);
  assert.equal(await count(page), 25);
  assert.equal(fetches.length, 0, 'nothing fetched before the reader scrolls');

  // The first fetch is held, to see what the page says meanwhile.
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route(/\/timeline\?/, async (route) => { await held; await route.continue(); });
  await scrollToTimelineEnd(page);
  const status = page.locator('#interactions [role=status][aria-live=polite]');
  await page.waitForFunction(() => document.querySelector('#interactions .tl-status')?.textContent === 'Cargando…');
  assert.equal(await page.locator('#interactions').getAttribute('aria-busy'), 'true');
  assert.ok(await status.isVisible(), '"Cargando…" shows');
  await status.evaluate((e) => e.scrollIntoView({ block: 'end' }));
  await shot(page, '14-phone-scroll-loading', { fullPage: false });
  release();
  await countIs(page, 50);
  await page.unroute(/\/timeline\?/);
  assert.equal(await status.textContent(), '', 'and goes once the entries are in');
  assert.equal(await page.locator('#interactions').getAttribute('aria-busy'), null);

  // The day the first page ended in: one heading, its four entries under it.
  const split = historyAt(24).slice(0, 10);
  assert.equal(historyAt(25).slice(0, 10), split, 'the fixture splits a day across pages');
  const splitDay = page.locator(`#interactions h3.tl-day:has(time[datetime="${split}"])`);
  assert.equal(await splitDay.count(), 1);
  assert.equal(await page.locator(`#interactions h3.tl-day:has(time[datetime="${split}"]) + ol.timeline > li`).count(), 4);
  await splitDay.evaluate((h) => h.scrollIntoView({ block: 'center' }));
  await shot(page, '14-phone-scroll-split-day', { fullPage: false });

  await scrollToTimelineEnd(page);
  await countIs(page, 60);
  await page.locator('#interactions a[rel=next]').waitFor({ state: 'detached' });
  // Scrolling on at the end asks for nothing more.
  await scrollToTimelineEnd(page);
  await page.mouse.wheel(0, 3000);
  await page.waitForTimeout(500);
  assert.equal(fetches.length, 2, `fetched ${JSON.stringify(fetches)}`);
  assert.ok(fetches.every(Boolean) && fetches[0] !== fetches[1], 'two different cursors');

  assert.deepEqual(await rows(page), expected, 'what the API lists, in its order: none twice, none missing');
  const days = await page.locator('#interactions h3.tl-day time').evaluateAll((ts) => ts.map((t) => t.getAttribute('datetime')));
  assert.deepEqual(days, [...new Set(history.map((h) => h.occurred_at.slice(0, 10)))], 'one heading per day, newest first');
  const misplaced = await page.locator('#interactions li.tl-item').evaluateAll((lis) => lis.filter((li) => {
    const heading = li.closest('ol.timeline').previousElementSibling;
    return !heading.matches('h3.tl-day')
      || heading.querySelector('time').getAttribute('datetime') !== li.querySelector('.tl-meta time').getAttribute('datetime').slice(0, 10);
  }).length);
  assert.equal(misplaced, 0, 'each entry under its own day');
  assert.equal(page.url(), address, 'no before= in the address bar');
  assert.equal(await page.locator('#interactions .tl-pages a').count(), 1, 'only "Volver a las más recientes" at the end');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= PHONE.width, `scrollWidth ${width}`);
  await page.locator('#interactions .tl-pages').evaluate((e) => e.scrollIntoView({ block: 'end' }));
  await shot(page, '14-phone-scroll-end', { fullPage: false });
  await context.close();
});

test('after 200 entries fetched by scrolling, "Ver más" waits for a click, so the form below stays reachable', async () => {
  const { context, page } = await newPage(fx.browser);
  await login(page, fx.server, ADMIN.email, ADMIN.password);
  const history = Array.from({ length: 240 }, (_, i) => ({
    channel: 'web', type: 'page_view', occurred_at: ago(60 * (i + 1)), subject: `Visita ${i + 1}`,
  }));
  const [head, ...rest] = history;
  const { customer_id: customer } = await ingest(fixture.token,
    { ...head, customer: { email: 'pablo.ruiz@example.com', name: 'Pablo Ruiz' } });
  await ingestBatch(fixture.token, rest.map((i) => ({ ...i, customer: { id: customer } })));
  const fetches = fragmentFetches(page, customer);
  await page.goto(`${fx.server.url}/customers/${customer}`);
  for (let n = 50; n <= 225; n += 25) {
    await scrollToTimelineEnd(page);
    await countIs(page, n);
  }
  await page.locator('#interactions a[rel=next]').scrollIntoViewIfNeeded();
  await page.waitForTimeout(500);
  assert.equal(await count(page), 225, 'eight pages came on their own');
  assert.equal(fetches.length, 8);
  const more = page.locator('#interactions a[rel=next]');
  assert.ok(await more.isVisible());
  await more.click();
  await countIs(page, 240);
  assert.equal(await page.locator('#interactions a[rel=next]').count(), 0);
  assert.deepEqual((await rows(page)).map((r) => r.subject), history.map((h) => h.subject));
  await context.close();
});

test('an open customer page shows a new interaction as it arrives, without a reload', async () => {
  const { context, page } = await newPage(fx.browser);
  await login(page, fx.server, ADMIN.email, ADMIN.password);
  const fetches = fragmentFetches(page, fixture.customer);
  const listening = page.waitForResponse((r) => {
    const u = new URL(r.url());
    return u.pathname === '/live' && u.searchParams.get('customer') === fixture.customer;
  });
  await page.goto(`${fx.server.url}/customers/${fixture.customer}`);
  await listening;
  // Scrolled down to the oldest first: the refresh brings the newest page back, and
  // scrolling down loads the older ones again.
  await scrollToTimelineEnd(page);
  await countIs(page, 27);
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
  // The refresh put back the newest 25 with a "Ver más" near the screen (the reader was at
  // the end), which is watched again: the older three come back in place.
  await scrollToTimelineEnd(page);
  await countIs(page, 28);
  assert.equal(await page.locator('#interactions a[rel=next]').count(), 0);
  assert.equal(fetches.length, 3, `fetched ${JSON.stringify(fetches)}`);
  assert.ok(fetches[0] && fetches[1] === null && fetches[2], 'older, the refresh (no before=), older again');
  assert.deepEqual((await entries(page)).slice(0, 2).map((e) => e.channel), ['chat', 'chat']);
  await context.close();
});

test('a tab hidden for a minute lets its stream go, and catches up when shown again', async () => {
  const { context, page } = await newPage(fx.browser);
  await page.clock.install();
  await login(page, fx.server, ADMIN.email, ADMIN.password);
  const isStream = (r) => {
    const u = new URL(r.url());
    return u.pathname === '/live' && u.searchParams.get('customer') === fixture.customer;
  };
  const listening = page.waitForResponse(isStream);
  await page.goto(`${fx.server.url}/customers/${fixture.customer}`);
  await listening;
  const setVisibility = (state) => page.evaluate((s) => {
    Object.defineProperty(document, 'visibilityState', { value: s, configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  }, state);

  // Hidden: the stream stays for a minute (a quick look elsewhere keeps it), then goes.
  const closed = page.waitForEvent('requestfailed', { predicate: isStream, timeout: 5000 });
  await setVisibility('hidden');
  await page.clock.fastForward('00:59');
  await page.clock.fastForward('00:02');
  await closed;

  // Meanwhile an interaction arrives; shown again, the tab opens its stream and fetches
  // its timeline at once.
  await ingest(fixture.token, {
    channel: 'sms', type: 'message', occurred_at: ago(0), subject: 'Mientras no mirabas',
    customer: { id: fixture.customer },
  });
  const back = page.waitForResponse(isStream);
  await setVisibility('visible');
  await back;
  await page.clock.runFor(300);
  await page.locator('#interactions li.tl-item', { hasText: 'Mientras no mirabas' }).waitFor({ timeout: 3000 });
  await context.close();
});
