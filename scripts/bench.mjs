#!/usr/bin/env node
// `npm run bench`: chat latency, throughput and memory of the real api, each beside the
// same figure for a bare Socket.IO relay (scripts/bench/relay.mjs, same Socket.IO and
// Redis adapter) measured in the same run, as a ratio. See BENCHMARKS.md.
//
// Only 127.0.0.1; bounded in sockets, messages and time; every process it starts is
// stopped at the end, and its database and Redis keys are removed.
//
//   npm run bench                 print the figures
//   npm run bench -- --write      also put them in BENCHMARKS.md
//
// Knobs (env): BENCH_CLIENTS (50), BENCH_STAFF (2), BENCH_RATE (fixed rate, msg/s),
// BENCH_FIXED_SECONDS (10), BENCH_STEP_SECONDS (5), BENCH_IDLE (500), BENCH_P99_MS (50).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import mongoose from 'mongoose';
import { seedApi } from './bench/api-setup.mjs';
import {
  closeAll,
  connectMany,
  describe,
  fmtMs,
  KEPT_UP_P99_MS,
  Meter,
  stepSearch,
} from './bench/harness.mjs';
import { freePort, killAllNow, measuredRss, startNode, stop, waitHttpOk } from './bench/procs.mjs';
import { measureFlood } from './bench/flood.mjs';
import { measureLoginTiming } from './bench/login-timing.mjs';
import { measureUploads } from './bench/uploads.mjs';
import { repoRoot, servicesDown, servicesStatus, servicesUp } from './lib/services.mjs';

const intEnv = (name, fallback, min, max) => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    console.error(`${name} must be an integer in ${min}..${max}, got "${raw}"`);
    process.exit(2);
  }
  return n;
};

const opts = {
  clients: intEnv('BENCH_CLIENTS', 50, 1, 200),
  staff: intEnv('BENCH_STAFF', 2, 1, 10),
  rate: intEnv('BENCH_RATE', 10, 1, 5000),
  fixedSeconds: intEnv('BENCH_FIXED_SECONDS', 10, 1, 30),
  stepSeconds: intEnv('BENCH_STEP_SECONDS', 5, 1, 15),
  idle: intEnv('BENCH_IDLE', 500, 10, 2000),
  p99Limit: intEnv('BENCH_P99_MS', 50, 1, 10000),
  write: process.argv.includes('--write'),
};
// A 1-2-5 series of rates (msg/s); the cap keeps the run bounded.
const STEP_RATES = [2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000];
const STEP_BUDGET_MS = 75000; // per server
const DRAIN_MS = 15000;
const HARD_LIMIT_MS = 5 * 60000;
const benchFile = path.join(repoRoot, 'BENCHMARKS.md');
const START = '<!-- bench:results:start -->';
const END = '<!-- bench:results:end -->';

const kib = (b) => `${(b / 1024).toFixed(1)} KiB`;
const mib = (b) => `${(b / 2 ** 20).toFixed(1)} MiB`;

const t0 = Date.now();
const log = (msg) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s] ${msg}`);
const logDir = mkdtempSync(path.join(os.tmpdir(), 'connecthub-bench-'));
const cleanups = [];
let cleaning = null;

/** Runs every registered cleanup once, newest first, never throwing. */
function cleanup() {
  cleaning ??= (async () => {
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (err) {
        console.error(`cleanup: ${err.message}`);
      }
    }
  })();
  return cleaning;
}
process.on('exit', killAllNow);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    console.error(`\n${sig}: stopping`);
    cleanup().finally(() => process.exit(130));
  });
}
setTimeout(() => {
  console.error(`bench: still running after ${HARD_LIMIT_MS / 60000} min; giving up`);
  cleanup().finally(() => process.exit(1));
}, HARD_LIMIT_MS).unref();

/** Newest modification time under `dir` (ms). */
function newest(dir) {
  let max = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    max = Math.max(max, entry.isDirectory() ? newest(file) : statSync(file).mtimeMs);
  }
  return max;
}

function ensureBuilt() {
  const main = path.join(repoRoot, 'backend/dist/main.js');
  if (existsSync(main)) {
    if (newest(path.join(repoRoot, 'backend/src')) > statSync(main).mtimeMs) {
      log('note: backend/src has changes newer than backend/dist (npm run build -w @connecthub/backend)');
    }
    return;
  }
  log('backend/dist/main.js is missing: npm run build -w @connecthub/backend');
  const res = spawnSync('npm', ['run', 'build', '-w', '@connecthub/backend'], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
  if (res.status !== 0) throw new Error(`backend build failed (exit ${res.status ?? res.signal})`);
}

/** What the api logged: at LOG_LEVEL=warn every line is a warning, an error or a crash. */
function problemsIn(file) {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  // eslint-disable-next-line no-control-regex
  const plain = text.replace(/\x1b\[[0-9;]*m/g, '');
  return plain.split('\n').filter((l) => l.trim());
}

/**
 * The measurement, identical for both servers: K idle sockets' memory, a warm-up, the
 * fixed-rate phase, then the step search. `auth(i, role)` gives handshake auth.
 */
async function measure(name, { url, proc, staffAuth, clientAuth }) {
  log(`${name}: connecting ${opts.staff} staff and ${opts.clients} client sockets`);
  const staff = await connectMany(
    url,
    Array.from({ length: opts.staff }, (_, i) => staffAuth(i)),
  );
  const clients = await connectMany(
    url,
    Array.from({ length: opts.clients }, (_, i) => clientAuth(i)),
  );
  const sockets = [...staff, ...clients];
  cleanups.push(() => closeAll(sockets));
  const meter = new Meter(clients, staff);

  // Warm-up: proves the pipeline end to end (and that staff sockets joined their rooms).
  await sleep(1000);
  const warm = await meter.run({ rate: 20, durationMs: 2500, graceMs: 5000 });
  log(`${name}: warm-up ${describe(warm)}`);
  if (warm.received === 0) throw new Error(`${name}: no message:new reached a staff socket during warm-up`);
  if (!(await meter.drain(DRAIN_MS))) throw new Error(`${name}: warm-up messages never all arrived`);

  // Memory per idle connection: RSS (after a full GC) before and after K more sockets
  // that do nothing.
  await sleep(1500);
  const before = await measuredRss(proc);
  const idle = await connectMany(
    url,
    Array.from({ length: opts.idle }, (_, i) => clientAuth(i % opts.clients)),
  );
  cleanups.push(() => closeAll(idle));
  await sleep(3000);
  const after = await measuredRss(proc);
  const memory = {
    rssBefore: before.rss,
    rssAfter: after.rss,
    perIdle: (after.rss - before.rss) / opts.idle,
    heapPerIdle: (after.heap - before.heap) / opts.idle,
  };
  log(
    `${name}: RSS ${mib(memory.rssBefore)} -> ${mib(memory.rssAfter)} with ${opts.idle} idle sockets: ` +
      `${kib(memory.perIdle)} each (JS heap + external ${kib(memory.heapPerIdle)})`,
  );
  closeAll(idle);
  await sleep(2000);

  log(`${name}: fixed rate ${opts.rate}/s for ${opts.fixedSeconds}s`);
  const fixed = await meter.run({ rate: opts.rate, durationMs: opts.fixedSeconds * 1000 });
  log(`  ${describe(fixed)}`);
  if (!(await meter.drain(DRAIN_MS))) {
    log(`  backlog did not drain within ${DRAIN_MS / 1000}s`);
    meter.forget();
  }

  log(`${name}: step search, ${opts.stepSeconds}s a step, p99 < ${opts.p99Limit} ms`);
  const search = await stepSearch(meter, {
    rates: STEP_RATES,
    stepMs: opts.stepSeconds * 1000,
    p99LimitMs: opts.p99Limit,
    deadline: Date.now() + STEP_BUDGET_MS,
    drainMs: DRAIN_MS,
    log,
  });
  closeAll(sockets);
  // Let the server finish handling those disconnects before it is asked to stop.
  await sleep(1500);
  return {
    fixed,
    search,
    memory,
    stray: meter.stray,
  };
}

async function benchRelay(env) {
  const port = await freePort();
  const relay = startNode('relay', path.join(repoRoot, 'scripts/bench/relay.mjs'), {
    cwd: repoRoot,
    env: { ...env, PORT: String(port) },
    logFile: path.join(logDir, 'relay.log'),
  });
  cleanups.push(() => stop(relay));
  await waitHttpOk(relay, `http://127.0.0.1:${port}/health`, 15000);
  log(`relay: up (pid ${relay.pid}, port ${port})`);
  const result = await measure('relay', {
    url: `http://127.0.0.1:${port}`,
    proc: relay,
    staffAuth: (i) => ({ role: 'staff', id: `s${i}` }),
    clientAuth: (i) => ({ role: 'client', id: `c${i}` }),
  });
  await stop(relay);
  return result;
}

async function benchApi(env) {
  const port = await freePort();
  const api = startNode('api', path.join(repoRoot, 'backend/dist/main.js'), {
    cwd: repoRoot,
    env: { ...env, PORT: String(port) },
    logFile: path.join(logDir, 'api.log'),
  });
  cleanups.push(() => stop(api));
  const base = `http://127.0.0.1:${port}`;
  await waitHttpOk(api, `${base}/api/health`, 60000);
  log(`api: up (pid ${api.pid}, port ${port}); creating a firm and ${opts.clients} portal clients`);
  const seed = await seedApi(base, { clients: opts.clients });
  const result = await measure('api', {
    url: base,
    proc: api,
    staffAuth: () => ({ token: seed.staffToken }),
    clientAuth: (i) => ({ token: seed.clients[i].token }),
  });
  await measureUploads({ base, proc: api, token: seed.staffToken, log });
  await measureLoginTiming({ base, slug: seed.slug, token: seed.staffToken, log });
  await stop(api);
  return { ...result, exit: api.exitedWith, problems: problemsIn(api.logFile), logFile: api.logFile };
}

// ---------- report ----------

const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? (a / b).toFixed(3) : 'n/a');

/** A rate found by the step search: exact, or a bound when the search ended before it. */
function bound(best, exact, search) {
  if (best === null) {
    const below = search.steps[0]?.rate ?? STEP_RATES[0];
    return { text: `< ${below}/s`, value: null, below };
  }
  return { text: exact ? `${best}/s` : `≥ ${best}/s (${search.stoppedBy})`, value: best, exact };
}
const sustainedRate = (search) => bound(search.best, search.p99Failed, search);
const keptUpRate = (search) => bound(search.keptUp, search.stoppedBy === 'fail', search);

function rateRatio(api, relay) {
  if (relay.value === null) return 'n/a';
  if (api.value === null) return `< ${(api.below / relay.value).toFixed(4)}`;
  const value = (api.value / relay.value).toFixed(4);
  if (api.exact && relay.exact) return `≈ ${value}`;
  if (api.exact) return `≤ ${value}`;
  if (relay.exact) return `≥ ${value}`;
  return 'n/a (both bounds)';
}

function report(api, relay, env) {
  const rows = [
    ['figure', 'api', 'bare relay (ceiling)', 'ratio api/relay'],
    [
      `p50 send→receive @ ${opts.rate} msg/s`,
      fmtMs(api.fixed.p50),
      fmtMs(relay.fixed.p50),
      ratio(api.fixed.p50, relay.fixed.p50),
    ],
    [
      `p99 send→receive @ ${opts.rate} msg/s`,
      fmtMs(api.fixed.p99),
      fmtMs(relay.fixed.p99),
      ratio(api.fixed.p99, relay.fixed.p99),
    ],
    [
      `highest sustained rate, p99 < ${opts.p99Limit} ms`,
      sustainedRate(api.search).text,
      sustainedRate(relay.search).text,
      rateRatio(sustainedRate(api.search), sustainedRate(relay.search)),
    ],
    [
      `highest rate kept up, p99 < ${KEPT_UP_P99_MS / 1000} s`,
      keptUpRate(api.search).text,
      keptUpRate(relay.search).text,
      rateRatio(keptUpRate(api.search), keptUpRate(relay.search)),
    ],
    [
      'memory per idle connection, RSS',
      kib(api.memory.perIdle),
      kib(relay.memory.perIdle),
      ratio(api.memory.perIdle, relay.memory.perIdle),
    ],
    [
      'memory per idle connection, JS heap + external',
      kib(api.memory.heapPerIdle),
      kib(relay.memory.heapPerIdle),
      ratio(api.memory.heapPerIdle, relay.memory.heapPerIdle),
    ],
  ];
  const table = rows.map((r) => `| ${r.join(' | ')} |`);
  table.splice(1, 0, `|${rows[0].map(() => '---').join('|')}|`);

  const steps = (name, r) =>
    r.search.steps
      .map(
        (s) => `- ${name}: ${describe(s)} — ${s.ok ? 'ok' : s.keptUp ? 'p99 over target' : 'falls behind'}`,
      )
      .join('\n');
  return `Measured ${env.date} on ${env.cpus}× ${env.cpuModel}, Node ${env.node}, ${env.mongo}, commit ${env.commit}; load average at start ${env.load}.
${opts.clients} client sockets and ${opts.staff} staff sockets; every message is timed at each staff socket (${opts.staff} samples a message). Fixed-rate phase ${opts.fixedSeconds} s; step search ${opts.stepSeconds} s a step; ${opts.idle} idle sockets for memory.

${table.join('\n')}

Fixed-rate phase: api ${describe(api.fixed)}; relay ${describe(relay.fixed)}.

Step search:
${steps('api', api)}
${steps('relay', relay)}

Memory, after a forced full GC, before → after ${opts.idle} idle sockets: api RSS ${mib(api.memory.rssBefore)} → ${mib(api.memory.rssAfter)}; relay RSS ${mib(relay.memory.rssBefore)} → ${mib(relay.memory.rssAfter)}.`;
}

/** Replaces the results block of BENCHMARKS.md, formatted like `npm run format` would. */
async function writeBenchmarks(text) {
  const current = existsSync(benchFile) ? readFileSync(benchFile, 'utf8') : '';
  const a = current.indexOf(START);
  const b = current.indexOf(END);
  if (a < 0 || b < a) throw new Error(`${benchFile} has no ${START} … ${END} block to fill`);
  let next = `${current.slice(0, a + START.length)}\n\n${text}\n\n${current.slice(b)}`;
  try {
    const prettier = await import('prettier');
    const config = (await prettier.resolveConfig(benchFile)) ?? {};
    next = await prettier.format(next, { ...config, filepath: benchFile });
  } catch (err) {
    log(`note: could not format ${path.basename(benchFile)} with prettier (${err.message})`);
  }
  writeFileSync(benchFile, next);
  log(`wrote the figures into ${path.relative(repoRoot, benchFile)}`);
}

function gitCommit() {
  const res = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' });
  return res.status === 0 ? res.stdout.trim() : 'unknown';
}

// ---------- main ----------

async function main() {
  ensureBuilt();
  // Services this run starts (none were running) are stopped again at the end.
  const was = await servicesStatus();
  const urls = await servicesUp({ log: (line) => log(line) });
  if (was.redis.state === 'stopped' && was.mongo.state === 'stopped') {
    cleanups.push(() => servicesDown({ log: (line) => log(line) }));
  } else if (was.redis.state === 'stopped' || was.mongo.state === 'stopped') {
    log('note: one local service was already running, so both are left running at the end');
  }
  const status = await servicesStatus();
  const runId = randomBytes(4).toString('hex');
  const mongoUrl = new URL(urls.MONGO_URL);
  mongoUrl.pathname = `/bench_${runId}`;
  const prefix = `bn${runId}:`;
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    MONGO_URL: mongoUrl.toString(),
    REDIS_URL: urls.REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    SECRET_KEY: randomBytes(32).toString('base64'),
    ARGON2_MEMORY_KIB: '1024',
    LOG_LEVEL: 'warn',
    LOGIN_RATE_PER_MINUTE: '100000',
    // The login-timing bench plays many clients behind one proxy, each with its own address.
    TRUST_PROXY: 'loopback',
    // Capacity, not abuse: 50 clients far past a person's rate, 10+ sockets per session.
    // The limits themselves are measured by bench/flood.mjs, which starts without these.
    SOCKET_SEND_LIMIT: '100000/100000',
    SOCKET_EVENT_LIMIT: '100000/100000',
    SOCKET_MAX_PER_SESSION: '100000',
    SOCKET_CONNECTS_PER_MINUTE: '100000',
    SOCKET_FIRM_QUEUE: '100000',
  };
  cleanups.push(async () => {
    const conn = await mongoose
      .createConnection(env.MONGO_URL, { serverSelectionTimeoutMS: 5000 })
      .asPromise();
    await conn.dropDatabase();
    await conn.close();
  });
  cleanups.push(async () => {
    const redis = new Redis(urls.REDIS_URL, { maxRetriesPerRequest: 2 });
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
        if (keys.length) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
  });
  const envInfo = {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model?.trim() ?? 'unknown CPU',
    load: os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
    mongo:
      { ferretdb: 'FerretDB v1.24.2 (SQLite)', mongod: 'local mongod' }[status.mongo.kind] ??
      'the database at MONGO_URL',
    commit: gitCommit(),
  };
  log(`run ${runId}: database ${mongoUrl.pathname.slice(1)}, Redis prefix ${prefix}, logs in ${logDir}`);

  const relay = await benchRelay(env);
  const api = await benchApi(env);
  await measureFlood({ env, repoRoot, logDir, log });

  const text = report(api, relay, envInfo);
  console.log(`\n${text}\n`);
  if (relay.stray || api.stray)
    console.log(`stray message:new (unknown or duplicate): api ${api.stray}, relay ${relay.stray}`);
  console.log(`api exit after SIGTERM: ${api.exit}`);
  if (api.problems.length) {
    console.log(`api logged ${api.problems.length} warning/error lines (${api.logFile}); first ones:`);
    for (const line of api.problems.slice(0, 10)) console.log(`  ${line.slice(0, 300)}`);
  } else {
    console.log(`api log: no warnings or errors (${api.logFile})`);
  }
  if (opts.write) await writeBenchmarks(text);
}

let exitCode = 0;
try {
  await main();
} catch (err) {
  console.error(`bench failed: ${err.stack ?? err}`);
  console.error(`logs: ${logDir}`);
  exitCode = 1;
} finally {
  await cleanup();
}
log(`done in ${((Date.now() - t0) / 1000).toFixed(0)}s`);
process.exit(exitCode);
