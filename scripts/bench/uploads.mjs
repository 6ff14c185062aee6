// Memory of the api under oversized uploads: `count` concurrent uploads of `sizeMb` MB each
// (chunked, so only the streaming limit can stop them; nothing is held on this side), RSS
// read before (after a full GC), at its peak while they run, and after (full GC again).
// Every upload is over UPLOAD_MAX_MB, so each should get 413 and leave the api where it was.
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { measuredRss, rssBytes } from './procs.mjs';

const BOUNDARY = 'connecthub-bench-boundary';
const mib = (b) => `${(b / 2 ** 20).toFixed(1)} MiB`;

/** One upload of `size` bytes, written as the socket takes it, until the api answers. */
function upload(base, token, size) {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}/api/files`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
      },
    });
    let sent = 0;
    let answered = false;
    const filler = Buffer.alloc(256 * 1024, 0x41);
    req.on('response', (res) => {
      answered = true;
      res.resume();
      res.on('end', () => {
        req.destroy();
        resolve({ status: res.statusCode, sent });
      });
    });
    req.on('error', (err) => (answered ? undefined : reject(err)));
    const pump = () => {
      while (!answered && sent < size) {
        sent += filler.length;
        if (!req.write(filler)) return void req.once('drain', pump);
      }
      if (!answered) req.end(`\r\n--${BOUNDARY}--\r\n`);
    };
    req.write(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n` +
        'Content-Type: application/pdf\r\n\r\n%PDF-1.7\n',
    );
    pump();
  });
}

/**
 * Returns {before, peak, after, statuses} (bytes) and logs them. `proc` is the api as
 * started by procs.mjs startNode (its GC hook answers measuredRss).
 */
export async function measureUploads({ base, proc, token, log, count = 4, sizeMb = 100 }) {
  const before = await measuredRss(proc);
  let peak = before.rss;
  let running = true;
  const sampler = (async () => {
    while (running) {
      peak = Math.max(peak, rssBytes(proc.pid));
      await sleep(20);
    }
  })();
  const results = await Promise.all(
    Array.from({ length: count }, () => upload(base, token, sizeMb * 2 ** 20)),
  );
  running = false;
  await sampler;
  await sleep(1000);
  const after = await measuredRss(proc);
  const statuses = results.map((r) => r.status);
  log(
    `uploads: ${count} concurrent ${sizeMb} MB uploads -> ${statuses.join(', ')}; ` +
      `api RSS ${mib(before.rss)} before, ${mib(peak)} peak during, ${mib(after.rss)} after; ` +
      `client had sent ${results.map((r) => mib(r.sent)).join(', ')} when answered`,
  );
  return { before: before.rss, peak, after: after.rss, statuses };
}
