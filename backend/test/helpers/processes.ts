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

/**
 * A Node script of the repo as a child process, resolved once `ready` holds: a URL that
 * answers 200, or a test of its output (a process without HTTP, like the worker).
 */
export async function startNodeProcess(
  script: string,
  env: Record<string, string>,
  ready: string | ((output: string) => boolean),
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
    if (typeof ready === 'function') {
      if (ready(out)) break;
    } else {
      try {
        if ((await fetch(ready)).ok) break;
      } catch {
        // not listening yet
      }
    }
    if (Date.now() > deadline) throw new Error(`${script} did not get ready:\n${out}`);
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

/** A worker process from the build, ready once its processors run (it logs that line). */
export function startWorkerProcess(env: Record<string, string>): Promise<NodeProcess> {
  return startNodeProcess('backend/dist/worker.js', { ...env, LOG_LEVEL: 'log' }, (out) =>
    out.includes('worker started'),
  );
}

export const sharedSecret = () => randomBytes(32).toString('base64');

/** Where `npm test` builds the frontend: never frontend/build, which `npm start` serves. */
export const webBuildDir = process.env.WEB_BUILD_DIR || 'build-test';

/** The built web server (frontend/server.js) serving `webBuildDir` on `env.WEB_PORT`. */
export async function startWebProcess(
  env: Record<string, string> & { WEB_PORT: string },
): Promise<NodeProcess> {
  const build = path.join(root, 'frontend', webBuildDir);
  if (!existsSync(path.join(build, 'handler.js'))) {
    throw new Error(
      `${build} is missing: \`npm test\` builds it, or run \`WEB_BUILD_DIR=${webBuildDir} npm run build\``,
    );
  }
  return startNodeProcess(
    'frontend/server.js',
    { ...env, WEB_BUILD_DIR: webBuildDir },
    `http://127.0.0.1:${env.WEB_PORT}/login`,
  );
}
