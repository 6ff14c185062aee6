// Keeps a set of long-running child processes up (`npm start`'s api, worker and web).
// CONVENTIONS.md 15: whatever starts several processes restarts a crashed one instead of
// stopping the rest.

const seconds = (ms) => `${(ms / 1000).toFixed(1)}s`;

/**
 * Starts every child and restarts any that exits, after a delay that doubles with each
 * quick crash (`initialDelayMs` up to `maxDelayMs`) so a child that cannot start does not
 * spin, and falls back to `initialDelayMs` once it has stayed up `stableMs`. Only `stop()`
 * ends them: SIGTERM (SIGKILL on a second call, or after `killAfterMs`); it resolves once
 * every child has exited.
 *
 * @param {{ name: string, start: () => import('node:child_process').ChildProcess }[]} children
 * @param {{ log?: (line: string) => void, initialDelayMs?: number, maxDelayMs?: number,
 *   stableMs?: number, killAfterMs?: number }} [options]
 */
export function supervise(children, options = {}) {
  const {
    log = (line) => console.error(line),
    initialDelayMs = 1000,
    maxDelayMs = 30_000,
    stableMs = 60_000,
    killAfterMs = 10_000,
  } = options;
  /** @type {Map<string, { process: import('node:child_process').ChildProcess | null, delay: number, timer: NodeJS.Timeout | null }>} */
  const state = new Map();
  let stopping = false;
  let allExited;
  const stopped = new Promise((resolve) => (allExited = resolve));
  const settleIfIdle = () => {
    if (stopping && [...state.values()].every((s) => s.process === null)) allExited();
  };

  const restartLater = (child, s, why, upMs) => {
    if (upMs >= stableMs) s.delay = initialDelayMs;
    log(`${child.name} exited (${why}) after ${seconds(upMs)}; restarting in ${seconds(s.delay)}`);
    s.timer = setTimeout(() => launch(child), s.delay);
    s.delay = Math.min(s.delay * 2, maxDelayMs);
  };

  const launch = (child) => {
    const s = state.get(child.name);
    s.timer = null;
    const startedAt = Date.now();
    let proc;
    try {
      proc = child.start();
    } catch (err) {
      // spawn() itself failing is a crash like any other: retry with backoff.
      restartLater(child, s, `could not start: ${err.message}`, 0);
      return;
    }
    s.process = proc;
    const ended = (why) => {
      // 'error' and 'exit' can both fire for one process; count it once.
      if (s.process !== proc) return;
      s.process = null;
      if (stopping) settleIfIdle();
      else restartLater(child, s, why, Date.now() - startedAt);
    };
    proc.on('error', (err) => ended(`error: ${err.message}`));
    proc.on('exit', (code, signal) => ended(signal ? `signal ${signal}` : `code ${code}`));
  };

  for (const child of children) {
    state.set(child.name, { process: null, delay: initialDelayMs, timer: null });
    launch(child);
  }

  return {
    stop() {
      const signal = stopping ? 'SIGKILL' : 'SIGTERM';
      stopping = true;
      for (const s of state.values()) {
        if (s.timer) clearTimeout(s.timer);
        s.timer = null;
        s.process?.kill(signal);
      }
      setTimeout(() => state.forEach((s) => s.process?.kill('SIGKILL')), killAfterMs).unref();
      settleIfIdle();
      return stopped;
    },
  };
}
