// Starts the built portal server on a free loopback port with a fresh data directory (SQLite
// database, outbox, signing key) and waits until it answers /readyz.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

const repoRoot = path.resolve(__dirname, '..');

export interface Portal {
  baseUrl: string;
  dataDir: string;
  pid: number;
  stop(): Promise<void>;
}

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

/** Stops a server by process id: SIGTERM (graceful), then SIGKILL after 5 s. */
export async function stopPid(pid: number) {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return; // already gone
  }
  for (let i = 0; i < 50; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  process.kill(pid, 'SIGKILL');
}

export async function startPortal(extraEnv: Record<string, string> = {}): Promise<Portal> {
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
      ...extraEnv,
    },
    stdio: ['ignore', log, log],
  });
  let exitMessage: string | null = null;
  child.on('exit', (code, signal) => {
    exitMessage = `portal server exited (code ${code}, signal ${signal}); log: ${logPath}\n${fs.readFileSync(logPath, 'utf8').slice(-4000)}`;
  });
  const start = Date.now();
  for (;;) {
    if (exitMessage) throw new Error(exitMessage);
    if (Date.now() - start > 120_000) throw new Error(`portal server not ready at ${baseUrl} after 120 s; log: ${logPath}`);
    try {
      if ((await fetch(`${baseUrl}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const pid = child.pid!;
  return { baseUrl, dataDir, pid, stop: () => stopPid(pid) };
}
