// Starts the built portal server on a free loopback port with a fresh data directory (SQLite
// database, outbox, signing key) and waits until it is ready. Tests read PORTAL_BASE_URL.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

const repoRoot = path.resolve(__dirname, '..');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

async function waitReady(url: string, deadlineMs: number, exited: () => string | null) {
  const start = Date.now();
  while (Date.now() - start < deadlineMs) {
    const failure = exited();
    if (failure) throw new Error(failure);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`portal server not ready at ${url} after ${deadlineMs} ms`);
}

export default async function globalSetup() {
  const bin = process.env.PORTAL_SERVER_BIN ?? path.join(repoRoot, 'target', 'debug', 'server');
  if (!fs.existsSync(bin)) throw new Error(`portal server binary not found at ${bin}: run cargo leptos build first`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-e2e-'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const logPath = path.join(dataDir, 'server.log');
  const log = fs.openSync(logPath, 'a');
  const child = spawn(bin, ['serve'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: path.join(repoRoot, 'target', 'site'),
      LEPTOS_OUTPUT_NAME: 'portal',
      PORTAL_DATA_DIR: dataDir,
      PORTAL_DATABASE_URL: `sqlite://${path.join(dataDir, 'portal.db')}`,
      PORTAL_OUTBOX_PATH: path.join(dataDir, 'outbox.jsonl'),
      PORTAL_SIGNING_KEY_FILE: path.join(dataDir, 'signing.key'),
      // Every browser test comes from 127.0.0.1; the per-address limit has its own Rust test.
      PORTAL_SIGN_IN_REQUESTS_PER_ADDRESS: '1000',
      RUST_LOG: process.env.RUST_LOG ?? 'info,sqlx=warn',
    },
    stdio: ['ignore', log, log],
  });
  let exitMessage: string | null = null;
  child.on('exit', (code, signal) => {
    exitMessage = `portal server exited (code ${code}, signal ${signal}); log: ${logPath}\n${fs.readFileSync(logPath, 'utf8').slice(-4000)}`;
  });
  await waitReady(`${baseUrl}/readyz`, 120_000, () => exitMessage);
  process.env.PORTAL_BASE_URL = baseUrl;
  process.env.PORTAL_E2E_DATA_DIR = dataDir;
  process.env.PORTAL_E2E_SERVER_PID = String(child.pid);
}
