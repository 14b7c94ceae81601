// Starts and stops a real `vinculo serve` process on a free loopback port with a fresh
// data directory, so every test file runs against its own empty (or demo) instance.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const E2E_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const SCREENSHOT_DIR = join(E2E_DIR, 'screenshots');

/** The server binary: `$VINCULO_BIN`, else the debug build of the workspace. */
export const VINCULO_BIN = process.env.VINCULO_BIN
  ? resolve(process.env.VINCULO_BIN)
  : resolve(E2E_DIR, '../target/debug/vinculo');

const STARTUP_TIMEOUT_MS = 30_000;
const SETUP_URL_RE = /(https?:\/\/127\.0\.0\.1:\d+\/setup\?token=[A-Za-z0-9_-]+)/;

/** Servers still running, killed on exit in case a test forgot (or crashed before) `stop()`. */
const live = new Set();
function killAll() {
  for (const child of live) {
    try { child.kill('SIGKILL'); } catch { /* already gone */ }
  }
}
process.on('exit', killAll);
for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143]]) {
  process.once(sig, () => { killAll(); process.exit(code); });
}

/** The environment for the child: ours, minus any VINCULO_* setting that would leak in. */
function childEnv() {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('VINCULO_')) delete env[k];
  env.VINCULO_LOG = 'warn,vinculo_web=info';
  return env;
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function assertBinary() {
  if (!existsSync(VINCULO_BIN)) {
    throw new Error(
      `Vinculo binary not found at ${VINCULO_BIN}. Build it first (cargo build -p vinculo) ` +
        'or point VINCULO_BIN at it.',
    );
  }
}

/**
 * Runs `vinculo <args>` to completion (e.g. `user create`), with `input` on stdin.
 * Returns stdout; throws with stderr when the command fails.
 */
export function runCli(args, { input = '', cwd } = {}) {
  assertBinary();
  const r = spawnSync(VINCULO_BIN, args, {
    input,
    cwd: cwd ?? tmpdir(),
    env: childEnv(),
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status !== 0) {
    throw new Error(`vinculo ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stderr}`);
  }
  return r.stdout;
}

/**
 * Starts a server. Options: `demo` (fill the demo workspace), `dataDir` (reuse one, e.g.
 * after `createUser`), `name` (used for the saved server log).
 * Resolves to `{ url, port, dataDir, setupUrl, stderr(), stop() }`; `setupUrl` is set
 * when the data directory had no users yet.
 */
export async function startServer({ demo = false, dataDir, name = 'server' } = {}) {
  assertBinary();
  const ownDir = !dataDir;
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'vinculo-e2e-'));
  let lastError;
  // The free port can be taken between probing and binding; try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    try {
      return await launch({ port, dir, ownDir, demo, name });
    } catch (e) {
      lastError = e;
    }
  }
  if (ownDir) rmSync(dir, { recursive: true, force: true });
  throw lastError;
}

async function launch({ port, dir, ownDir, demo, name }) {
  const url = `http://127.0.0.1:${port}`;
  const args = ['serve', '--listen', `127.0.0.1:${port}`, '--data-dir', dir];
  if (demo) args.push('--demo');
  const child = spawn(VINCULO_BIN, args, {
    cwd: dir, // so no stray ./vinculo.toml is picked up
    env: childEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let log = '';
  child.stdout.on('data', (d) => { log += d; });
  child.stderr.on('data', (d) => { log += d; });
  let exited = null;
  const exitPromise = new Promise((r) => child.on('exit', (code, signal) => {
    exited = { code, signal };
    live.delete(child);
    r(exited);
  }));

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (!exited) {
      child.kill('SIGTERM');
      const t = setTimeout(() => { if (!exited) child.kill('SIGKILL'); }, 5_000);
      await exitPromise;
      clearTimeout(t);
    }
    try {
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      writeFileSync(join(SCREENSHOT_DIR, `${name}.server.log`), log);
    } catch { /* the log is only a diagnostic */ }
    if (ownDir && !process.env.E2E_KEEP_DATA) rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  let healthy = false;
  while (Date.now() < deadline) {
    if (exited) break;
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) { healthy = true; break; }
    } catch { /* not listening yet */ }
    await sleep(100);
  }
  if (!healthy) {
    await stop();
    throw new Error(`vinculo serve did not become healthy on ${url} (exit: ${JSON.stringify(exited)}):\n${log}`);
  }
  // The setup link is printed before the server starts listening, but the pipe may lag.
  let setupUrl;
  for (let i = 0; i < 20 && !setupUrl; i++) {
    setupUrl = log.match(SETUP_URL_RE)?.[1];
    if (!setupUrl) await sleep(50);
  }
  return { url, port, dataDir: dir, setupUrl, stderr: () => log, stop };
}

/**
 * Creates a user with the CLI (the server may be running; SQLite is shared).
 * `vinculo user create` reads the password from stdin.
 */
export function createUser({ dataDir, email, name, role = 'admin', workspace = 'main', password }) {
  return runCli(
    ['user', 'create', '--email', email, '--name', name, '--role', role, '--workspace', workspace, '--data-dir', dataDir],
    { input: `${password}\n` },
  );
}
