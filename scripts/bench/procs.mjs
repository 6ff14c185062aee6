// Child processes for the benchmark: started on 127.0.0.1, logged to a file, always
// stopped (a registry of live children is killed on exit, whatever the reason).
import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const live = new Set();

/** A free TCP port on 127.0.0.1 (the OS picks it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1' }, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const gcHook = pathToFileURL(fileURLToPath(new URL('./gc-hook.mjs', import.meta.url))).href;

/**
 * Starts `node --expose-gc --import gc-hook.mjs <script>` with `env` and an IPC channel
 * (see measuredRss), stdout and stderr appended to `logFile`.
 * Returns {name, pid, child, exited: Promise, exitedWith, logFile}.
 */
export function startNode(name, script, { env, cwd, logFile }) {
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, ['--expose-gc', '--import', gcHook, script], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  const proc = { name, pid: child.pid, child, logFile, exitedWith: null };
  proc.exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      proc.exitedWith = signal ?? `code ${code}`;
      live.delete(proc);
      resolve(proc.exitedWith);
    });
    child.once('error', (err) => {
      proc.exitedWith = `could not start: ${err.message}`;
      live.delete(proc);
      resolve(proc.exitedWith);
    });
  });
  live.add(proc);
  return proc;
}

/** Polls `url` until it answers 200; throws if the process exits or `timeoutMs` passes. */
export async function waitHttpOk(proc, url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitedWith) throw new Error(`${proc.name} exited (${proc.exitedWith}); see ${proc.logFile}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(
    `${proc.name} did not answer 200 on ${url} within ${timeoutMs / 1000}s; see ${proc.logFile}`,
  );
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
export async function stop(proc, graceMs = 10000) {
  if (proc.exitedWith) return;
  proc.child.kill('SIGTERM');
  const timer = sleep(graceMs).then(() => 'timeout');
  if ((await Promise.race([proc.exited, timer])) === 'timeout') {
    proc.child.kill('SIGKILL');
    await proc.exited;
  }
}

/** Last resort (process 'exit' handler): SIGKILL whatever is still running, synchronously. */
export function killAllNow() {
  for (const proc of live) {
    try {
      proc.child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

let gcRequests = 0;

/**
 * Has the child run a full GC (gc-hook.mjs), then reads its RSS from /proc.
 * Resolves {rss, heap} in bytes (heap: V8 heap used plus external memory, buffers included).
 */
export function measuredRss(proc, timeoutMs = 10000) {
  const id = ++gcRequests;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.child.off('message', onMessage);
      reject(new Error(`${proc.name} did not answer the GC request within ${timeoutMs / 1000}s`));
    }, timeoutMs);
    const onMessage = (msg) => {
      if (msg?.type !== 'bench:gc' || msg.id !== id) return;
      clearTimeout(timer);
      proc.child.off('message', onMessage);
      resolve({ rss: rssBytes(proc.pid), heap: msg.memory.heapUsed + msg.memory.external });
    };
    proc.child.on('message', onMessage);
    proc.child.send({ type: 'bench:gc', id });
  });
}

/** Resident set size of `pid` in bytes (Linux /proc). */
export function rssBytes(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!kib) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(kib[1]) * 1024;
}

/**
 * CPU time `pid` has used so far, in seconds (user + system, /proc/<pid>/stat). Linux
 * reports it in clock ticks, 100 a second on every common configuration.
 */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces: count the fields after its ")".
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
