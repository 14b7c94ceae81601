// The shared inbox on the demo workspace: an admin connects a mailbox through the settings
// form (a refused port first, named beside its field); the inbox at phone width (390×844)
// and on a desktop; a conversation opened (the unread badge drops), a note added, the
// conversation resolved; the formatted message inside its sandboxed frame; an attachment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DESKTOP, login, newPage, shot, submitAndWait, useApp } from '../lib/browser.mjs';

const fx = useApp({ name: '17-inbox', demo: true });
const ANA = { email: 'ana@demo.vinculo.test', password: 'vinculo-demo' };
const PHONE = { width: 390, height: 844 };

/** The unread count in the side navigation (0 when no badge is shown). */
async function badge(page) {
  const b = page.locator('nav#nav a[href="/inbox"] .nav-count');
  return (await b.count()) ? Number(await b.getAttribute('data-unread')) : 0;
}

async function assertFits(page, where) {
  const o = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    culprits: [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1
        && !el.closest('.table-wrap'))
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`),
  }));
  assert.ok(o.scrollWidth <= PHONE.width, `${where}: scrollWidth ${o.scrollWidth}; sticking out: ${o.culprits}`);
}

test('an admin connects a mailbox through the settings form', async () => {
  const { context, page } = await newPage(fx.browser);
  await login(page, fx.server, ANA.email, ANA.password);
  await submitAndWait(page, page.locator('nav#nav a[href="/settings/mailboxes"]'));
  await page.locator('h1', { hasText: 'Buzones de correo' }).waitFor();
  const form = page.locator('form[action="/settings/mailboxes"]');
  assert.equal(await form.locator('input[name=delete_after_fetch]').isChecked(), false, 'off by default');
  await form.locator('input[name=name]').fill('Soporte');
  await form.locator('input[name=address]').fill('soporte@demo.vinculo.test');
  await form.locator('input[name=imap_host]').fill('imap.demo.vinculo.test');
  await form.locator('input[name=imap_port]').fill('99999');
  await form.locator('input[name=imap_username]').fill('soporte');
  await form.locator('input[name=imap_password]').fill('imap-secreto');
  await form.locator('input[name=smtp_host]').fill('smtp.demo.vinculo.test');
  await form.locator('select[name=smtp_security]').selectOption('starttls');
  await form.locator('input[name=smtp_username]').fill('soporte');
  await form.locator('input[name=smtp_password]').fill('smtp-secreto');
  await form.locator('select[name=team]').selectOption({ label: 'Atención al cliente' });
  const refused = await submitAndWait(page, form.locator('button[type=submit]'));
  assert.equal(refused.status(), 422);
  const portError = page.locator('#err-imap_port');
  assert.match(await portError.textContent(), /«99999» no es un puerto/);
  assert.equal(await page.locator('input[name=imap_port]').getAttribute('aria-invalid'), 'true');
  await shot(page, '17-mailbox-error');

  // The passwords are not sent back: typed again, with a right port.
  const again = page.locator('form[action="/settings/mailboxes"]');
  assert.equal(await again.locator('input[name=imap_password]').inputValue(), '');
  await again.locator('input[name=imap_port]').fill('');
  await again.locator('input[name=imap_password]').fill('imap-secreto');
  await again.locator('input[name=smtp_password]').fill('smtp-secreto');
  const saved = await submitAndWait(page, again.locator('button[type=submit]'));
  assert.ok(saved.ok(), `connecting answered ${saved.status()}`);
  await page.locator('.flash.ok', { hasText: 'Buzón conectado.' }).waitFor();
  const row = page.locator('table.mailboxes tbody tr', { hasText: 'soporte@demo.vinculo.test' });
  await row.waitFor();
  assert.match(await row.textContent(), /imap\.demo\.vinculo\.test:993/);
  assert.match(await row.textContent(), /aún no se ha leído/);
  await shot(page, '17-mailboxes');
  await context.close();
});

test('phone: the inbox stacks its rows at 390 px and a conversation fits', async () => {
  const { context, page } = await newPage(fx.browser, { viewport: PHONE });
  await login(page, fx.server, ANA.email, ANA.password);
  await page.goto(`${fx.server.url}/inbox`);
  await page.locator('h1', { hasText: 'Bandeja de entrada' }).waitFor();
  assert.ok(await page.locator('.inbox-item').count() >= 3, 'the demo has open conversations');
  assert.ok(await page.locator('.inbox-item.unread').count() >= 1);
  await assertFits(page, '/inbox');
  // The badge is on the menu button too, where a phone shows it.
  assert.ok(await page.locator('.menu-toggle .nav-count').isVisible());
  await shot(page, '17-phone-inbox');
  await submitAndWait(page, page.locator('.inbox-item a', { hasText: 'Factura de octubre duplicada' }));
  await page.locator('ol.thread').waitFor();
  await shot(page, '17-phone-conversation');
  await assertFits(page, 'a conversation');
  await context.close();
});

test('desktop: open a conversation, add a note, resolve it; the badge drops', async () => {
  const { context, page } = await newPage(fx.browser, { viewport: DESKTOP });
  await login(page, fx.server, ANA.email, ANA.password);
  await page.goto(`${fx.server.url}/inbox`);
  const before = await badge(page);
  assert.ok(before >= 1, `an unread badge at first, got ${before}`);
  await shot(page, '17-inbox');

  const row = page.locator('.inbox-item.unread a', { hasText: 'Mi pedido no ha llegado' });
  await submitAndWait(page, row);
  await page.locator('h1', { hasText: 'Mi pedido no ha llegado' }).waitFor();
  assert.equal(await badge(page), before - 1, 'opening it marks it read');
  assert.equal(await page.locator('ol.thread li.msg-in').count(), 2, 'both of the customer\'s messages');

  await page.locator('form.note-form textarea[name=body]').fill('Llamé al cliente: el repartidor pasa mañana por la mañana.');
  await submitAndWait(page, page.locator('form.note-form button[type=submit]'));
  await page.locator('.flash.ok', { hasText: 'Nota añadida.' }).waitFor();
  const note = page.locator('li.entry.note', { hasText: 'el repartidor pasa mañana' });
  await note.waitFor();
  assert.match(await note.textContent(), /Nota interna/);

  await submitAndWait(page, page.locator('.status-buttons button', { hasText: 'Resolver' }));
  await page.locator('.flash.ok', { hasText: 'Estado cambiado.' }).waitFor();
  await page.locator('.conv-meta .badge.st-resolved', { hasText: 'Resuelta' }).waitFor();
  await shot(page, '17-conversation');

  await page.goto(`${fx.server.url}/inbox`);
  assert.equal(await page.locator('.inbox-item', { hasText: 'Mi pedido no ha llegado' }).count(), 0, 'not among the open ones');
  assert.equal(await badge(page), before - 1);
  await page.goto(`${fx.server.url}/inbox?status=resolved`);
  await page.locator('.inbox-item', { hasText: 'Mi pedido no ha llegado' }).waitFor();
  await context.close();
});

test('desktop: the formatted message stays in its sandbox and the invoice downloads', async () => {
  const { context, page } = await newPage(fx.browser, { viewport: DESKTOP });
  await login(page, fx.server, ANA.email, ANA.password);
  await page.goto(`${fx.server.url}/inbox?status=all`);
  await submitAndWait(page, page.locator('.inbox-item a', { hasText: 'Factura de octubre duplicada' }));
  await page.locator('details.msg-html summary').click();
  const frame = page.frameLocator('iframe.msg-frame');
  await frame.locator('b', { hasText: 'F-2026-1042' }).waitFor();
  const inFrame = await frame.locator('body').evaluate((b) => ({
    font: getComputedStyle(b).fontFamily,
    images: [...document.images].map((i) => i.getAttribute('src')),
    scripts: document.scripts.length,
  }));
  assert.match(inFrame.font, /system-ui/, 'the frame has its own stylesheet');
  assert.deepEqual(inFrame.images, [null], 'the remote image was held back');
  assert.equal(inFrame.scripts, 0);
  await page.locator('iframe.msg-frame').scrollIntoViewIfNeeded();
  await shot(page, '17-formatted', { fullPage: false });
  // The frame's own document is served under a policy that runs nothing.
  const src = await page.locator('iframe.msg-frame').getAttribute('src');
  const doc = await page.request.get(`${fx.server.url}${src}`);
  assert.match(doc.headers()['content-security-policy'], /sandbox/);
  assert.match(doc.headers()['content-security-policy'], /img-src 'self' data:;/);
  // Asked for, the held-back image is loaded (in the same frame).
  await page.locator('.frame-images a', { hasText: 'Cargarlas' }).click();
  await frame.locator('img[src^="https://"]').waitFor({ state: 'attached' });

  const link = page.locator('ul.files a', { hasText: 'Factura F-2026-1042.pdf' });
  const res = await page.request.get(`${fx.server.url}${await link.getAttribute('href')}`);
  assert.equal(res.status(), 200);
  assert.equal(res.headers()['content-type'], 'application/pdf');
  assert.match(res.headers()['content-disposition'], /^attachment; filename="Factura F-2026-1042.pdf"/);
  assert.ok((await res.body()).subarray(0, 5).equals(Buffer.from('%PDF-')));
  await page.locator('ul.files li', { hasText: 'no se guardó: más de 25 MB' }).waitFor();
  await context.close();
});
