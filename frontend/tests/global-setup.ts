import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

const root = path.resolve(import.meta.dirname, '../..');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function waitFor(url: string, proc: ChildProcess, name: string, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`${name} exited with ${proc.exitCode}:\n${log()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${name} did not come up at ${url}:\n${log()}`);
}

function start(
  name: string,
  script: string,
  env: NodeJS.ProcessEnv,
): { proc: ChildProcess; log: () => string } {
  let out = '';
  const proc = spawn(process.execPath, [script], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout?.on('data', (d) => (out = (out + d).slice(-20_000)));
  proc.stderr?.on('data', (d) => (out = (out + d).slice(-20_000)));
  return { proc, log: () => out };
}

/** The built api and web server, as `npm start` runs them, on free ports with a fresh database. */
export default async function setup(project: TestProject) {
  const { MONGO_URL, REDIS_URL } = process.env;
  if (!MONGO_URL || !REDIS_URL) throw new Error('MONGO_URL and REDIS_URL must be set (npm run services:up)');
  const db = new URL(MONGO_URL);
  db.pathname = `/t_browser_${randomBytes(4).toString('hex')}`;
  const [apiPort, webPort] = [await freePort(), await freePort()];
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const webUrl = `http://127.0.0.1:${webPort}`;
  const api = start('api', 'backend/dist/main.js', {
    ...process.env,
    NODE_ENV: 'test',
    PORT: String(apiPort),
    MONGO_URL: db.toString(),
    REDIS_URL,
    REDIS_KEY_PREFIX: `tb${randomBytes(3).toString('hex')}:`,
    SECRET_KEY: randomBytes(32).toString('base64'),
    PUBLIC_URL: webUrl,
    ARGON2_MEMORY_KIB: '1024',
    LOG_LEVEL: 'warn',
  });
  const web = start('web', 'frontend/server.js', {
    ...process.env,
    WEB_PORT: String(webPort),
    API_URL: apiUrl,
    ORIGIN: webUrl,
  });
  await waitFor(`${apiUrl}/api/health`, api.proc, 'api', api.log);
  await waitFor(`${webUrl}/login`, web.proc, 'web', web.log);
  // Untyped on purpose: a ProvidedContext augmentation would need vitest's types in svelte-check.
  const provide = project.provide.bind(project) as unknown as (key: string, value: string) => void;
  provide('webUrl', webUrl);
  provide('apiUrl', apiUrl);

  return async () => {
    for (const p of [web.proc, api.proc]) p.kill('SIGTERM');
    await Promise.all(
      [web.proc, api.proc].map((p) => (p.exitCode !== null ? null : new Promise((r) => p.once('exit', r)))),
    );
    const { default: mongoose } = await import('mongoose');
    const conn = await mongoose.createConnection(db.toString()).asPromise();
    await conn.dropDatabase();
    await conn.close();
  };
}
