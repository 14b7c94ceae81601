// Replying from the inbox through the real SMTP sink of .ci/start-mail.sh (skipped when
// VINCULO_TEST_SMTP is not set): an admin connects a mailbox on it, an agent answers a demo
// conversation with a copy, a file and "mark pending"; the reply shows queued, then sent, and
// the server received it threaded, with the conversation's reference and the signature.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DESKTOP, login, newPage, shot, submitAndWait, useApp } from '../lib/browser.mjs';

const SMTP = process.env.VINCULO_TEST_SMTP;
const CA = process.env.VINCULO_TEST_IMAP_CA;
const SPOOL = process.env.VINCULO_TEST_SMTP_SPOOL;
const skip = !(SMTP && CA && SPOOL) && 'VINCULO_TEST_SMTP is not set (run .ci/start-mail.sh)';
const fx = useApp({ name: '19-reply', demo: true });
const ANA = { email: 'ana@demo.vinculo.test', password: 'vinculo-demo' };

/** The sink's messages holding `needle`. */
function received(needle) {
  return readdirSync(SPOOL)
    .filter((f) => f.endsWith('.eml'))
    .map((f) => readFileSync(join(SPOOL, f), 'utf8'))
    .filter((m) => m.includes(needle));
}

test('an agent answers a conversation and the mail server receives the reply', { skip }, async () => {
  const smtp = new URL(SMTP);
  const user = decodeURIComponent(smtp.username);
  const password = decodeURIComponent(smtp.password);
  const { context, page } = await newPage(fx.browser, { viewport: DESKTOP });
  await login(page, fx.server, ANA.email, ANA.password);

  // The mailbox, through the settings form: replies go out through the sink.
  await page.goto(`${fx.server.url}/settings/mailboxes`);
  const form = page.locator('form[action="/settings/mailboxes"]');
  await form.locator('input[name=name]').fill('Soporte Demo');
  await form.locator('input[name=address]').fill('soporte@demo.vinculo.test');
  await form.locator('input[name=imap_host]').fill(smtp.hostname);
  await form.locator('input[name=imap_port]').fill('10143');
  await form.locator('select[name=imap_security]').selectOption('starttls');
  await form.locator('input[name=imap_username]').fill(user);
  await form.locator('input[name=imap_password]').fill(password);
  await form.locator('input[name=folder]').fill(`e2e-reply-${Date.now()}`);
  await form.locator('input[name=smtp_host]').fill(smtp.hostname);
  await form.locator('input[name=smtp_port]').fill(smtp.port);
  await form.locator('select[name=smtp_security]').selectOption('starttls');
  await form.locator('input[name=smtp_username]').fill(user);
  await form.locator('input[name=smtp_password]').fill(password);
  await form.locator('textarea[name=tls_ca_pem]').fill(readFileSync(CA, 'utf8'));
  await form.locator('textarea[name=signature]').fill('Ana Demo\nAtención al cliente');
  const saved = await submitAndWait(page, form.locator('button[type=submit]'));
  assert.ok(saved.ok(), `connecting answered ${saved.status()}`);

  await page.goto(`${fx.server.url}/inbox?status=all`);
  await submitAndWait(page, page.locator('.inbox-item a', { hasText: 'Factura de octubre duplicada' }));
  const reply = page.locator('form#reply');
  assert.match(await reply.textContent(), /Desde soporte@demo\.vinculo\.test/);
  const token = (await page.locator('.conv-meta code').textContent()).trim();
  const text = `Hola: ya hemos anulado la factura duplicada (${Date.now()}).`;
  await reply.locator('textarea[name=body]').fill(text);
  await reply.locator('summary').click();
  await reply.locator('input[name=cc]').fill('Contabilidad <contabilidad@demo.vinculo.test>');
  await reply.locator('input[name=files]').setInputFiles({
    name: 'abono.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 abono'),
  });
  await reply.locator('select[name=status]').selectOption('pending');
  await shot(page, '19-reply-typed', { fullPage: false });
  const sent = await submitAndWait(page, reply.locator('button[type=submit]'));
  assert.ok(sent.ok(), `sending answered ${sent.status()}: ${await page.locator('.flash').allTextContents()}`);
  await page.locator('.flash.ok', { hasText: 'Respuesta en cola' }).waitFor();
  await page.locator('.conv-meta .badge', { hasText: 'Pendiente' }).waitFor();
  const out = page.locator('li.msg-out', { hasText: 'ya hemos anulado' });
  await out.waitFor();

  // The sender takes it at once: reload until the badge says so.
  for (let i = 0; i < 50 && !(await out.locator('.badge', { hasText: 'Enviado' }).count()); i++) {
    await page.waitForTimeout(200);
    await page.reload();
  }
  await out.locator('.badge', { hasText: 'Enviado' }).waitFor();
  await out.locator('ul.files a', { hasText: 'abono.pdf' }).waitFor();
  await shot(page, '19-reply-sent');

  const got = received(`[#${token}]`).filter((m) => m.includes('abono.pdf'));
  assert.equal(got.length, 1, 'one copy at the server');
  const m = got[0];
  assert.match(m, /^In-Reply-To: <.+>/m);
  assert.match(m, /^References: <.+>/m);
  assert.match(m, /^Subject: .*Factura de octubre duplicada|^Subject: =\?utf-8\?/m);
  assert.match(m, /contabilidad@demo\.vinculo\.test/);
  await context.close();
});
