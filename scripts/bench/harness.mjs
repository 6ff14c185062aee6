// Load generation and measurement, identical for the api and the bare relay: clients
// emit `message:send` at a fixed total rate; latency is the time from a client's emit
// to each staff socket's receipt of the matching `message:new` (by clientMessageId).
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { io } from 'socket.io-client';

const TEXT = 'Bom dia! Segue o comprovante do DAS de outubro, podem conferir por favor? Obrigado.';

/** One socket of its own (forceNew), websocket only, no reconnection: a drop shows up as loss. */
export function connect(url, auth, { timeoutMs = 15000 } = {}) {
  return new Promise((resolve, reject) => {
    const socket = io(url, {
      path: '/socket.io',
      transports: ['websocket'],
      auth,
      forceNew: true,
      reconnection: false,
      timeout: timeoutMs,
    });
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error(`socket did not connect within ${timeoutMs / 1000}s`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('connect_error', (err) => {
      clearTimeout(timer);
      socket.close();
      reject(new Error(`socket connect_error: ${err.message}`));
    });
  });
}

/** Connects `auths.length` sockets, at most `concurrency` handshakes in flight. */
export async function connectMany(url, auths, concurrency = 25) {
  return (await connectStorm(url, auths, concurrency)).sockets;
}

/**
 * Connect storm: `auths.length` sockets connected with `concurrency` handshakes in
 * flight. Returns {sockets, rate}: sockets a second from the first `connect` to the last
 * ((n - 1) / that time), so a handshake's own latency is not counted once in the rate.
 */
export async function connectStorm(url, auths, concurrency) {
  const times = [];
  const sockets = new Array(auths.length);
  let next = 0;
  const worker = async () => {
    while (next < auths.length) {
      const i = next++;
      sockets[i] = await connect(url, auths[i]);
      times.push(performance.now());
    }
  };
  const start = performance.now();
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, auths.length) }, worker));
  } catch (err) {
    for (const s of sockets) s?.close();
    throw err;
  }
  const first = Math.min(...times);
  const last = Math.max(...times);
  return {
    sockets,
    count: auths.length,
    concurrency,
    firstMs: first - start,
    spanMs: last - first,
    rate: last > first ? (auths.length - 1) / ((last - first) / 1000) : NaN,
  };
}

/** The median (the mean of the middle two for an even count). */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

export function closeAll(sockets) {
  for (const s of sockets) s?.close();
}

/** Nearest-rank percentile of an ascending array; Infinity entries stand for lost messages. */
export function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/**
 * Drives `clients` (sockets that may send) and listens on `staff` (sockets that must
 * receive every message). One Meter per server under test.
 */
export class Meter {
  constructor(clients, staff) {
    this.clients = clients;
    this.staff = staff;
    this.pending = new Map(); // clientMessageId -> {t, left, phase}
    this.stray = 0; // message:new we did not send (or a duplicate)
    this.disconnects = 0;
    this.tag = randomBytes(4).toString('hex');
    this.counter = 0;
    for (const s of staff) s.on('message:new', (m) => this.receive(m));
    for (const s of [...clients, ...staff]) s.on('disconnect', () => this.disconnects++);
  }

  receive(m) {
    const now = performance.now();
    const p = this.pending.get(m?.clientMessageId);
    if (!p) {
      this.stray++;
      return;
    }
    p.phase.latencies.push(now - p.t);
    if (--p.left === 0 && p.acked) this.pending.delete(m.clientMessageId);
  }

  send(client, phase) {
    const id = `${this.tag}-${++this.counter}`;
    const p = { t: performance.now(), left: this.staff.length, acked: false, phase };
    this.pending.set(id, p);
    phase.sent++;
    client.emit('message:send', { clientMessageId: id, text: TEXT }, (ack) => {
      p.acked = true;
      phase.acks++;
      phase.ackLatencies.push(performance.now() - p.t);
      if (!ack?.ok) {
        const code = ack?.error?.code ?? 'NO_ACK_BODY';
        phase.ackErrors[code] = (phase.ackErrors[code] ?? 0) + 1;
        // A refused message is never broadcast: stop waiting for it.
        this.pending.delete(id);
      }
      if (p.left === 0) this.pending.delete(id);
    });
  }

  /**
   * Sends `rate` messages a second in total, round-robin over the clients, for
   * `durationMs`; then waits up to `graceMs` for the stragglers. Anything not received
   * by then counts as lost (an infinite latency). Returns the phase's figures.
   */
  async run({ rate, durationMs, graceMs = 2000 }) {
    const phase = { sent: 0, acks: 0, latencies: [], ackLatencies: [], ackErrors: {} };
    const total = Math.max(1, Math.round((rate * durationMs) / 1000));
    const disconnectsBefore = this.disconnects;
    const priorMessages = this.counter;
    const start = performance.now();
    let rr = 0;
    await new Promise((resolve) => {
      const timer = setInterval(() => {
        const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
        while (phase.sent < due) this.send(this.clients[rr++ % this.clients.length], phase);
        if (phase.sent >= total) {
          clearInterval(timer);
          resolve();
        }
      }, 1);
    });
    const sendSeconds = (performance.now() - start) / 1000;
    const expected = total * this.staff.length;
    const graceEnd = performance.now() + graceMs;
    while (performance.now() < graceEnd && (phase.latencies.length < expected || phase.acks < total)) {
      await sleep(10);
    }
    const received = phase.latencies.length;
    const sorted = [...phase.latencies, ...new Array(Math.max(0, expected - received)).fill(Infinity)];
    sorted.sort((a, b) => a - b);
    const acksSorted = [...phase.ackLatencies, ...new Array(total - phase.acks).fill(Infinity)];
    acksSorted.sort((a, b) => a - b);
    const result = {
      rate,
      priorMessages,
      sent: total,
      achievedRate: total / Math.max(sendSeconds, durationMs / 1000),
      expected,
      received,
      lost: expected - received,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      max: sorted[sorted.length - 1],
      ackP50: percentile(acksSorted, 50),
      ackP99: percentile(acksSorted, 99),
      ackErrors: { ...phase.ackErrors },
      disconnects: this.disconnects - disconnectsBefore,
    };
    // Acks keep arriving after the phase ends: settle() reads them again after a drain.
    Object.defineProperty(result, 'phase', { value: phase, enumerable: false });
    return result;
  }

  /**
   * The ack outcome of a finished phase, read after a drain (or a failed one): error acks
   * by code, and sends whose ack never came at all (a server that falls behind may still
   * ack them during the drain; those are not counted).
   */
  static settle(result) {
    const { phase } = result;
    return { ackErrors: { ...phase.ackErrors }, ackTimeouts: result.sent - phase.acks };
  }

  /** Waits until every message sent so far is received and acked; false on timeout. */
  async drain(timeoutMs) {
    const deadline = performance.now() + timeoutMs;
    while (this.pending.size > 0) {
      if (performance.now() > deadline) return false;
      await sleep(20);
    }
    return true;
  }

  /** Forgets whatever is still pending (after a failed drain), so later phases start clean. */
  forget() {
    this.pending.clear();
  }
}

/** The most a message may take for the server to count as keeping up with a rate. */
export const KEPT_UP_P99_MS = 1000;

/** Everything offered was delivered, p99 under a second, every ack without error. */
export function keptUp(result) {
  return (
    result.lost === 0 &&
    result.p99 < KEPT_UP_P99_MS &&
    result.achievedRate >= 0.9 * result.rate &&
    Object.keys(result.ackErrors).length === 0 &&
    result.disconnects === 0
  );
}

/** A phase sustains its rate when it kept up with p99 under the limit. */
export function sustained(result, p99LimitMs) {
  return keptUp(result) && result.p99 < p99LimitMs;
}

/**
 * Who was busy during a step: the server's CPU (`serverCpu()`: its CPU seconds so far)
 * and the load generator's (this process), each as a fraction of one core. At the top
 * rates one of them sits near 1.0 (Node is single-threaded): that one is the ceiling.
 */
function cpuMeter(serverCpu) {
  const wall = performance.now();
  const server = serverCpu?.();
  const own = process.cpuUsage();
  return () => {
    const seconds = (performance.now() - wall) / 1000;
    const used = process.cpuUsage(own);
    return {
      server: server === undefined ? NaN : (serverCpu() - server) / seconds,
      generator: (used.user + used.system) / 1e6 / seconds,
    };
  };
}

/**
 * Step search over `rates` (ascending), `stepMs` each. `best` is the highest rate before
 * the first one whose p99 misses `p99LimitMs`; the search goes on past that while the
 * server still keeps up (see keptUp; backlog drained), to find `keptUp`, and stops at
 * the first rate it cannot keep up with, at the end of `rates`, or before `deadline`.
 * `stoppedBy` ('fail' | 'cap' | 'budget') says whether `keptUp` is exact or a lower bound;
 * `best` is exact when some step failed the p99 target (`p99Failed`).
 */
export async function stepSearch(meter, { rates, stepMs, p99LimitMs, deadline, drainMs, log, serverCpu }) {
  const steps = [];
  let best = null;
  let kept = null;
  let p99Failed = false;
  let stoppedBy = 'cap';
  for (const rate of rates) {
    if (Date.now() + stepMs + 3000 > deadline) {
      log(`  step search: time budget reached before ${rate}/s`);
      stoppedBy = 'budget';
      break;
    }
    const cpu = cpuMeter(serverCpu);
    const r = await meter.run({ rate, durationMs: stepMs });
    r.cpu = cpu();
    const ok = sustained(r, p99LimitMs);
    const drained = await meter.drain(drainMs);
    const up = keptUp(r) && drained;
    steps.push({ ...r, ok: ok && drained, keptUp: up, settled: Meter.settle(r) });
    log(
      `  ${describe(r)}  ${ok && drained ? 'ok' : up ? `p99 over ${p99LimitMs} ms` : 'FAIL (falls behind)'}`,
    );
    if (!drained) {
      log(`  backlog did not drain within ${drainMs / 1000}s`);
      meter.forget();
    }
    if (ok && drained && !p99Failed) best = rate;
    else p99Failed = true;
    if (!up) {
      stoppedBy = 'fail';
      break;
    }
    kept = rate;
  }
  return { best, p99Failed, keptUp: kept, steps, stoppedBy };
}

export const fmtMs = (v) => (Number.isFinite(v) ? `${v.toFixed(v < 10 ? 2 : 1)} ms` : 'lost');

const pct = (x) => (Number.isFinite(x) ? `${Math.round(x * 100)}%` : 'n/a');

export function describe(r) {
  const extra = [
    r.lost ? `${r.lost} lost` : '',
    Object.keys(r.ackErrors).length ? `ack errors ${JSON.stringify(r.ackErrors)}` : '',
    r.disconnects ? `${r.disconnects} disconnects` : '',
  ].filter(Boolean);
  return (
    `${String(r.rate).padStart(4)}/s (offered ${r.achievedRate.toFixed(1)}/s, ${r.sent} msgs after ${r.priorMessages}): ` +
    `p50 ${fmtMs(r.p50)}, p99 ${fmtMs(r.p99)}, ack p50 ${fmtMs(r.ackP50)}` +
    (extra.length ? `; ${extra.join(', ')}` : '') +
    (r.cpu ? `; CPU server ${pct(r.cpu.server)}, load generator ${pct(r.cpu.generator)}` : '')
  );
}
