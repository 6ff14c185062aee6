import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../../..');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export interface ApiProcess {
  url: string;
  proc: ChildProcess;
  log: () => string;
  stop: (signal?: NodeJS.Signals) => Promise<void>;
}

/** A real api process from the build (`npm run build`), as production runs it. */
export async function startApiProcess(env: Record<string, string>): Promise<ApiProcess> {
  const main = path.join(root, 'backend/dist/main.js');
  if (!existsSync(main)) throw new Error('backend/dist/main.js is missing: run `npm run build` first');
  const port = await freePort();
  let out = '';
  const proc = spawn(process.execPath, [main], {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout?.on('data', (d) => (out = (out + d).slice(-20_000)));
  proc.stderr?.on('data', (d) => (out = (out + d).slice(-20_000)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`api exited with ${proc.exitCode}:\n${out}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`api did not come up:\n${out}`);
    await new Promise((r) => setTimeout(r, 150));
  }
  return {
    url,
    proc,
    log: () => out,
    stop: async (signal = 'SIGTERM') => {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill(signal);
      await exited;
    },
  };
}

export const sharedSecret = () => randomBytes(32).toString('base64');
