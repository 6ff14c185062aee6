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

export interface NodeProcess {
  proc: ChildProcess;
  log: () => string;
  stop: (signal?: NodeJS.Signals) => Promise<void>;
}

export interface ApiProcess extends NodeProcess {
  url: string;
}

/** A Node script of the repo as a child process, resolved once `readyUrl` answers 200. */
export async function startNodeProcess(
  script: string,
  env: Record<string, string>,
  readyUrl: string,
): Promise<NodeProcess> {
  const file = path.join(root, script);
  if (!existsSync(file)) throw new Error(`${script} is missing: run \`npm run build\` first`);
  let out = '';
  const proc = spawn(process.execPath, [file], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout?.on('data', (d) => (out = (out + d).slice(-20_000)));
  proc.stderr?.on('data', (d) => (out = (out + d).slice(-20_000)));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`${script} exited with ${proc.exitCode}:\n${out}`);
    try {
      if ((await fetch(readyUrl)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${script} did not answer ${readyUrl}:\n${out}`);
    await new Promise((r) => setTimeout(r, 150));
  }
  return {
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

/** A real api process from the build (`npm run build`), as production runs it. */
export async function startApiProcess(env: Record<string, string>): Promise<ApiProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const node = await startNodeProcess(
    'backend/dist/main.js',
    { LOG_LEVEL: 'warn', ...env, PORT: String(port) },
    `${url}/api/health`,
  );
  return { ...node, url };
}

export const sharedSecret = () => randomBytes(32).toString('base64');
