// The real `jsruntime serve`, started for the browser tests on a free port
// with a throwaway data directory and the built UI, stopped with SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface RunningServer {
  url: string;
  adminToken: string;
  api<T = unknown>(method: string, path: string, token: string, body?: unknown): Promise<T>;
  stop(): Promise<void>;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the browser tests through ctest (make test)`);
  return value;
}

// `flags`: more of `jsruntime serve`'s options (say, --http-allow for a test's own server).
export async function startServer(flags: string[] = []): Promise<RunningServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'jsruntime-ui-'));
  const child: ChildProcess = spawn(required('JSR_BINARY'),
    ['serve', '--listen', '127.0.0.1:0', '--data-dir', dataDir, '--web-dir', required('JSR_WEB_DIR'), '--drain-seconds', '2',
     ...flags],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let url = '';
  let adminToken = '';
  const lines = createInterface({ input: child.stdout! });
  const started = new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`jsruntime serve exited (${code}) before listening`)));
    lines.on('line', (line) => {
      const message = JSON.parse(line) as { token?: string; msg?: string; address?: string };
      if (message.token) adminToken = message.token;
      if (message.msg === 'listening' && message.address) {
        url = message.address;
        resolve();
      }
    });
  });
  await started;
  return {
    url,
    adminToken,
    async api<T>(method: string, path: string, token: string, body?: unknown): Promise<T> {
      const response = await fetch(url + path, {
        method,
        headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
      return (text ? JSON.parse(text) : null) as T;
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

// Polls `probe` until it returns a value (not undefined), or fails after `ms`.
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, ms = 15000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
