// Flat cost with data: the same seven reads and one send of one firm, timed on an almost
// empty database, then again after a fixture of a thousand clients and 200,000 messages
// (mostly other firms', plus a long history in the measured conversation). An api whose
// queries use their indexes answers both columns alike; one that scans grows with the
// data. Its own api process and database, so the other phases never see the fixture.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import mongoose from 'mongoose';
import { createFirmBulk, http, pool, seedApi } from './api-setup.mjs';
import { loadFixture } from './fixture.mjs';
import { closeAll, connect, median } from './harness.mjs';
import { freePort, startNode, stop, waitHttpOk } from './procs.mjs';

/** Messages the measured conversation gets through the socket before the empty column. */
const SETUP_MESSAGES = 120;
/** The loaded column's data (the measured firm's 50 clients count in the 1,000). */
const OTHER_FIRMS = 10;
const MEASURED_TOTAL = 20000;
const MESSAGES_TOTAL = 200000;
/** Sequential calls per figure (after two unmeasured ones), fewer if they take long. */
const SAMPLES = 25;
const MIN_SAMPLES = 3;
const FIGURE_BUDGET_MS = 10000;
const CALL_TIMEOUT_MS = 60000;
const PAGE = 50;
const SEARCH = 'comprovante';

export const FLAT_FIGURES = [
  ['send', 'send→receive (client → staff socket)'],
  ['history', `history page (GET …/messages?beforeSeq=N&limit=${PAGE}, N = lastSeq/2)`],
  ['sync', `socket sync (afterSeq = lastSeq/2, limit ${PAGE})`],
  ['inbox', 'inbox (GET /api/conversations)'],
  ['search', `inbox search (GET /api/conversations?search=${SEARCH})`],
  ['monitor', 'monitor (GET /api/monitor)'],
  ['clients', 'client list (GET /api/clients)'],
];

/** Times `fn` sequentially: two calls unmeasured, then up to SAMPLES within the budget. */
async function timed(fn) {
  await fn();
  await fn();
  const samples = [];
  const start = performance.now();
  while (
    samples.length < SAMPLES &&
    (samples.length < MIN_SAMPLES || performance.now() - start < FIGURE_BUDGET_MS)
  ) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  return { p50: median(samples), n: samples.length };
}

/** Emits with an ack; rejects on an error ack or after the call timeout. */
async function emitOk(socket, event, body) {
  const ack = await socket.timeout(CALL_TIMEOUT_MS).emitWithAck(event, body);
  if (!ack?.ok) throw new Error(`${event}: ${JSON.stringify(ack?.error ?? ack)}`);
  return ack;
}

/** One message from `client` (its own conversation), resolved when `staff` receives it. */
function sendAndReceive(client, staff, text) {
  const id = randomBytes(8).toString('hex');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      staff.off('message:new', onNew);
      reject(new Error(`message ${id} not received within ${CALL_TIMEOUT_MS / 1000}s`));
    }, CALL_TIMEOUT_MS);
    const onNew = (m) => {
      if (m?.clientMessageId !== id) return;
      clearTimeout(timer);
      staff.off('message:new', onNew);
      resolve();
    };
    staff.on('message:new', onNew);
    client.emit('message:send', { clientMessageId: id, text }, (ack) => {
      if (ack?.ok) return;
      clearTimeout(timer);
      staff.off('message:new', onNew);
      reject(new Error(`message:send: ${JSON.stringify(ack?.error ?? ack)}`));
    });
  });
}

/** The seven figures, in FLAT_FIGURES order, for the measured firm as it stands. */
async function measureColumn(base, ctx, log, label) {
  const get = (p) => http(base, 'GET', p, { token: ctx.staffToken });
  const conv = await get(`/api/conversations/${ctx.conversationId}`);
  const middle = Math.max(PAGE + 1, Math.floor(conv.lastSeq / 2));
  const out = {};
  const calls = {
    send: () => sendAndReceive(ctx.client, ctx.staff, 'Bom dia, segue em anexo o comprovante.'),
    history: async () => {
      const page = await get(
        `/api/conversations/${ctx.conversationId}/messages?beforeSeq=${middle}&limit=${PAGE}`,
      );
      if (page.items.length !== PAGE) throw new Error(`history page has ${page.items.length} messages`);
    },
    sync: async () => {
      const ack = await emitOk(ctx.staff, 'sync', {
        conversationId: ctx.conversationId,
        afterSeq: middle,
        limit: PAGE,
      });
      if (ack.messages.length !== PAGE) throw new Error(`sync page has ${ack.messages.length} messages`);
    },
    inbox: () => get('/api/conversations'),
    search: () => get(`/api/conversations?search=${SEARCH}`),
    monitor: () => get('/api/monitor'),
    clients: () => get('/api/clients'),
  };
  for (const [key] of FLAT_FIGURES) {
    out[key] = await timed(calls[key]);
  }
  out.lastSeq = conv.lastSeq;
  log(
    `flat cost, ${label} (measured conversation at seq ${conv.lastSeq}): ` +
      FLAT_FIGURES.map(([k]) => `${k} ${out[k].p50.toFixed(1)} ms`).join(', '),
  );
  return out;
}

/**
 * The measured conversation's first messages, through the api: its client and the
 * staff take turns like the fixture's (every third message is the firm's).
 */
async function sendSetupMessages(ctx) {
  for (let seq = 1; seq <= SETUP_MESSAGES; seq++) {
    const from = seq % 3 === 0 ? ctx.staff : ctx.client;
    await emitOk(from, 'message:send', {
      conversationId: ctx.conversationId,
      clientMessageId: `setup-${seq}`,
      text: `Mensagem ${seq}: segue o comprovante do mês.`,
    });
  }
}

/**
 * Runs the phase on its own api (database `<db>_flat`, Redis prefix `<prefix>f:`, both
 * removed by the caller's cleanups via `register`). Returns {empty, loaded, fixture}.
 */
export async function measureFlatCost({ env, repoRoot, logDir, log, clients, register }) {
  const mongoUrl = new URL(env.MONGO_URL);
  mongoUrl.pathname = `${mongoUrl.pathname}_flat`;
  const prefix = `${env.REDIS_KEY_PREFIX.replace(/:$/, '')}f:`;
  register({ mongoUrl: mongoUrl.toString(), prefix });
  const port = await freePort();
  const api = startNode('api-flat', path.join(repoRoot, 'backend/dist/main.js'), {
    cwd: repoRoot,
    env: { ...env, MONGO_URL: mongoUrl.toString(), REDIS_KEY_PREFIX: prefix, PORT: String(port) },
    logFile: path.join(logDir, 'api-flat.log'),
  });
  const base = `http://127.0.0.1:${port}`;
  const sockets = [];
  try {
    await waitHttpOk(api, `${base}/api/health`, 60000);
    const seed = await seedApi(base, { clients });
    const measured = seed.clients[0];
    const ctx = {
      staffToken: seed.staffToken,
      conversationId: measured.conversationId,
      staff: await connect(base, { token: seed.staffToken }),
      client: await connect(base, { token: measured.token }),
    };
    sockets.push(ctx.staff, ctx.client);
    await sendSetupMessages(ctx);
    const empty = await measureColumn(base, ctx, log, 'empty database');

    // The load: other firms through the api, then their messages straight into the database.
    const otherClients = Math.round((1000 - clients) / OTHER_FIRMS);
    const t0 = performance.now();
    const others = await pool(OTHER_FIRMS, 3, (i) =>
      createFirmBulk(base, { clients: otherClients, name: `Outra Contabilidade ${i + 1}` }),
    );
    const firmsMs = performance.now() - t0;
    const sum = (k) => (others.reduce((n, o) => n + o.ms[k], 0) / 1000).toFixed(1);
    log(
      `flat cost: ${OTHER_FIRMS} other firms with ${otherClients} portal clients each, ${(firmsMs / 1000).toFixed(1)}s ` +
        `(summed over firms: signup ${sum('signup')}s, CSV import ${sum('import')}s, list + bulk enable ${sum('portal')}s)`,
    );
    const t1 = performance.now();
    const loadedFx = await loadFixture({
      mongoUrl: mongoUrl.toString(),
      redisUrl: env.REDIS_URL,
      prefix,
      measured: { conversationId: measured.conversationId, staff: seed.staff },
      measuredTotal: MEASURED_TOTAL,
      others: others.map((o) => ({ firmId: o.firmId, staff: o.staff })),
      othersTotal: MESSAGES_TOTAL - MEASURED_TOTAL,
      log,
    });
    const loadMs = performance.now() - t1;
    const stored = await countStored(mongoUrl.toString());
    const fixture = {
      ...stored,
      inserted: loadedFx.messages,
      redisKeysDeleted: loadedFx.redisKeysDeleted,
      otherFirms: OTHER_FIRMS,
      otherClients,
      firmsMs,
      loadMs,
    };
    log(
      `flat cost: ${OTHER_FIRMS} firms × ${otherClients} clients through the api in ${(firmsMs / 1000).toFixed(1)}s; ` +
        `${fixture.inserted} messages inserted in ${(loadMs / 1000).toFixed(1)}s; now ${stored.clients} clients, ` +
        `${stored.conversations} conversations, ${stored.messages} messages; ` +
        `${fixture.redisKeysDeleted} cached chat keys dropped`,
    );
    const loaded = await measureColumn(base, ctx, log, 'loaded database');
    return { empty, loaded, fixture };
  } finally {
    closeAll(sockets);
    await stop(api);
  }
}

/** What the database holds, counted (not what the fixture meant to write). */
async function countStored(url) {
  const conn = await mongoose.createConnection(url, { serverSelectionTimeoutMS: 10000 }).asPromise();
  try {
    const count = (name) => conn.db.collection(name).countDocuments({});
    return {
      clients: await count('clients'),
      conversations: await count('conversations'),
      messages: await count('messages'),
    };
  } finally {
    await conn.close();
  }
}
