import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import mongoose from 'mongoose';
import { freePort } from './processes.js';

const root = path.resolve(import.meta.dirname, '../../..');

/**
 * A Redis or database process of one test file alone, so a test can kill and restart it
 * without touching the shared services other files run against. Its port and its data
 * directory stay the same across restarts (the data is what a restart must keep).
 */
export interface ServiceProcess {
  url: string;
  port: number;
  dir: string;
  log: () => string;
  /** Ends the process (SIGKILL by default: a crash, not a shutdown) and waits for the exit. */
  stop: (signal?: NodeJS.Signals) => Promise<void>;
  /** Starts it again on the same port and directory and waits until it answers. */
  start: () => Promise<void>;
  /** stop, then start after `downMs` (the outage the clients see). */
  restart: (downMs?: number, signal?: NodeJS.Signals) => Promise<void>;
  /** Stops it for good and deletes its directory. */
  dispose: () => Promise<void>;
}

async function waitUntil(ready: () => Promise<boolean>, what: string, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`${what} did not come up:\n${log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function serviceProcess(
  name: string,
  port: number,
  dir: string,
  url: string,
  spawnIt: () => ChildProcess,
  ready: () => Promise<boolean>,
): ServiceProcess {
  let proc: ChildProcess | undefined;
  let out = '';
  const log = () => out;
  const stop = async (signal: NodeJS.Signals = 'SIGKILL') => {
    const p = proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill(signal);
    await exited;
  };
  const start = async () => {
    const p = spawnIt();
    proc = p;
    p.stdout?.on('data', (d) => (out = (out + d).slice(-20_000)));
    p.stderr?.on('data', (d) => (out = (out + d).slice(-20_000)));
    await waitUntil(
      async () => {
        if (p.exitCode !== null) throw new Error(`${name} exited with ${p.exitCode}:\n${out}`);
        return ready();
      },
      name,
      log,
    );
  };
  return {
    url,
    port,
    dir,
    log,
    stop,
    start,
    restart: async (downMs = 0, signal) => {
      await stop(signal);
      if (downMs) await new Promise((r) => setTimeout(r, downMs));
      await start();
    },
    dispose: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function redisAnswers(url: string): Promise<boolean> {
  const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/**
 * redis-server (Debian's) on a free port with the append-only file on, as production runs
 * it (docker-compose.yml): a restart keeps sessions, presence and queued jobs.
 */
export async function startRedis(): Promise<ServiceProcess> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'ch-redis-'));
  const url = `redis://127.0.0.1:${port}`;
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''];
  const svc = serviceProcess(
    'redis-server',
    port,
    dir,
    url,
    () => spawn('redis-server', [...args, '--appendonly', 'yes'], { stdio: ['ignore', 'pipe', 'pipe'] }),
    () => redisAnswers(url),
  );
  await svc.start();
  return svc;
}

/** The FerretDB build `npm run services:up` caches (scripts/lib/services.mjs). */
function ferretBinary(): string {
  const bin = path.resolve(root, process.env.CONNECTHUB_DATA_DIR || '.data', 'bin', 'ferretdb');
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`npm run services:up\` to build it`);
  return bin;
}

async function mongoAnswers(url: string): Promise<boolean> {
  try {
    const conn = await mongoose.createConnection(url, { serverSelectionTimeoutMS: 500 }).asPromise();
    await conn.db?.admin().ping();
    await conn.close();
    return true;
  } catch {
    return false;
  }
}

/** FerretDB (scripts/ferretdb) on a free port with its own SQLite directory. */
export async function startFerret(): Promise<ServiceProcess> {
  const bin = ferretBinary();
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'ch-ferret-'));
  const url = `mongodb://127.0.0.1:${port}/faults`;
  const svc = serviceProcess(
    'ferretdb',
    port,
    dir,
    url,
    () =>
      spawn(bin, ['-listen', `127.0.0.1:${port}`, '-dir', dir], {
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    () => mongoAnswers(url),
  );
  await svc.start();
  return svc;
}
