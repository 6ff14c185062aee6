import type { Batch, BatchItem, BatchItemStatus } from '@connecthub/backend/contract';
import { SvelteMap } from 'svelte/reactivity';
import { clientsApi } from '$lib/api/clients';
import { documentsApi } from '$lib/api/documents';
import { isApiError } from '$lib/api/client';
import { onConnect, subscribe } from '$lib/socket.svelte';
import { errorMessage } from '$lib/utils/errors';

/**
 * Batches of guias: the files this tab is uploading and the live outcome of each, fed by
 * the upload requests, `batch:progress` events and (when the socket is quiet) a re-read of
 * the batch. Lives outside the pages so an upload goes on while staff move between screens.
 */

/** Where one file stands: before the server has it (upload), then what the server says. */
export type RowPhase = 'waiting' | 'uploading' | 'upload-error' | BatchItemStatus;
export const ROW_PHASES: readonly RowPhase[] = [
  'waiting',
  'uploading',
  'upload-error',
  'queued',
  'reading',
  'delivered',
  'review',
  'duplicate',
  'failed',
];
const RANK: Record<BatchItemStatus, number> = {
  queued: 0,
  reading: 1,
  delivered: 2,
  review: 2,
  duplicate: 2,
  failed: 2,
};

/** Files per request, bytes per request and requests at once while adding files to a batch. */
const CHUNK_FILES = 5;
const CHUNK_BYTES = 8 * 1024 * 1024;
const FIRST_CHUNK_FILES = 3;
const CONCURRENCY = 3;
const RETRIES = 3;
/** A guia PDF is small; this only spares the server an upload it would refuse. */
export const MAX_GUIA_BYTES = 10 * 1024 * 1024;

const UPLOAD_ERRORS: Record<string, string> = {
  UNSUPPORTED_FILE: 'Não é um PDF válido.',
  PAYLOAD_TOO_LARGE: 'O arquivo ultrapassa o limite de tamanho.',
};

let rowKeys = 0;

export class FileRow {
  readonly key = `r${++rowKeys}`;
  readonly fileName: string;
  readonly size: number;
  /** Released once the server has it. */
  file: File | null;
  upload = $state<'waiting' | 'uploading' | 'sent' | 'error'>('sent');
  /** 0..1 of this file's bytes sent. */
  progress = $state(1);
  uploadError = $state<string | null>(null);
  item = $state.raw<BatchItem | null>(null);

  constructor(fileName: string, size: number, file: File | null) {
    this.fileName = fileName;
    this.size = size;
    this.file = file;
  }

  get phase(): RowPhase {
    if (this.item) return this.item.status;
    if (this.upload === 'error') return 'upload-error';
    if (this.upload === 'uploading') return 'uploading';
    if (this.upload === 'sent') return 'queued';
    return 'waiting';
  }
}

function zeroCounts(): Record<RowPhase, number> {
  return Object.fromEntries(ROW_PHASES.map((p) => [p, 0])) as Record<RowPhase, number>;
}

export class BatchModel {
  id = $state<string | null>(null);
  createdAt = $state<string | null>(null);
  createdBy = $state<string | null>(null);
  rows = $state.raw<FileRow[]>([]);
  counts = $state(zeroCounts());
  /** Bumped (at most every 250 ms) when any row changes phase: lists re-filter on it. */
  version = $state(0);
  totalBytes = $state(0);
  sentBytes = $state(0);
  /** This tab is sending files to it right now. */
  uploading = $state(false);
  /** Why the batch could not start or go on, for the whole screen. */
  error = $state<string | null>(null);
  lastEventAt = 0;

  // Plain maps: lookups for event routing, never read by the UI.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #byItemId = new Map<string, FileRow>();
  /** Events about items whose upload answer has not arrived yet. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #early = new Map<string, BatchItem>();
  #bumpTimer: ReturnType<typeof setTimeout> | null = null;

  get total(): number {
    return this.rows.length;
  }
  get finished(): number {
    const c = this.counts;
    return c['upload-error'] + c.delivered + c.review + c.duplicate + c.failed;
  }
  get inFlight(): boolean {
    const c = this.counts;
    return this.uploading || c.waiting + c.uploading + c.queued + c.reading > 0;
  }

  addRows(rows: FileRow[]): void {
    this.rows = [...this.rows, ...rows];
    for (const r of rows) {
      this.counts[r.phase]++;
      if (r.item) this.#byItemId.set(r.item.id, r);
    }
    this.#bump();
  }

  /** Changes a row and keeps the counts in step. */
  update(row: FileRow, change: (r: FileRow) => void): void {
    const before = row.phase;
    change(row);
    const after = row.phase;
    if (before !== after) {
      this.counts[before]--;
      this.counts[after]++;
      this.#bump();
    }
  }

  setProgress(row: FileRow, progress: number): void {
    const p = Math.min(1, Math.max(0, progress));
    this.sentBytes += (p - row.progress) * row.size;
    row.progress = p;
  }

  /** A newer state of an item (event, re-read, assignment); stale ones never move it back. */
  applyItem(item: BatchItem, force = false): void {
    const row = this.#byItemId.get(item.id);
    if (!row) {
      const known = this.#early.get(item.id);
      if (!known || RANK[item.status] >= RANK[known.status]) this.#early.set(item.id, item);
      return;
    }
    const cur = row.item;
    if (!force && cur && RANK[item.status] < RANK[cur.status]) return;
    this.update(row, (r) => (r.item = item));
  }

  /** Ties the server's items to the rows just sent (same name, first come), once each. */
  claim(rows: FileRow[], batch: Batch): void {
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- local to this call
    const free = new Map<string, BatchItem[]>();
    for (const item of batch.items) {
      if (this.#byItemId.has(item.id)) continue;
      const list = free.get(item.fileName);
      if (list) list.push(item);
      else free.set(item.fileName, [item]);
    }
    const leftover: FileRow[] = [];
    for (const row of rows) {
      const item = free.get(row.fileName)?.shift();
      if (item) this.#attach(row, item);
      else leftover.push(row);
    }
    // The server may have cleaned a name up: pair what is left in order.
    if (leftover.length) {
      const rest = [...free.values()].flat();
      for (const row of leftover) {
        const i = rest.findIndex((it) => it.size === row.size);
        const item = i >= 0 ? rest.splice(i, 1)[0] : undefined;
        if (item) this.#attach(row, item);
        else this.update(row, (r) => (r.upload = 'sent'));
      }
    }
  }

  #attach(row: FileRow, item: BatchItem): void {
    this.#byItemId.set(item.id, row);
    const early = this.#early.get(item.id);
    this.#early.delete(item.id);
    const best = early && RANK[early.status] >= RANK[item.status] ? early : item;
    this.setProgress(row, 1);
    this.update(row, (r) => {
      r.upload = 'sent';
      r.file = null;
      r.item = best;
    });
  }

  /** Everything the server knows: the first read of an old batch, or a catch-up after quiet. */
  merge(batch: Batch, addUnknown: boolean): void {
    this.id = batch.id;
    this.createdAt = batch.createdAt;
    this.createdBy = batch.createdBy?.name ?? null;
    const fresh: FileRow[] = [];
    for (const item of batch.items) {
      if (this.#byItemId.has(item.id)) this.applyItem(item);
      else if (addUnknown) {
        const row = new FileRow(item.fileName, item.size, null);
        row.item = item;
        fresh.push(row);
      } else this.applyItem(item);
    }
    if (fresh.length) this.addRows(fresh);
  }

  #bump(): void {
    if (this.#bumpTimer) return;
    this.#bumpTimer = setTimeout(() => {
      this.#bumpTimer = null;
      this.version++;
    }, 250);
  }
}

function isTransient(e: unknown): boolean {
  return (
    isApiError(e) &&
    (e.status === 0 ||
      e.status === 429 ||
      e.status >= 500 ||
      e.code === 'UNAVAILABLE' ||
      e.code === 'RATE_LIMITED')
  );
}
const isAbort = (e: unknown) => e instanceof DOMException && e.name === 'AbortError';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function isPdf(file: File): boolean {
  return file.type === 'application/pdf' || /\.pdf$/i.test(file.name);
}

class BatchStore {
  /** The batch this tab started last (uploading or done), kept across screens. */
  current = $state.raw<BatchModel | null>(null);
  /** A registry; the UI reads the models themselves. */
  readonly #models = new Map<string, BatchModel>();
  #subscribed = false;
  #abort: AbortController | null = null;
  #orphans: { batchId: string; item: BatchItem }[] = [];

  /** The live model of a batch: the one being uploaded, or one read from the server. */
  model(id: string): BatchModel | undefined {
    return this.#models.get(id);
  }

  async open(id: string): Promise<BatchModel> {
    this.#listen();
    const known = this.#models.get(id);
    if (known) {
      if (!known.uploading) await this.refresh(known, false).catch(() => {});
      return known;
    }
    const batch = await documentsApi.batch(id);
    const model = new BatchModel();
    model.merge(batch, true);
    this.#remember(model);
    return model;
  }

  async refresh(model: BatchModel, addUnknown = !model.uploading): Promise<void> {
    if (!model.id) return;
    const batch = await documentsApi.batch(model.id);
    model.merge(batch, addUnknown);
  }

  /**
   * Re-reads the batch while items are still moving and the socket has been quiet for a
   * while, and after every reconnect (events sent while we were down are not replayed).
   */
  watch(model: BatchModel): () => void {
    this.#listen();
    const timer = setInterval(() => {
      if (!model.id || model.counts.queued + model.counts.reading === 0) return;
      if (Date.now() - model.lastEventAt < 5000) return;
      void this.refresh(model).catch(() => {});
    }, 5000);
    const off = onConnect(() => void this.refresh(model).catch(() => {}));
    return () => {
      clearInterval(timer);
      off();
    };
  }

  /**
   * Starts a batch: the first files create it (the returned id is its address), the rest
   * follow a few at a time in the background. Null when the batch could not be created.
   */
  async start(files: File[]): Promise<string | null> {
    this.#listen();
    const model = new BatchModel();
    const rows: FileRow[] = [];
    const rejected: FileRow[] = [];
    for (const f of files) {
      const row = new FileRow(f.name, f.size, f);
      if (!isPdf(f)) {
        row.upload = 'error';
        row.uploadError = 'Não é um PDF.';
        row.file = null;
        rejected.push(row);
      } else if (f.size === 0) {
        row.upload = 'error';
        row.uploadError = 'O arquivo está vazio.';
        row.file = null;
        rejected.push(row);
      } else if (f.size > MAX_GUIA_BYTES) {
        row.upload = 'error';
        row.uploadError = 'O arquivo ultrapassa 10 MB.';
        row.file = null;
        rejected.push(row);
      } else {
        row.upload = 'waiting';
        row.progress = 0;
        rows.push(row);
      }
    }
    model.addRows([...rows, ...rejected]);
    model.totalBytes = rows.reduce((s, r) => s + r.size, 0);
    this.current = model;
    this.#orphans = [];
    if (!rows.length) {
      model.error = 'Nenhum dos arquivos é um PDF que possa ser enviado.';
      return null;
    }

    this.#abort?.abort();
    const abort = new AbortController();
    this.#abort = abort;
    model.uploading = true;
    // Closing the tab would drop the files not sent yet: ask first.
    const guard = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', guard);
    const stop = () => {
      model.uploading = false;
      window.removeEventListener('beforeunload', guard);
      if (this.#abort === abort) this.#abort = null;
    };

    const queue = [...rows];
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- local to this upload
    const alone = new Set<FileRow>();
    // The first request creates the batch; a file it refuses is set aside and the next tried.
    while (!model.id) {
      const first = takeChunk(queue, FIRST_CHUNK_FILES, alone);
      if (!first.length) {
        stop();
        model.error = 'Nenhum arquivo foi aceito: o lote não foi criado.';
        return null;
      }
      try {
        const batch = await this.#send(model, first, abort.signal, (onProgress) =>
          documentsApi.createBatch(
            first.map((r) => r.file as File),
            onProgress,
            abort.signal,
          ),
        );
        model.merge({ ...batch, items: [] }, false);
        model.claim(first, batch);
        this.#remember(model);
        for (const o of this.#orphans.splice(0)) if (o.batchId === model.id) model.applyItem(o.item);
      } catch (e) {
        if (!isAbort(e) && !isTransient(e)) {
          if (first.length > 1) {
            for (const r of first) {
              this.#reset(model, r);
              alone.add(r);
            }
            queue.unshift(...first);
          } else this.#fail(model, first[0], errorMessage(e, UPLOAD_ERRORS));
          continue;
        }
        stop();
        const message = isAbort(e) ? 'Envio cancelado.' : errorMessage(e, UPLOAD_ERRORS);
        model.error = `Não foi possível iniciar o lote: ${message}`;
        for (const r of rows) this.#fail(model, r, message);
        return null;
      }
    }

    void this.#drain(model, queue, abort.signal, alone).finally(stop);
    return model.id;
  }

  /** Stops sending: what is on the server stays, the rest is marked as not sent. */
  cancel(): void {
    this.#abort?.abort();
  }

  async assign(model: BatchModel, row: FileRow, clientId: string): Promise<void> {
    if (!model.id || !row.item) return;
    const item = await documentsApi.assignItem(model.id, row.item.id, clientId);
    model.applyItem(item, true);
  }

  /** Files of a request the server refused as a whole (`alone`) go again one by one, to find the bad one. */
  async #drain(model: BatchModel, queue: FileRow[], signal: AbortSignal, alone: Set<FileRow>): Promise<void> {
    const worker = async () => {
      while (queue.length && !signal.aborted) {
        const chunk = takeChunk(queue, CHUNK_FILES, alone);
        try {
          const batch = await this.#send(model, chunk, signal, (onProgress) =>
            documentsApi.addToBatch(
              model.id as string,
              chunk.map((r) => r.file as File),
              onProgress,
              signal,
            ),
          );
          model.claim(chunk, batch);
        } catch (e) {
          if (isAbort(e)) break;
          if (isApiError(e, 'NOT_FOUND')) {
            model.error = 'O lote não existe mais: os arquivos restantes não foram enviados.';
            for (const r of [...chunk, ...queue.splice(0)]) this.#fail(model, r, 'Lote não encontrado.');
            break;
          }
          if (chunk.length > 1 && !isTransient(e)) {
            for (const r of chunk) {
              this.#reset(model, r);
              alone.add(r);
            }
            queue.unshift(...chunk);
            continue;
          }
          for (const r of chunk) this.#fail(model, r, errorMessage(e, UPLOAD_ERRORS));
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    for (const r of queue.splice(0)) this.#fail(model, r, 'Envio cancelado.');
    for (const r of model.rows) {
      if (r.upload === 'uploading' || r.upload === 'waiting') this.#fail(model, r, 'Envio cancelado.');
    }
  }

  /** One request, retried on network and server hiccups, with each file's share of the progress. */
  async #send(
    model: BatchModel,
    chunk: FileRow[],
    signal: AbortSignal,
    post: (onProgress: (loaded: number, total: number) => void) => Promise<Batch>,
  ): Promise<Batch> {
    for (const r of chunk) model.update(r, (x) => (x.upload = 'uploading'));
    const bytes = chunk.reduce((s, r) => s + r.size, 0);
    const onProgress = (loaded: number, total: number) => {
      let left = (loaded / Math.max(1, total)) * bytes;
      for (const r of chunk) {
        const mine = Math.min(r.size, left);
        left -= mine;
        model.setProgress(r, r.size ? mine / r.size : 1);
      }
    };
    for (let attempt = 0; ; attempt++) {
      try {
        return await post(onProgress);
      } catch (e) {
        if (signal.aborted || !isTransient(e) || attempt >= RETRIES) throw e;
        for (const r of chunk) model.setProgress(r, 0);
        const wait = isApiError(e) && e.retryAfter ? e.retryAfter * 1000 : 1000 * 3 ** attempt;
        await sleep(wait);
      }
    }
  }

  #reset(model: BatchModel, row: FileRow): void {
    model.setProgress(row, 0);
    model.update(row, (r) => (r.upload = 'waiting'));
  }

  #fail(model: BatchModel, row: FileRow, message: string): void {
    if (row.item) return;
    model.setProgress(row, 0);
    model.update(row, (r) => {
      r.upload = 'error';
      r.uploadError = message;
      r.file = null;
    });
  }

  #remember(model: BatchModel): void {
    if (model.id) this.#models.set(model.id, model);
  }

  #listen(): void {
    if (this.#subscribed) return;
    this.#subscribed = true;
    subscribe('batch:progress', ({ batchId, item }) => {
      const model = this.#models.get(batchId);
      if (model) {
        model.lastEventAt = Date.now();
        model.applyItem(item);
      } else if (this.current && !this.current.id && this.#orphans.length < 500) {
        // The batch being created: its first files can be read before its id comes back.
        this.#orphans.push({ batchId, item });
      }
    });
  }
}

/** Takes the next request's files: up to `max` files and CHUNK_BYTES (at least one file). */
function takeChunk(queue: FileRow[], max: number, alone: ReadonlySet<FileRow> = new Set()): FileRow[] {
  const chunk: FileRow[] = [];
  let bytes = 0;
  while (queue.length && chunk.length < max) {
    const next = queue[0];
    if (chunk.length && (bytes + next.size > CHUNK_BYTES || alone.has(next) || alone.has(chunk[0]))) break;
    chunk.push(queue.shift() as FileRow);
    bytes += next.size;
  }
  return chunk;
}

export const batches = new BatchStore();

/**
 * Client names for document rows (a Document carries only its clientId): read once per
 * client and kept for the tab's life.
 */
class ClientNames {
  readonly #names = new SvelteMap<string, { name: string; cnpj: string; conversationId: string | null }>();
  readonly #asked = new Set<string>();

  get(id: string) {
    return this.#names.get(id);
  }

  set(id: string, value: { name: string; cnpj: string; conversationId: string | null }): void {
    this.#asked.add(id);
    this.#names.set(id, value);
  }

  /** Reads the missing ones, a few at a time. */
  async ensure(ids: Iterable<string>): Promise<void> {
    const missing = [...new Set(ids)].filter((id) => !this.#asked.has(id));
    for (const id of missing) this.#asked.add(id);
    const next = async () => {
      for (let id = missing.shift(); id; id = missing.shift()) {
        try {
          const c = await clientsApi.get(id);
          this.#names.set(id, { name: c.name, cnpj: c.cnpj, conversationId: c.conversationId });
        } catch {
          this.#asked.delete(id);
        }
      }
    };
    await Promise.all(Array.from({ length: 4 }, next));
  }
}

export const clientNames = new ClientNames();
