// Process and port helpers shared by the dev/CI scripts (Node built-ins only, so they
// run on a fresh clone before `npm ci`).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

export function which(cmd) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, cmd);
    try {
      if (statSync(file).isFile()) {
        return file;
      }
    } catch {
      // not in this PATH entry
    }
  }
  return null;
}

/** Runs a command to completion, handing each output line to `log`; resolves {code, output}. */
export function run(cmd, args, { cwd, env, log = console.log } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
        output += `${line}\n`;
        log(line);
      });
    }
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? 128, signal, output }));
  });
}

export function readInt(file) {
  try {
    const n = Number.parseInt(readFileSync(file, 'utf8'), 10);
    return n > 0 ? n : null;
  } catch {
    return null;
  }
}

/**
 * True when `pid` is alive and runs `program`. A pidfile that outlived a reboot can name
 * an unrelated process, and an exited child stays a zombie until reaped; /proc tells both
 * apart. Without /proc (macOS) the signal-0 probe is all we have.
 */
export function isRunning(pid, program) {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if (err.code !== 'EPERM') return false;
  }
  if (!existsSync('/proc/self')) return true;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(program);
  } catch {
    return false;
  }
}

/** SIGTERM, then SIGKILL if it is still there after `graceMs`; resolves once it is gone. */
export async function stopProcess(pid, program, { graceMs = 15000 } = {}) {
  if (!isRunning(pid, program)) return false;
  process.kill(pid, 'SIGTERM');
  if (await waitFor(() => !isRunning(pid, program), { timeoutMs: graceMs })) return true;
  process.kill(pid, 'SIGKILL');
  if (await waitFor(() => !isRunning(pid, program), { timeoutMs: 5000 })) return true;
  throw new Error(`${program} (pid ${pid}) did not exit after SIGKILL`);
}

/** Polls `check` (sync or async) until truthy; false on timeout. */
export async function waitFor(check, { timeoutMs, intervalMs = 100 }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(intervalMs);
  }
}

/** Whether we could listen on `port`; without `host`, on every interface. */
export function portFree(port, host) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * `preferred` if free, else the next free port above it: a nearby, repeatable choice
 * (6380 next to a system redis on 6379) reads better in logs than a random one.
 */
export async function pickPort(preferred, host) {
  for (let port = preferred; port < Math.min(preferred + 100, 65536); port++) {
    if (await portFree(port, host)) return port;
  }
  throw new Error(`no free port in ${preferred}-${preferred + 99}`);
}

/** Parses a port from an env variable, with a message naming the variable. */
export function envPort(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`${name} must be a port number (1-65535), got "${raw}"`);
  }
  return port;
}
