#!/usr/bin/env node
// `npm test`: everything CI runs. Local services (started if needed), lint and
// format, type checks, the build, then every vitest tier (unit, integration,
// e2e, browser) against the real MongoDB-wire server and Redis.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { dataDir, repoRoot, servicesUp } from './lib/services.mjs';

const started = Date.now();
const secs = (t) => `${((Date.now() - t) / 1000).toFixed(1)}s`;

function run(name, cmd, args, env = process.env) {
  const t = Date.now();
  console.log(`\n=== ${name}`);
  const res = spawnSync(cmd, args, { cwd: repoRoot, stdio: 'inherit', env });
  if (res.status !== 0) {
    console.error(`=== ${name} failed (exit ${res.status ?? res.signal}) after ${secs(t)}`);
    process.exit(res.status || 1);
  }
  console.log(`=== ${name} ok in ${secs(t)}`);
}

/** The browser tier needs Debian's Chromium; install it like services:up installs Redis. */
function ensureChromium() {
  const bin = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (existsSync(bin)) return;
  if (process.getuid?.() !== 0) {
    console.error(`${bin} is missing: apt-get install -y chromium fonts-liberation (as root)`);
    process.exit(1);
  }
  run('apt-get update', 'apt-get', ['update']);
  run('install chromium', 'apt-get', [
    'install',
    '-y',
    '--no-install-recommends',
    'chromium',
    'fonts-liberation',
  ]);
}

ensureChromium();
const urls = await servicesUp();
// The frontend is built into frontend/build-test, never into frontend/build, which a running
// `npm start` from this clone serves. backend/dist is rebuilt in place: a running api or
// worker loaded its code at start and keeps running it (the cluster tests need the new one).
const env = { ...process.env, ...urls, WEB_BUILD_DIR: 'build-test' };

run('lint (eslint + prettier)', 'npm', ['run', '--silent', 'lint']);
run('typecheck backend', 'npx', ['tsc', '-p', 'backend/tsconfig.json']);
run('typecheck frontend (svelte-check)', 'npm', ['run', '--silent', 'check', '-w', '@connecthub/frontend']);
run('build (frontend into frontend/build-test)', 'npm', ['run', '--silent', 'build'], env);

const report = path.join(dataDir(), 'vitest-report.json');
rmSync(report, { force: true });
const t = Date.now();
console.log('\n=== vitest: unit, integration, e2e, browser');
const res = spawnSync(
  'npx',
  [
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    ...process.argv.slice(2),
  ],
  { cwd: repoRoot, stdio: 'inherit', env },
);
let summary = 'no test report was written';
try {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  summary = `${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`;
} catch {
  // The summary line below says so.
}
console.log(`=== vitest done in ${secs(t)}; total ${secs(started)}`);
console.log(summary);
process.exit(res.status ?? 1);
