/**
 * Text extraction from untrusted PDFs with pdf.js (pdfjs-dist, legacy build
 * for Node), isolated in a worker thread so that a hostile file can neither
 * crash nor hang the caller nor hold unbounded memory:
 *   - the bytes are checked for a "%PDF-" header and a size limit first;
 *   - pdf.js runs in a `worker_threads` Worker with V8 `resourceLimits`
 *     (heap, young generation, stack), terminated on a timeout or any other
 *     failure; a thread that read a file cleanly reads the next one (see
 *     PooledWorker: starting one costs far more than a guia);
 *   - typed arrays live outside the V8 heap (a 1 MiB Flate "bomb" inflates
 *     to GiBs), so a watchdog also terminates the worker when the process RSS
 *     grows more than `maxMemoryMb` during the extraction;
 *   - at most {@link setMaxConcurrentExtractions} workers run at once (default
 *     2); further calls wait their turn (the timeout starts when they run);
 *   - at most `maxPages` pages and `maxItems` text items are read;
 *   - every failure becomes a {@link PdfReadError} with a pt-BR `reason`.
 *
 * The worker's code is the string {@link WORKER_SOURCE} run with
 * `eval: true`, so no separate file has to exist next to this module: it
 * works the same from the TypeScript sources (vitest) and from `backend/dist`.
 * The pdf.js modules are resolved here, relative to this module, and handed to
 * the worker as absolute file URLs.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

export interface TextItem {
  str: string;
  /** Left edge, PDF points from the page's left. */
  x: number;
  /** Baseline, PDF points from the page's TOP (so ascending y = reading order). */
  y: number;
  /** 1-based page number. */
  page: number;
  /** Advance width in points (0 when unknown). */
  width?: number;
  /** Font height in points (0 when unknown). */
  height?: number;
}

export type PdfReadReason =
  | 'Arquivo não é um PDF'
  | 'PDF protegido por senha'
  | 'PDF corrompido ou ilegível'
  | 'Tempo esgotado ao ler o PDF'
  | 'PDF grande demais';

export class PdfReadError extends Error {
  override readonly name = 'PdfReadError';
  constructor(
    readonly reason: PdfReadReason,
    /** Technical detail for logs (never shown to users). */
    readonly detail?: string,
  ) {
    super(detail ? `${reason} (${detail})` : reason);
  }
}

export interface ExtractOptions {
  /** Pages read from the start of the document (default 3). */
  maxPages?: number;
  /** Larger inputs are refused with "PDF grande demais" (default 15 MiB). */
  maxBytes?: number;
  /** Wall-clock limit for the whole extraction, worker start included (default 15 s). */
  timeoutMs?: number;
  /** V8 old-generation heap limit of the worker (default 256 MB). */
  maxHeapMb?: number;
  /** Text items kept in total (default 20 000); the rest are dropped. */
  maxItems?: number;
  /** Growth of the process RSS tolerated while extracting (default 512 MB): catches off-heap buffers. */
  maxMemoryMb?: number;
}

const DEFAULTS = {
  maxPages: 3,
  maxBytes: 15 * 1024 * 1024,
  timeoutMs: 15_000,
  maxHeapMb: 256,
  maxItems: 20_000,
  maxMemoryMb: 512,
};

let maxConcurrent = 2;
let running = 0;
const waiting: (() => void)[] = [];

/** How many extraction workers may run at the same time in this process (default 2). */
export function setMaxConcurrentExtractions(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new Error('n must be a positive integer');
  maxConcurrent = n;
  pump();
}

function pump(): void {
  while (running < maxConcurrent && waiting.length) {
    running++;
    waiting.shift()!();
  }
}

function acquire(): Promise<void> {
  return new Promise<void>((resolve) => {
    waiting.push(resolve);
    pump();
  });
}

function release(): void {
  running--;
  pump();
}

/** True when "%PDF-" occurs within the first 1024 bytes (the spec tolerates leading junk). */
export function looksLikePdf(data: Uint8Array): boolean {
  const head = Buffer.from(data.buffer, data.byteOffset, Math.min(data.byteLength, 1024)).toString('latin1');
  return head.includes('%PDF-');
}

interface PdfjsPaths {
  pdf: string;
  worker: string;
  standardFonts: string;
  cmaps: string;
  wasm: string;
  icc: string;
}

let paths: PdfjsPaths | undefined;
function pdfjsPaths(): PdfjsPaths {
  if (!paths) {
    const require = createRequire(import.meta.url);
    const root = dirname(require.resolve('pdfjs-dist/package.json'));
    // pdf.js's Node factories read these with fs.readFile, so plain paths with a trailing slash.
    const dir = (d: string) => join(root, d) + '/';
    paths = {
      pdf: pathToFileURL(join(root, 'legacy/build/pdf.mjs')).href,
      worker: pathToFileURL(join(root, 'legacy/build/pdf.worker.mjs')).href,
      standardFonts: dir('standard_fonts'),
      cmaps: dir('cmaps'),
      wasm: dir('wasm'),
      icc: dir('iccs'),
    };
  }
  return paths;
}

/**
 * Runs inside a worker thread (CommonJS, `eval: true`): loads pdf.js once, then reads one PDF
 * per message it is sent, answering each with the message's `id`.
 */
const WORKER_SOURCE = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
// pdf.js reports through console; nothing of it should reach the host's logs.
for (const k of ['log', 'info', 'warn', 'error', 'debug']) console[k] = () => {};
const { paths } = workerData;
const loaded = (async () => {
  globalThis.pdfjsWorker = await import(paths.worker);
  return import(paths.pdf);
})();
async function read(pdfjs, data, maxPages, maxItems) {
  const task = pdfjs.getDocument({
    data,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    useWorkerFetch: false,
    disableAutoFetch: true,
    disableStream: true,
    disableRange: true,
    enableXfa: false,
    verbosity: 0,
    standardFontDataUrl: paths.standardFonts,
    cMapUrl: paths.cmaps,
    cMapPacked: true,
    wasmUrl: paths.wasm,
    iccUrl: paths.icc,
  });
  let doc;
  try {
    doc = await task.promise;
  } catch (e) {
    const name = (e && e.name) || '';
    return { ok: false, kind: name === 'PasswordException' ? 'password' : 'corrupt', detail: name + ': ' + (e && e.message) };
  }
  try {
    const items = [];
    const pages = Math.min(doc.numPages, maxPages);
    for (let p = 1; p <= pages && items.length < maxItems; p++) {
      const page = await doc.getPage(p);
      const viewport = page.getViewport({ scale: 1 });
      const content = await page.getTextContent({ includeMarkedContent: false });
      for (const it of content.items) {
        if (typeof it.str !== 'string' || !it.str.trim()) continue;
        const [x, y] = viewport.convertToViewportPoint(it.transform[4], it.transform[5]);
        items.push({
          str: it.str,
          x: Math.round(x * 100) / 100,
          y: Math.round(y * 100) / 100,
          page: p,
          width: Math.round((it.width || 0) * 100) / 100,
          height: Math.round((it.height || 0) * 100) / 100,
        });
        if (items.length >= maxItems) break;
      }
      page.cleanup();
    }
    return { ok: true, items };
  } finally {
    await doc.destroy();
  }
}
parentPort.on('message', async ({ id, data, maxPages, maxItems }) => {
  let reply;
  try {
    reply = await read(await loaded, data, maxPages, maxItems);
  } catch (e) {
    reply = { ok: false, kind: 'corrupt', detail: String((e && e.stack) || e) };
  }
  parentPort.postMessage({ id, ...reply });
});
`;

type WorkerReply = { id: number } & (
  { ok: true; items: TextItem[] } | { ok: false; kind: 'password' | 'corrupt'; detail: string }
);

/**
 * Text items of the first pages of a PDF, in content-stream order (sort by
 * page, y, x for reading order). An image-only (scanned) PDF yields [].
 * Rejects only with {@link PdfReadError}.
 */
export async function extractPdfText(data: Uint8Array, opts: ExtractOptions = {}): Promise<TextItem[]> {
  const o = { ...DEFAULTS, ...opts };
  if (!looksLikePdf(data)) throw new PdfReadError('Arquivo não é um PDF');
  if (data.byteLength > o.maxBytes) {
    throw new PdfReadError('PDF grande demais', `${data.byteLength} bytes > ${o.maxBytes}`);
  }
  let p: PdfjsPaths;
  try {
    p = pdfjsPaths();
  } catch (e) {
    throw new PdfReadError('PDF corrompido ou ilegível', `pdfjs-dist not found: ${String(e)}`);
  }
  // A private copy, transferred (not cloned) to the worker; the caller's buffer is left alone.
  const copy = new Uint8Array(data);
  await acquire();
  try {
    return await runInWorker(copy, p, o);
  } finally {
    release();
  }
}

/**
 * Reading threads kept between files: starting one and loading pdf.js into it costs far more
 * than reading a guia (about 0.4 s against a few ms), so a thread that read a file cleanly
 * reads the next one. A thread that failed, timed out or grew the process's memory is
 * terminated (whatever a hostile file left in it goes with it), each is replaced after
 * {@link MAX_USES} files, and an idle one ends after {@link IDLE_MS}. Idle threads do not keep
 * the process alive.
 */
interface PooledWorker {
  worker: Worker;
  heapMb: number;
  uses: number;
  idleTimer: NodeJS.Timeout | null;
}

const MAX_USES = 200;
const IDLE_MS = 30_000;
const idleWorkers: PooledWorker[] = [];
let nextJobId = 1;
let threadsStarted = 0;

/** Reading threads started by this process so far (each loads pdf.js once). */
export function extractionThreadsStarted(): number {
  return threadsStarted;
}

function spawnWorker(p: PdfjsPaths, heapMb: number): PooledWorker {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { paths: p },
    resourceLimits: {
      maxOldGenerationSizeMb: heapMb,
      maxYoungGenerationSizeMb: 32,
      stackSizeMb: 4,
    },
    stdout: true, // swallowed: pdf.js must not write to the host's stdout/stderr
    stderr: true,
  });
  worker.stdout.resume();
  worker.stderr.resume();
  threadsStarted++;
  const pooled: PooledWorker = { worker, heapMb, uses: 0, idleTimer: null };
  // An idle thread that ends (it should not) leaves the pool.
  worker.on('exit', () => dropIdle(pooled));
  return pooled;
}

function dropIdle(w: PooledWorker): void {
  const i = idleWorkers.indexOf(w);
  if (i >= 0) idleWorkers.splice(i, 1);
  if (w.idleTimer) clearTimeout(w.idleTimer);
  w.idleTimer = null;
}

function takeWorker(p: PdfjsPaths, heapMb: number): PooledWorker {
  const w = idleWorkers.find((x) => x.heapMb === heapMb);
  if (!w) return spawnWorker(p, heapMb);
  dropIdle(w);
  w.worker.ref();
  return w;
}

function giveBack(w: PooledWorker): void {
  if (w.uses >= MAX_USES) {
    void w.worker.terminate();
    return;
  }
  w.worker.unref();
  w.idleTimer = setTimeout(() => {
    dropIdle(w);
    void w.worker.terminate();
  }, IDLE_MS);
  w.idleTimer.unref();
  idleWorkers.push(w);
}

function runInWorker(copy: Uint8Array<ArrayBuffer>, p: PdfjsPaths, o: typeof DEFAULTS): Promise<TextItem[]> {
  return new Promise<TextItem[]>((resolve, reject) => {
    const pooled = takeWorker(p, o.maxHeapMb);
    const { worker } = pooled;
    const id = nextJobId++;
    let settled = false;
    /** `answered`: the thread replied (its document destroyed), so it can read the next file. */
    const finish = (err: PdfReadError | null, items: TextItem[] | null, answered: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(watchdog);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      pooled.uses++;
      if (answered) giveBack(pooled);
      else void worker.terminate();
      if (err) reject(err);
      else resolve(items!);
    };
    const fail = (reason: PdfReadReason, detail: string) =>
      finish(new PdfReadError(reason, detail), null, false);
    const onMessage = (m: WorkerReply) => {
      if (m.id !== id) return;
      if (m.ok) finish(null, m.items, true);
      else
        finish(
          new PdfReadError(
            m.kind === 'password' ? 'PDF protegido por senha' : 'PDF corrompido ou ilegível',
            m.detail,
          ),
          null,
          true,
        );
    };
    const onError = (e: Error & { code?: string }) =>
      fail('PDF corrompido ou ilegível', `${e.code ?? e.name}: ${e.message}`);
    const onExit = (code: number) => fail('PDF corrompido ou ilegível', `worker exited with code ${code}`);
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    const timer = setTimeout(() => fail('Tempo esgotado ao ler o PDF', `${o.timeoutMs} ms`), o.timeoutMs);
    const baseRss = process.memoryUsage.rss();
    const watchdog = setInterval(() => {
      const grown = process.memoryUsage.rss() - baseRss;
      if (grown > o.maxMemoryMb * 1024 * 1024) {
        fail('PDF corrompido ou ilegível', `memory grew ${Math.round(grown / 1e6)} MB`);
      }
    }, 10);
    worker.postMessage({ id, data: copy, maxPages: o.maxPages, maxItems: o.maxItems }, [copy.buffer]);
  });
}

/** False for an image-only (scanned) PDF's items. */
export function hasText(items: readonly TextItem[]): boolean {
  return items.some((i) => i.str.trim() !== '');
}

/** Sorts items into reading order: page, then top-to-bottom, then left-to-right. */
export function sortReadingOrder<T extends TextItem>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => a.page - b.page || a.y - b.y || a.x - b.x);
}
