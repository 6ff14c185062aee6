#!/usr/bin/env node
// `npm start`: local services if needed, a build if the sources moved on, the demo seed
// on first run, then api + worker + web in the foreground until Ctrl-C.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { envPort, portFree } from './lib/proc.mjs';
import { dataDir, loadDevEnv, repoRoot, servicesUp } from './lib/services.mjs';
import { supervise } from './lib/supervise.mjs';

const usage = `usage: npm start
  env: PORT (api, 3000), WEB_PORT (web, 5173), MONGO_URL and REDIS_URL (skip the local
  services when both are set), REDIS_PORT / MONGO_PORT (local service ports), SECRET_KEY,
  PUBLIC_URL`;

const fromRoot = (...parts) => path.join(repoRoot, ...parts);

// What each half of `npm run build` reads; the frontend bundles the backend's contract.
const builds = [
  {
    entry: 'backend/dist/main.js',
    outDir: 'backend/dist',
    inputs: [
      'tsconfig.json',
      'backend/src',
      'backend/package.json',
      'backend/tsconfig.json',
      'backend/tsconfig.build.json',
    ],
  },
  {
    entry: 'frontend/build/index.js',
    outDir: 'frontend/build',
    inputs: [
      'tsconfig.json',
      'backend/src/contract',
      'frontend/src',
      'frontend/static',
      'frontend/package.json',
      'frontend/tsconfig.json',
      'frontend/svelte.config.js',
      'frontend/vite.config.ts',
      'frontend/vite.config.js',
    ],
  },
];

function newestMtime(file) {
  if (!existsSync(file)) return 0;
  const stat = statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(file)) {
    if (entry !== 'node_modules') newest = Math.max(newest, newestMtime(path.join(file, entry)));
  }
  return newest;
}

/**
 * Why a build is due, or null. An output tree counts by its newest file, not its entry
 * point: an incremental tsc rewrites only what changed.
 */
function buildReason() {
  for (const build of builds) {
    if (!existsSync(fromRoot(build.entry))) return `${build.entry} is missing`;
    const newestInput = Math.max(...build.inputs.map((f) => newestMtime(fromRoot(f))));
    if (newestMtime(fromRoot(build.outDir)) < newestInput) return `${build.outDir} is older than its sources`;
  }
  return null;
}

/** Pipes a child's output into ours line by line, tagged with its name. */
function prefixOutput(child, name) {
  const tag = `[${name}]`.padEnd(9);
  for (const [stream, sink] of [
    [child.stdout, process.stdout],
    [child.stderr, process.stderr],
  ]) {
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
      // web already tags its own lines
      sink.write(line.startsWith(`[${name}]`) ? `${line}\n` : `${tag}${line}\n`);
    });
  }
}

function runToEnd(cmd, args, { env, name }) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    prefixOutput(child, name);
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({ ok: code === 0, status: signal ?? `code ${code}`, output }),
    );
  });
}

/**
 * Seeds once per database; the marker remembers which MONGO_URL was seeded and what the
 * seed printed, so later runs can still show the demo credentials.
 */
async function seedOnce(env) {
  const marker = path.join(dataDir(), 'seeded');
  try {
    const previous = JSON.parse(readFileSync(marker, 'utf8'));
    if (previous.mongoUrl === env.MONGO_URL) return previous.output;
  } catch {
    // no marker yet (or an unreadable one): seed; the seed is idempotent
  }
  console.log('start: seeding the demo firm (first run)');
  const result = await runToEnd(process.execPath, ['backend/dist/seed.js'], { env, name: 'seed' });
  if (!result.ok) throw new Error(`the seed failed (${result.status}); its output is above`);
  writeFileSync(
    marker,
    `${JSON.stringify({ mongoUrl: env.MONGO_URL, seededAt: new Date(), output: result.output })}\n`,
  );
  return result.output;
}

async function answers(url) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return res.status < 500;
  } catch {
    return false;
  }
}

function banner(seedOutput, port, webPort) {
  // Everything the seed printed after its first line: logins, then one line per demo client.
  const credentials = seedOutput
    .split('\n')
    .slice(1)
    .filter((line) => line.trim() !== '')
    .map((line) => `    ${line.trimEnd()}`);
  return [
    '',
    'ConnectHub is running:',
    `  staff app     http://localhost:${webPort}`,
    `  demo portal   http://localhost:${webPort}/@demo`,
    `  API docs      http://localhost:${port}/api/docs`,
    credentials.length ? '  demo credentials (from the seed):' : '  demo credentials: see README.md',
    ...credentials,
    'Ctrl-C stops api, worker and web; MongoDB and Redis keep running (`npm run services:down`).',
    '',
  ].join('\n');
}

async function main() {
  const args = process.argv.slice(2);
  if (args.includes('-h') || args.includes('--help')) {
    console.log(usage);
    return 0;
  }
  if (args.length) {
    console.error(`start: unexpected argument ${args[0]}\n${usage}`);
    return 2;
  }
  const port = envPort('PORT', 3000);
  const webPort = envPort('WEB_PORT', 5173);
  if (port === webPort) throw new Error(`PORT and WEB_PORT are both ${port}; they must differ`);
  for (const [name, p] of [
    ['PORT', port],
    ['WEB_PORT', webPort],
  ]) {
    if (!(await portFree(p))) throw new Error(`port ${p} is in use; free it or set ${name}`);
  }

  if (!(process.env.MONGO_URL && process.env.REDIS_URL)) {
    await servicesUp({ log: (line) => console.log(`services: ${line}`) });
  }
  const env = {
    ...process.env,
    ...loadDevEnv(),
    PORT: String(port),
    WEB_PORT: String(webPort),
    PUBLIC_URL: process.env.PUBLIC_URL || `http://localhost:${webPort}`,
    // Always frontend/build (what `builds` checks); WEB_BUILD_DIR is for the test run's copy.
    WEB_BUILD_DIR: 'build',
  };

  const reason = buildReason();
  if (reason) {
    console.log(`start: building (${reason})`);
    const build = await runToEnd('npm', ['run', 'build'], { env, name: 'build' });
    if (!build.ok) throw new Error(`npm run build failed (${build.status})`);
  }
  const seedOutput = await seedOnce(env);

  const node = (name, script, extraEnv = {}) => ({
    name,
    start: () => {
      const child = spawn(process.execPath, [script], {
        cwd: repoRoot,
        env: { ...env, ...extraEnv },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      prefixOutput(child, name);
      return child;
    },
  });
  // A crashed child is restarted (with backoff) and the others keep running; only a signal
  // stops them all.
  const supervisor = supervise(
    [
      node('api', 'backend/dist/main.js'),
      node('worker', 'backend/dist/worker.js'),
      node('web', 'frontend/server.js', { API_URL: `http://127.0.0.1:${port}` }),
    ],
    { log: (line) => console.error(`start: ${line}`) },
  );
  let stopping = false;
  const stopped = new Promise((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM']) {
      process.on(signal, () => {
        // A second Ctrl-C means "now": the supervisor sends SIGKILL.
        stopping = true;
        resolve(supervisor.stop());
      });
    }
  });

  const deadline = Date.now() + 90000;
  while (!stopping && Date.now() < deadline) {
    const ready = await Promise.all([
      answers(`http://127.0.0.1:${port}/api/health`),
      answers(`http://127.0.0.1:${webPort}/`),
    ]);
    if (ready.every(Boolean)) break;
    await sleep(500);
  }
  if (!stopping) {
    if (Date.now() >= deadline)
      console.error('start: api or web still not answering after 90s; the URLs below may not work yet');
    console.log(banner(seedOutput, port, webPort));
  }

  await stopped;
  console.log('start: stopped; MongoDB and Redis are still running (`npm run services:down` stops them)');
  return 0;
}

try {
  process.exitCode = await main();
} catch (err) {
  console.error(`start: ${err.message}`);
  process.exitCode = 1;
}
