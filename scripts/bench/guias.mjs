// Guias: how fast a batch of PDFs is read, routed and delivered by the api + one worker, as a
// ratio of how fast this machine reads the same PDFs with the same reader and nothing else
// (baseline measured in the same run, in this process); and what a running batch costs the
// chat (another firm's staff → client send→receive p50 while it runs / quiet).
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createFirmBulk, http, seedApi } from './api-setup.mjs';
import { closeAll, connect, fmtMs, median, percentile } from './harness.mjs';
import { freePort, startNode, stop, waitHttpOk } from './procs.mjs';

// One guia per client; the batch is 1,000 (BENCH_GUIAS to try fewer).
const FILES = Math.max(1, Math.min(5000, Number(process.env.BENCH_GUIAS) || 1000));
const PER_REQUEST = 10;
const REQUESTS_IN_FLIGHT = 3;
const BOUNDARY = 'connecthub-bench-guias';
const LAYOUTS = ['das', 'gps', 'darf-dctfweb', 'gfd'];

function multipart(files) {
  const parts = [];
  for (const f of files) {
    parts.push(
      Buffer.from(
        `--${BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="${f.name}"\r\n` +
          'Content-Type: application/pdf\r\n\r\n',
      ),
      f.data,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(parts);
}

async function post(base, pathName, token, files) {
  const res = await fetch(`${base}${pathName}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
    },
    body: multipart(files),
  });
  if (res.status !== 202) throw new Error(`${pathName}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Staff → client send→receive times (ms) of `count` messages, one at a time. */
const p99 = (xs) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    99,
  );

async function chatProbe(staffSocket, clientSocket, conversationId, count, pauseMs = 100) {
  const times = [];
  for (let i = 0; i < count; i++) {
    const id = randomUUID();
    const t = performance.now();
    const got = new Promise((resolve) => {
      const on = (m) => {
        if (m.clientMessageId === id) {
          clientSocket.off('message:new', on);
          resolve(performance.now() - t);
        }
      };
      clientSocket.on('message:new', on);
      setTimeout(() => resolve(NaN), 15000);
    });
    staffSocket.emit('message:send', { conversationId, clientMessageId: id, text: `probe ${i}` }, () => {});
    times.push(await got);
    await sleep(pauseMs);
  }
  return times.filter(Number.isFinite);
}

export async function measureGuias({ env, repoRoot, logDir, log }) {
  const dist = (p) => pathToFileURL(path.join(repoRoot, 'backend/dist', p)).href;
  const { makeGuiaPdf } = await import(dist('dev/guia-pdf.js'));
  const { readGuiaPdf } = await import(dist('modules/documents/guia/read-guia.js'));
  const port = await freePort();
  const procEnv = { ...env, PORT: String(port) };
  const api = startNode('api-guias', path.join(repoRoot, 'backend/dist/main.js'), {
    cwd: repoRoot,
    env: procEnv,
    logFile: path.join(logDir, 'api-guias.log'),
  });
  const worker = startNode('worker-guias', path.join(repoRoot, 'backend/dist/worker.js'), {
    cwd: repoRoot,
    env: procEnv,
    logFile: path.join(logDir, 'worker-guias.log'),
  });
  const base = `http://127.0.0.1:${port}`;
  const sockets = [];
  try {
    await waitHttpOk(api, `${base}/api/health`, 60000);
    const firm = await createFirmBulk(base, { clients: FILES, name: 'Bench Guias' });
    log(
      `guias: firm with ${FILES} clients: signup ${firm.ms.signup} ms, CSV import ${firm.ms.import} ms, ` +
        `portal enabled (pages of 200) ${firm.ms.portal} ms`,
    );
    const clients = [];
    for (let page = 1; clients.length < FILES; page++) {
      const list = await http(base, 'GET', `/api/clients?pageSize=200&page=${page}`, {
        token: firm.staffToken,
      });
      if (!list.items.length) break;
      clients.push(...list.items);
    }
    const pdfs = await Promise.all(
      clients.map(async (c, i) => ({
        name: `guia-${i + 1}.pdf`,
        data: await makeGuiaPdf({
          layout: LAYOUTS[i % LAYOUTS.length],
          cnpj: c.cnpj,
          amountCents: 10_000 + i,
          seed: i + 1,
        }),
      })),
    );
    // Baseline: the same reader on the same files, one after another, in this process.
    const b0 = performance.now();
    for (const p of pdfs) {
      const r = await readGuiaPdf(new Uint8Array(p.data));
      if (r.kind !== 'guia') throw new Error(`baseline read ${p.name}: ${r.kind} ${r.reason ?? ''}`);
    }
    const bareMs = performance.now() - b0;

    // Chat of another firm, quiet.
    const other = await seedApi(base, { clients: 1 });
    const staffSocket = await connect(base, { token: other.staffToken });
    const clientSocket = await connect(base, { token: other.clients[0].token });
    sockets.push(staffSocket, clientSocket);
    const conv = other.clients[0].conversationId;
    // Enough probes that a p99 is more than the single slowest one.
    const quiet = await chatProbe(staffSocket, clientSocket, conv, 150);

    // The batch, sent as the batch screen sends it, with the chat probed meanwhile.
    const t0 = performance.now();
    const chunks = [];
    for (let i = 0; i < pdfs.length; i += PER_REQUEST) chunks.push(pdfs.slice(i, i + PER_REQUEST));
    const first = await post(base, '/api/documents/batches', firm.staffToken, chunks.shift());
    const batchId = first.id;
    let done = false;
    const probing = (async () => {
      const times = [];
      while (!done) times.push(...(await chatProbe(staffSocket, clientSocket, conv, 5)));
      return times;
    })();
    const queue = [...chunks];
    await Promise.all(
      Array.from({ length: REQUESTS_IN_FLIGHT }, async () => {
        while (queue.length)
          await post(base, `/api/documents/batches/${batchId}/files`, firm.staffToken, queue.shift());
      }),
    );
    const uploadedMs = performance.now() - t0;
    // Progress from the history's summary (the batch's counts), not the whole batch: reading a
    // thousand items four times a second would be the bench competing with what it measures.
    let counts;
    for (;;) {
      const { items } = await http(base, 'GET', '/api/documents/batches', { token: firm.staffToken });
      const summary = items.find((b) => b.id === batchId);
      counts = summary?.counts;
      if (summary && summary.total === FILES && counts.queued + counts.reading === 0) break;
      if (performance.now() - t0 > 900_000)
        throw new Error(`batch did not finish: ${JSON.stringify(counts)}`);
      await sleep(500);
    }
    const pipelineMs = performance.now() - t0;
    const final = await http(base, 'GET', `/api/documents/batches/${batchId}`, { token: firm.staffToken });
    if (final.items.length !== FILES) throw new Error(`batch lists ${final.items.length} of ${FILES} files`);
    done = true;
    const during = await probing;
    const perSec = (ms) => (FILES / ms) * 1000;
    const result = {
      files: FILES,
      counts,
      bareMs,
      uploadedMs,
      pipelineMs,
      ratio: perSec(pipelineMs) / perSec(bareMs),
      chatQuietP50: median(quiet),
      chatDuringP50: median(during),
      chatQuietP99: p99(quiet),
      chatDuringP99: p99(during),
    };
    log(
      `guias: ${FILES} PDFs (${LAYOUTS.join(', ')}), ${PER_REQUEST} per request, ${REQUESTS_IN_FLIGHT} requests at once: ` +
        `uploaded in ${(uploadedMs / 1000).toFixed(1)} s, all read and delivered in ${(pipelineMs / 1000).toFixed(1)} s ` +
        `(${perSec(pipelineMs).toFixed(1)} files/s; ${JSON.stringify(counts)}); the same reader alone in one process: ` +
        `${(bareMs / 1000).toFixed(1)} s (${perSec(bareMs).toFixed(1)} files/s) → ratio ${result.ratio.toFixed(2)}; ` +
        `another firm's chat send→receive p50 ${fmtMs(result.chatQuietP50)} quiet, ${fmtMs(result.chatDuringP50)} during the batch ` +
        `(× ${(result.chatDuringP50 / result.chatQuietP50).toFixed(2)}), p99 ${fmtMs(result.chatQuietP99)} quiet, ` +
        `${fmtMs(result.chatDuringP99)} during (× ${(result.chatDuringP99 / result.chatQuietP99).toFixed(2)}, goal ≤ 2; ` +
        `${quiet.length} and ${during.length} probes)`,
    );
    return result;
  } finally {
    closeAll(sockets);
    await stop(worker);
    await stop(api);
  }
}
