import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const supervisor = pathToFileURL(
  path.resolve(import.meta.dirname, '../../../scripts/lib/supervise.mjs'),
).href;

// What `npm start` does with api, worker and web, with idle children and short delays:
// each child prints "<name> <pid>" when it starts; the supervisor stops on SIGTERM.
const driver = `
import { spawn } from 'node:child_process';
import { supervise } from ${JSON.stringify(supervisor)};
const idle = (name) => ({
  name,
  start: () => spawn(process.execPath, ['-e', 'console.log(process.argv[1], process.pid); setInterval(() => {}, 1000)', name], { stdio: ['ignore', 'inherit', 'inherit'] }),
});
const s = supervise([idle('alpha'), idle('beta')], {
  log: (line) => console.log(line),
  initialDelayMs: 200,
  maxDelayMs: 800,
  stableMs: 1500,
});
process.on('SIGTERM', async () => {
  await s.stop();
  console.log('all stopped');
});
`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('scripts/lib/supervise.mjs (npm start)', () => {
  let proc: ChildProcess | undefined;
  let out = '';
  afterEach(() => {
    if (proc?.exitCode === null) proc.kill('SIGKILL');
  });

  const pids = (name: string) =>
    [...out.matchAll(new RegExp(`^${name} (\\d+)$`, 'gm'))].map((m) => Number(m[1]));
  const latest = async (name: string, count: number) => {
    await expect.poll(() => pids(name).length, { timeout: 5000 }).toBeGreaterThanOrEqual(count);
    return pids(name)[count - 1];
  };

  it('restarts a child killed with SIGKILL with growing backoff, reset once it stayed up, and stops all on SIGTERM', async () => {
    out = '';
    proc = spawn(process.execPath, ['--input-type=module', '-e', driver], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stdout?.on('data', (d) => (out += d));
    proc.stderr?.on('data', (d) => (out += d));
    const beta = await latest('beta', 1);
    const alpha1 = await latest('alpha', 1);

    process.kill(alpha1, 'SIGKILL');
    const alpha2 = await latest('alpha', 2);
    expect(out).toMatch(/alpha exited \(signal SIGKILL\) after [\d.]+s; restarting in 0\.2s/);
    expect(alpha2).not.toBe(alpha1);

    // A second quick crash waits twice as long.
    process.kill(alpha2, 'SIGKILL');
    const alpha3 = await latest('alpha', 3);
    expect(out).toMatch(/restarting in 0\.4s/);

    // Up longer than stableMs: back to the first delay.
    await new Promise((r) => setTimeout(r, 1700));
    process.kill(alpha3, 'SIGKILL');
    const alpha4 = await latest('alpha', 4);
    expect(out.match(/restarting in 0\.2s/g)).toHaveLength(2);

    // The other child never noticed.
    expect(pids('beta')).toEqual([beta]);
    expect(alive(beta)).toBe(true);

    const exited = new Promise<number | null>((r) => proc?.once('exit', (code) => r(code)));
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toContain('all stopped');
    expect(alive(beta)).toBe(false);
    expect(alive(alpha4)).toBe(false);
  });
});
