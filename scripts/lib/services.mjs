// Local Redis and MongoDB-wire server for dev and CI (see ARCHITECTURE.md, "Runtime").
// Everything lives under .data/ (CONNECTHUB_DATA_DIR overrides it, e.g. to run a second
// set of services beside the usual one); pidfiles record what `up` started so `down`
// stops exactly that and nothing else.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { envPort, isRunning, pickPort, readInt, run, stopProcess, waitFor, which } from './proc.mjs';
import { mongoPing, redisPing } from './wire.mjs';

export const repoRoot = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
const ferretSource = path.join(repoRoot, 'scripts', 'ferretdb');
const redisUrl = (port) => `redis://127.0.0.1:${port}`;
const mongoUrl = (port) => `mongodb://127.0.0.1:${port}/connecthub`;

/** Absolute path of .data/ (or of CONNECTHUB_DATA_DIR). */
export const dataDir = () => path.resolve(repoRoot, process.env.CONNECTHUB_DATA_DIR || '.data');

function paths() {
  const data = dataDir();
  const redisDir = path.join(data, 'redis');
  return {
    data,
    envFile: path.join(data, 'services.env'),
    secretFile: path.join(data, 'secret.key'),
    ferretBin: path.join(data, 'bin', 'ferretdb'),
    redis: {
      name: 'redis',
      program: 'redis-server',
      dir: redisDir,
      pidfile: path.join(redisDir, 'redis.pid'),
      portfile: path.join(redisDir, 'redis.port'),
      logfile: path.join(redisDir, 'redis.log'),
    },
    ferretdb: {
      name: 'ferretdb',
      program: 'ferretdb',
      dir: path.join(data, 'ferretdb'),
      pidfile: path.join(data, 'ferretdb.pid'),
      portfile: path.join(data, 'ferretdb.port'),
      logfile: path.join(data, 'ferretdb.log'),
    },
    mongod: {
      name: 'mongod',
      program: 'mongod',
      dir: path.join(data, 'mongod'),
      pidfile: path.join(data, 'mongod.pid'),
      portfile: path.join(data, 'mongod.port'),
      logfile: path.join(data, 'mongod.log'),
    },
  };
}

// Repo-relative when inside the repo (the usual case), absolute otherwise.
export function rel(file) {
  const relative = path.relative(repoRoot, file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative || '.';
}

function readEnvFile(file) {
  const env = {};
  if (!existsSync(file)) return env;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0 && !line.startsWith('#')) env[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return env;
}

function logTail(file, fromByte) {
  try {
    const text = readFileSync(file).subarray(fromByte).toString('utf8').trimEnd();
    return text.split('\n').slice(-20).join('\n');
  } catch {
    return '';
  }
}

const fileSize = (file) => (existsSync(file) ? statSync(file).size : 0);

/**
 * The instance a previous `up` started, if its process is alive; `answers` says whether
 * it responds on its recorded port (a wedged one is reported, not silently replaced).
 */
async function recorded(svc, ping) {
  const pid = readInt(svc.pidfile);
  if (!isRunning(pid, svc.program)) return null;
  const port = readInt(svc.portfile);
  return { pid, port, answers: port !== null && (await ping(port)) };
}

/** The dev SECRET_KEY (32 random bytes, base64), created on first use. */
export function ensureSecretKey() {
  const { data, secretFile } = paths();
  mkdirSync(data, { recursive: true });
  try {
    // 'wx' so two scripts starting at once cannot each write a different key.
    writeFileSync(secretFile, `${randomBytes(32).toString('base64')}\n`, {
      flag: 'wx',
      mode: 0o600,
    });
  } catch (err) {
    if (err.code !== 'EEXIST') throw err;
  }
  return readFileSync(secretFile, 'utf8').trim();
}

/**
 * MONGO_URL, REDIS_URL (from the last `up`) and SECRET_KEY (the dev key), each overridden
 * by the process environment when set there.
 */
export function loadDevEnv() {
  const fromFile = readEnvFile(paths().envFile);
  return {
    MONGO_URL: process.env.MONGO_URL || fromFile.MONGO_URL,
    REDIS_URL: process.env.REDIS_URL || fromFile.REDIS_URL,
    SECRET_KEY: process.env.SECRET_KEY || ensureSecretKey(),
  };
}

async function ensureRedisServer(log) {
  const found = which('redis-server');
  if (found) return found;
  const hint =
    'install redis-server (Debian: apt-get install redis-server, macOS: brew install redis) or set REDIS_URL';
  if (!which('apt-get')) throw new Error(`redis-server is not on PATH; ${hint}`);
  if (process.getuid?.() !== 0)
    throw new Error(`redis-server is not on PATH and installing it needs root; ${hint}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', 'redis-server']]) {
    log(`redis: redis-server is not on PATH, running: apt-get ${args.join(' ')}`);
    const { code } = await run('apt-get', args, {
      env,
      log: (line) => log(`redis: apt-get: ${line}`),
    });
    if (code !== 0) throw new Error(`apt-get ${args[0]} failed (exit ${code}); ${hint}`);
  }
  const installed = which('redis-server');
  if (!installed) throw new Error('apt-get installed redis-server but it is still not on PATH');
  return installed;
}

async function redisUp(p, wanted, log) {
  const svc = p.redis;
  const existing = await recorded(svc, redisPing);
  if (existing) {
    if (!existing.answers) {
      throw new Error(
        `redis (pid ${existing.pid}) is running but does not answer PING on port ${existing.port}; ` +
          `see ${rel(svc.logfile)}, or run \`npm run services:down\` and retry`,
      );
    }
    log(`redis: already running (pid ${existing.pid}, port ${existing.port})`);
    if (existing.port !== wanted && process.env.REDIS_PORT) {
      log(`redis: REDIS_PORT=${wanted} ignored while it runs; \`npm run services:down\` first to move it`);
    }
    return redisUrl(existing.port);
  }

  const bin = await ensureRedisServer(log);
  const port = await pickPort(wanted, '127.0.0.1');
  if (port !== wanted) log(`redis: port ${wanted} is taken by something else, using ${port}`);
  mkdirSync(svc.dir, { recursive: true });
  rmSync(svc.pidfile, { force: true });
  const logFrom = fileSize(svc.logfile);
  const args = [
    '--bind',
    '127.0.0.1',
    '--port',
    String(port),
    '--daemonize',
    'yes',
    '--pidfile',
    svc.pidfile,
    '--logfile',
    svc.logfile,
    // Keep dev data (sessions, queues, per-conversation counters) across restarts,
    // losing at most about a second of writes on a crash.
    '--dir',
    svc.dir,
    '--appendonly',
    'yes',
    '--appendfsync',
    'everysec',
  ];
  const { code } = await run(bin, args, { log: (line) => log(`redis: ${line}`) });
  const up =
    code === 0 &&
    (await waitFor(async () => isRunning(readInt(svc.pidfile), svc.program) && redisPing(port), {
      timeoutMs: 15000,
    }));
  if (!up) {
    throw new Error(`redis-server did not come up on port ${port}:\n${logTail(svc.logfile, logFrom)}`);
  }
  writeFileSync(svc.portfile, `${port}\n`);
  log(`redis: started (pid ${readInt(svc.pidfile)}, port ${port}, data in ${rel(svc.dir)})`);
  return redisUrl(port);
}

/** Builds the FerretDB binary when it is missing or older than its Go sources. */
async function ensureFerretdb(p, log) {
  const sources = ['go.mod', 'go.sum', 'main.go'].map((f) => path.join(ferretSource, f));
  const newestSource = Math.max(...sources.map((f) => statSync(f).mtimeMs));
  if (existsSync(p.ferretBin) && statSync(p.ferretBin).mtimeMs >= newestSource) return p.ferretBin;

  const go = which('go');
  if (!go) {
    throw new Error(
      'no MongoDB-wire server: set MONGO_URL, put mongod on PATH, or install Go >= 1.24 so FerretDB can be built',
    );
  }
  log(
    `ferretdb: building ${rel(p.ferretBin)} from scripts/ferretdb (the first build downloads modules, allow a few minutes)`,
  );
  mkdirSync(path.dirname(p.ferretBin), { recursive: true });
  // Build beside the target and rename, so an interrupted build never leaves a truncated
  // binary that looks newer than its sources.
  const tmp = `${p.ferretBin}.tmp-${process.pid}`;
  // -mod=mod lets go fill in go.sum entries instead of refusing to build.
  const env = { ...process.env, GOFLAGS: '-mod=mod' };
  const goLog = (line) => log(`ferretdb: go: ${line}`);
  const started = Date.now();
  let result = await run(go, ['build', '-o', tmp, '.'], { cwd: ferretSource, env, log: goLog });
  if (result.code !== 0 && /invalid reference to|go:linkname|checklinkname/.test(result.output)) {
    log(
      'ferretdb: the link failed on a //go:linkname into the Go runtime that this Go release forbids ' +
        '(a FerretDB dependency does it); retrying with -ldflags=-checklinkname=0',
    );
    result = await run(go, ['build', '-ldflags=-checklinkname=0', '-o', tmp, '.'], {
      cwd: ferretSource,
      env,
      log: goLog,
    });
  }
  if (result.code !== 0) {
    rmSync(tmp, { force: true });
    throw new Error(`go build of scripts/ferretdb failed (exit ${result.code}); its output is above`);
  }
  renameSync(tmp, p.ferretBin);
  log(`ferretdb: built in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return p.ferretBin;
}

/**
 * Starts a server in its own process group with output to its log file, so it outlives
 * this script, and waits until it answers `ping`.
 */
async function startDetached(svc, bin, args, port, log) {
  mkdirSync(svc.dir, { recursive: true });
  const logFrom = fileSize(svc.logfile);
  const out = openSync(svc.logfile, 'a');
  const child = spawn(bin, args, { cwd: repoRoot, detached: true, stdio: ['ignore', out, out] });
  closeSync(out);
  let exited = null;
  child.once('exit', (code, signal) => (exited = `exited with ${signal ?? `code ${code}`}`));
  child.once('error', (err) => (exited = `could not start: ${err.message}`));
  child.unref();
  if (child.pid) writeFileSync(svc.pidfile, `${child.pid}\n`);

  const up = await waitFor(async () => exited !== null || mongoPing(port), {
    timeoutMs: 60000,
    intervalMs: 200,
  });
  if (!up || exited !== null) {
    if (child.pid && exited === null) await stopProcess(child.pid, svc.program, { graceMs: 5000 });
    rmSync(svc.pidfile, { force: true });
    const why = exited ?? 'did not answer ping within 60s';
    throw new Error(`${svc.name} ${why} (port ${port}):\n${logTail(svc.logfile, logFrom)}`);
  }
  writeFileSync(svc.portfile, `${port}\n`);
  log(
    `${svc.name}: started (pid ${child.pid}, port ${port}, data in ${rel(svc.dir)}, log ${rel(svc.logfile)})`,
  );
}

async function mongoUp(p, wanted, log) {
  // Either kind may be running from an earlier `up` (say mongod was installed since).
  for (const svc of [p.mongod, p.ferretdb]) {
    const existing = await recorded(svc, mongoPing);
    if (!existing) continue;
    if (!existing.answers) {
      throw new Error(
        `${svc.name} (pid ${existing.pid}) is running but does not answer on port ${existing.port}; ` +
          `see ${rel(svc.logfile)}, or run \`npm run services:down\` and retry`,
      );
    }
    log(`${svc.name}: already running (pid ${existing.pid}, port ${existing.port})`);
    if (existing.port !== wanted && process.env.MONGO_PORT) {
      log(
        `${svc.name}: MONGO_PORT=${wanted} ignored while it runs; \`npm run services:down\` first to move it`,
      );
    }
    return mongoUrl(existing.port);
  }

  const mongod = which('mongod');
  const svc = mongod ? p.mongod : p.ferretdb;
  const bin = mongod ?? (await ensureFerretdb(p, log));
  const port = await pickPort(wanted, '127.0.0.1');
  if (port !== wanted) log(`${svc.name}: port ${wanted} is taken by something else, using ${port}`);
  const args = mongod
    ? ['--dbpath', svc.dir, '--bind_ip', '127.0.0.1', '--port', String(port)]
    : ['-listen', `127.0.0.1:${port}`, '-dir', svc.dir];
  await startDetached(svc, bin, args, port, log);
  return mongoUrl(port);
}

/**
 * Ensures Redis and a MongoDB-wire server are up (reusing ours when they already run,
 * honouring REDIS_URL / MONGO_URL when set) and records both URLs in .data/services.env.
 */
export async function servicesUp({ log = console.log } = {}) {
  const p = paths();
  // Read before starting anything, so a typo cannot leave one service half set up.
  const redisPort = envPort('REDIS_PORT', 6379);
  const mongoPort = envPort('MONGO_PORT', 27017);
  mkdirSync(p.data, { recursive: true });
  ensureSecretKey();
  // In parallel: on a fresh machine that overlaps apt-get with the FerretDB build.
  const [redis, mongo] = await Promise.allSettled([
    process.env.REDIS_URL || redisUp(p, redisPort, log),
    process.env.MONGO_URL || mongoUp(p, mongoPort, log),
  ]);
  for (const result of [redis, mongo]) if (result.status === 'rejected') throw result.reason;
  const urls = { MONGO_URL: mongo.value, REDIS_URL: redis.value };
  writeFileSync(p.envFile, `MONGO_URL=${urls.MONGO_URL}\nREDIS_URL=${urls.REDIS_URL}\n`);
  return urls;
}

/** Stops whatever `up` started, by pidfile; a no-op when nothing runs. */
export async function servicesDown({ log = console.log } = {}) {
  const p = paths();
  let stopped = 0;
  for (const svc of [p.redis, p.ferretdb, p.mongod]) {
    const pid = readInt(svc.pidfile);
    if (pid === null) continue;
    if (await stopProcess(pid, svc.program)) {
      log(`${svc.name}: stopped (pid ${pid})`);
      stopped++;
    } else {
      log(`${svc.name}: was not running (removed stale ${rel(svc.pidfile)})`);
    }
    rmSync(svc.pidfile, { force: true });
    rmSync(svc.portfile, { force: true });
  }
  rmSync(p.envFile, { force: true });
  if (stopped === 0) log('services: nothing was running');
}

/**
 * {redis, mongo}, each {state: "external"|"running"|"unresponsive"|"stopped", url?, pid?,
 * port?, kind?}.
 */
export async function servicesStatus() {
  const p = paths();
  const describe = async (svc, ping, url) => {
    const found = await recorded(svc, ping);
    if (!found) return null;
    return {
      state: found.answers ? 'running' : 'unresponsive',
      kind: svc.name,
      pid: found.pid,
      port: found.port,
      url: found.answers ? url(found.port) : undefined,
    };
  };
  const redis = process.env.REDIS_URL
    ? { state: 'external', url: process.env.REDIS_URL }
    : await describe(p.redis, redisPing, redisUrl);
  const mongo = process.env.MONGO_URL
    ? { state: 'external', url: process.env.MONGO_URL }
    : ((await describe(p.mongod, mongoPing, mongoUrl)) ?? (await describe(p.ferretdb, mongoPing, mongoUrl)));
  return { redis: redis ?? { state: 'stopped' }, mongo: mongo ?? { state: 'stopped' } };
}
