// Fairness under a flood: firm B's send→ack latency and /api/health latency, first on a
// quiet api, then while every client of firm A floods `message:send` the way the
// hardening issue saw it (thousands at once, reconnecting when disconnected). Its own api
// process with the default socket limits; figures are printed as ratios flood/quiet.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { io } from 'socket.io-client';
import { seedApi } from './api-setup.mjs';
import { closeAll, connect, fmtMs, percentile } from './harness.mjs';
import { freePort, startNode, stop, waitHttpOk } from './procs.mjs';

const FLOODERS = 20; // clients of firm A
const BURST = 2000; // sends a flooding socket emits at once
const SENDERS = 5; // clients of firm B
const MESSAGES = 12; // each, one at a time
const PACE_MS = 400; // between a B client's sends: 2.5/s, within the default 3/s
const HEALTH_EVERY_MS = 100;

/** Firm B's clients send one message at a time; resolves the ack latencies (ms) and refusals. */
async function sendPaced(sockets) {
  const latencies = [];
  let refused = 0;
  await Promise.all(
    sockets.map(async (s) => {
      for (let i = 0; i < MESSAGES; i++) {
        const t = performance.now();
        const ack = await s
          .timeout(30000)
          .emitWithAck('message:send', { clientMessageId: randomUUID(), text: `b ${i}` })
          .catch(() => ({ ok: false }));
        if (ack.ok) latencies.push(performance.now() - t);
        else refused++;
        await sleep(PACE_MS);
      }
    }),
  );
  return { latencies: latencies.sort((a, b) => a - b), refused };
}

/** /api/health latencies (ms) every HEALTH_EVERY_MS until `done` settles. */
async function pollHealth(base, done) {
  const latencies = [];
  let finished = false;
  void done.then(() => (finished = true));
  while (!finished) {
    const t = performance.now();
    await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(30000) })
      .then((r) => r.arrayBuffer())
      .catch(() => undefined);
    latencies.push(performance.now() - t);
    await sleep(HEALTH_EVERY_MS);
  }
  return latencies.sort((a, b) => a - b);
}

/** One flooding client while `state.on`: a burst, and again on a new socket once disconnected. */
async function flood(base, token, state) {
  let bursts = 0;
  while (state.on) {
    const s = io(base, {
      path: '/socket.io',
      transports: ['websocket'],
      auth: { token },
      forceNew: true,
      reconnection: false,
    });
    await new Promise((resolve) => {
      s.once('connect', () => {
        bursts++;
        for (let i = 0; i < BURST; i++)
          s.emit('message:send', { clientMessageId: randomUUID(), text: 'x' }, () => {});
      });
      s.once('disconnect', resolve);
      s.once('connect_error', resolve);
      setTimeout(resolve, 2000);
    });
    s.close();
    await sleep(100);
  }
  return bursts;
}

async function phase(base, bSockets, flooders) {
  const state = { on: true };
  const floods = flooders.map((c) => flood(base, c.token, state));
  if (flooders.length) await sleep(300);
  const sending = sendPaced(bSockets);
  const [sent, health] = await Promise.all([sending, pollHealth(base, sending)]);
  state.on = false;
  const bursts = (await Promise.all(floods)).reduce((n, x) => n + x, 0);
  return { ...sent, health, bursts };
}

const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? (a / b).toFixed(2) : 'n/a');

/**
 * Starts an api with the default limits (the SOCKET_* knobs in `env` removed), measures,
 * stops it. Returns the figures; `log` prints them.
 */
export async function measureFlood({ env, repoRoot, logDir, log }) {
  const defaults = Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith('SOCKET_')));
  const port = await freePort();
  const api = startNode('api-flood', path.join(repoRoot, 'backend/dist/main.js'), {
    cwd: repoRoot,
    env: { ...defaults, PORT: String(port) },
    logFile: path.join(logDir, 'api-flood.log'),
  });
  const base = `http://127.0.0.1:${port}`;
  const sockets = [];
  try {
    await waitHttpOk(api, `${base}/api/health`, 60000);
    const a = await seedApi(base, { clients: FLOODERS });
    const b = await seedApi(base, { clients: SENDERS });
    sockets.push(...(await Promise.all(b.clients.map((c) => connect(base, { token: c.token })))));
    log(`flood: firm B: ${SENDERS} clients × ${MESSAGES} sends, ${PACE_MS} ms apart; quiet first`);
    const quiet = await phase(base, sockets, []);
    log(
      `flood: now with ${FLOODERS} clients of firm A each emitting ${BURST} sends at once, again when dropped`,
    );
    const loud = await phase(base, sockets, a.clients);
    const { bursts } = loud;
    const p99 = (xs) => percentile(xs, 99);
    const result = {
      quiet: { ackP99: p99(quiet.latencies), healthP99: p99(quiet.health), refused: quiet.refused },
      flood: { ackP99: p99(loud.latencies), healthP99: p99(loud.health), refused: loud.refused, bursts },
    };
    log(
      `flood: firm B send→ack p99 ${fmtMs(result.quiet.ackP99)} quiet, ${fmtMs(result.flood.ackP99)} under flood ` +
        `(× ${ratio(result.flood.ackP99, result.quiet.ackP99)}); /api/health p99 ${fmtMs(result.quiet.healthP99)} → ` +
        `${fmtMs(result.flood.healthP99)} (× ${ratio(result.flood.healthP99, result.quiet.healthP99)}); ` +
        `B refused ${result.quiet.refused} quiet, ${result.flood.refused} under flood; ${bursts} flood bursts of ${BURST}`,
    );
    return result;
  } finally {
    closeAll(sockets);
    await stop(api);
  }
}
