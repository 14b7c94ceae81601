// The inbox as it happens, against the real IMAP and SMTP servers of .ci/start-mail.sh
// (skipped when VINCULO_TEST_IMAP is not set): an admin connects a mailbox; a customer's
// message arriving in it shows up in an agent's open inbox and raises their unread badge
// without a reload; two agents on the same conversation see each other, and one starting a
// reply warns the other.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { DESKTOP, login, newPage, shot, submitAndWait, useApp } from '../lib/browser.mjs';

const IMAP = process.env.VINCULO_TEST_IMAP;
const SMTP = process.env.VINCULO_TEST_SMTP;
const CA = process.env.VINCULO_TEST_IMAP_CA;
const skip = !(IMAP && SMTP && CA) && 'VINCULO_TEST_IMAP is not set (run .ci/start-mail.sh)';
const fx = useApp({ name: '20-inbox-live', demo: true });
const ANA = { email: 'ana@demo.vinculo.test', password: 'vinculo-demo' };
const CARMEN = { email: 'carmen@demo.vinculo.test', password: 'vinculo-demo' };
const FOLDER = `e2e-live-${Date.now()}`;

/** Runs IMAP commands with Python's imaplib (the test account, STARTTLS, the test CA). */
function imap(script, ...args) {
  const url = new URL(IMAP);
  const prelude = `
import imaplib, ssl, sys
ctx = ssl.create_default_context(cafile=${JSON.stringify(CA)})
m = imaplib.IMAP4(${JSON.stringify(url.hostname)}, ${Number(url.port)})
m.starttls(ssl_context=ctx)
m.login(${JSON.stringify(decodeURIComponent(url.username))}, ${JSON.stringify(decodeURIComponent(url.password))})
`;
  execFileSync('python3', ['-c', prelude + script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

async function badge(page) {
  const b = page.locator('nav#nav a[href="/inbox"] .nav-count');
  return (await b.count()) ? Number(await b.getAttribute('data-unread')) : 0;
}

test('a new message appears live; two agents on one conversation see each other', { skip }, async () => {
  imap(`m.create(${JSON.stringify(FOLDER)})`);
  const url = new URL(IMAP);
  const smtp = new URL(SMTP);
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  const ana = await newPage(fx.browser, { viewport: DESKTOP });
  await login(ana.page, fx.server, ANA.email, ANA.password);
  await ana.page.goto(`${fx.server.url}/settings/mailboxes`);
  const form = ana.page.locator('form[action="/settings/mailboxes"]');
  await form.locator('input[name=name]').fill('Soporte');
  await form.locator('input[name=address]').fill('soporte@demo.vinculo.test');
  await form.locator('input[name=imap_host]').fill(url.hostname);
  await form.locator('input[name=imap_port]').fill(url.port);
  await form.locator('select[name=imap_security]').selectOption('starttls');
  await form.locator('input[name=imap_username]').fill(user);
  await form.locator('input[name=imap_password]').fill(password);
  await form.locator('input[name=folder]').fill(FOLDER);
  await form.locator('input[name=smtp_host]').fill(smtp.hostname);
  await form.locator('input[name=smtp_port]').fill(smtp.port);
  await form.locator('select[name=smtp_security]').selectOption('starttls');
  await form.locator('input[name=smtp_username]').fill(user);
  await form.locator('input[name=smtp_password]').fill(password);
  await form.locator('textarea[name=tls_ca_pem]').fill(readFileSync(CA, 'utf8'));
  const saved = await submitAndWait(ana.page, form.locator('button[type=submit]'));
  assert.ok(saved.ok(), `connecting answered ${saved.status()}`);

  // Carmen watches her inbox; a customer writes.
  const carmen = await newPage(fx.browser, { viewport: DESKTOP });
  await login(carmen.page, fx.server, CARMEN.email, CARMEN.password);
  await carmen.page.goto(`${fx.server.url}/inbox`);
  const before = await badge(carmen.page);
  const subject = `Cambio de talla ${Date.now()}`;
  const raw = [
    'From: =?UTF-8?Q?Sof=C3=ADa_Le=C3=B3n?= <sofia.leon@cliente.test>',
    'To: soporte@demo.vinculo.test',
    `Subject: ${subject}`,
    `Message-ID: <${FOLDER}@cliente.test>`,
    'Date: Mon, 23 Nov 2026 10:00:00 +0100',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    '¿Puedo cambiar la talla del abrigo?',
    '',
  ].join('\r\n');
  imap(`m.append(${JSON.stringify(FOLDER)}, None, None, sys.argv[1].encode())`, raw);
  const row = carmen.page.locator('.inbox-item.unread', { hasText: subject });
  await row.waitFor({ timeout: 30_000 });
  await carmen.page.waitForFunction(
    (n) => Number(document.querySelector('nav#nav a[href="/inbox"] .nav-count')?.dataset.unread) === n,
    before + 1,
    { timeout: 10_000 },
  );
  await shot(carmen.page, '20-live-inbox');

  // Both open it: each sees the other; Ana starts a reply, Carmen is warned.
  await submitAndWait(carmen.page, row.locator('a'));
  await carmen.page.locator('h1', { hasText: subject }).waitFor();
  await ana.page.goto(`${fx.server.url}/inbox?status=all`);
  await submitAndWait(ana.page, ana.page.locator('.inbox-item a', { hasText: subject }));
  await ana.page.locator('#collision', { hasText: 'Carmen Ruiz también tiene abierta esta conversación' }).waitFor();
  await carmen.page.locator('#collision', { hasText: 'Ana Martínez también tiene abierta esta conversación' }).waitFor();
  await ana.page.locator('form#reply textarea[name=body]').fill('Claro, Sofía: ');
  await carmen.page.locator('#collision .replying', { hasText: 'Ana Martínez está escribiendo una respuesta' }).waitFor();
  await shot(carmen.page, '20-collision', { fullPage: false });

  // Ana sends it: Carmen's thread shows it without a reload; Ana leaving clears the warning.
  await ana.page.locator('form#reply textarea[name=body]').fill('Claro, Sofía: le enviamos la talla M.');
  await submitAndWait(ana.page, ana.page.locator('form#reply button[type=submit]'));
  await carmen.page.locator('li.msg-out', { hasText: 'le enviamos la talla M' }).waitFor({ timeout: 15_000 });
  await ana.context.close();
  await carmen.page.locator('#collision').waitFor({ state: 'hidden' });
  await carmen.context.close();
  imap(`m.delete(${JSON.stringify(FOLDER)})`);
});
