import {
  api,
  type Batch,
  type Document,
  type ErrorBody,
  fillPath,
  type listDocumentsQuerySchema,
  type SendDocumentFields,
} from '@connecthub/backend/contract';
import type { z } from 'zod';
import { ApiError, call, ClientErrorCode } from './client';

type Fetch = typeof fetch;
const d = api.documents;

/** What the list screen sends: the schema's input (`unopened` as the query string carries it). */
export type DocumentsQuery = z.input<typeof listDocumentsQuerySchema>;

export const documentsApi = {
  batches: (fetch?: Fetch) => call(d.batches, {}, { fetch }),
  batch: (id: string, fetch?: Fetch) => call(d.batch, { params: { id } }, { fetch }),
  assignItem: (batchId: string, itemId: string, clientId: string) =>
    call(d.assignItem, { params: { batchId, itemId }, body: { clientId } }),
  list: (query: DocumentsQuery, fetch?: Fetch) => call(d.list, { query }, { fetch }),
  get: (id: string, fetch?: Fetch) => call(d.get, { params: { id } }, { fetch }),
  markPaid: (id: string) => call(d.markPaid, { params: { id } }),

  /** A new batch with its first files; `onProgress` gets the bytes sent of this request. */
  createBatch: (files: File[], onProgress?: (loaded: number, total: number) => void, signal?: AbortSignal) =>
    uploadWithProgress<Batch>(apiUrl(d.createBatch.path), filesForm(files), onProgress, signal),
  addToBatch: (
    id: string,
    files: File[],
    onProgress?: (loaded: number, total: number) => void,
    signal?: AbortSignal,
  ) =>
    uploadWithProgress<Batch>(
      apiUrl(fillPath(d.addToBatch.path, { id })),
      filesForm(files),
      onProgress,
      signal,
    ),
  /** One document to one client, delivered in its conversation (and by e-mail until `emailUntil`). */
  send: (
    file: File,
    fields: SendDocumentFields,
    onProgress?: (loaded: number, total: number) => void,
    signal?: AbortSignal,
  ) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) if (v) form.append(k, String(v));
    form.append('file', file, file.name);
    return uploadWithProgress<Document>(apiUrl(d.send.path), form, onProgress, signal);
  },
};

/** Where a document downloads from (staff; the session cookie authenticates it). */
export function documentFileUrl(id: string): string {
  return apiUrl(fillPath(d.file.path, { id }));
}

function apiUrl(path: string): string {
  return `/api${path}`;
}

function filesForm(files: File[]): FormData {
  const form = new FormData();
  for (const f of files) form.append('files', f, f.name);
  return form;
}

/**
 * A multipart POST with upload progress (fetch has none), answering like `request` in
 * client.ts: the parsed JSON on success, else an ApiError with the contract's code.
 * Aborting rejects with a DOMException named AbortError, as fetch does.
 */
export function uploadWithProgress<T>(
  url: string,
  form: FormData,
  onProgress?: (loaded: number, total: number) => void,
  signal?: AbortSignal,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new DOMException('Aborted', 'AbortError'));
      return;
    }
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.withCredentials = true;
    xhr.setRequestHeader('accept', 'application/json');
    const onAbort = () => xhr.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => signal?.removeEventListener('abort', onAbort);

    if (onProgress) {
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable) onProgress(e.loaded, e.total);
      };
    }
    xhr.onabort = () => {
      done();
      reject(new DOMException('Aborted', 'AbortError'));
    };
    xhr.onerror = () => {
      done();
      reject(new ApiError(0, ClientErrorCode.Network, 'Sem conexão com o servidor.'));
    };
    xhr.onload = () => {
      done();
      const status = xhr.status;
      let data: unknown = undefined;
      if (xhr.responseText) {
        try {
          data = JSON.parse(xhr.responseText);
        } catch {
          data = undefined;
        }
      }
      if (status >= 200 && status < 300) {
        if (data === undefined) {
          reject(new ApiError(status, ClientErrorCode.BadResponse, 'Resposta inesperada do servidor.'));
        } else resolve(data as T);
        return;
      }
      const body = data as Partial<ErrorBody> | undefined;
      if (body?.error && typeof body.error.code === 'string') {
        const retry = Number(xhr.getResponseHeader('retry-after'));
        reject(
          new ApiError(status, body.error.code, body.error.message ?? '', {
            details: body.error.details,
            retryAfter: Number.isFinite(retry) && xhr.getResponseHeader('retry-after') ? retry : null,
          }),
        );
      } else if (status === 502 || status === 503 || status === 504) {
        reject(new ApiError(status, ClientErrorCode.ApiUnavailable, 'O servidor está indisponível.'));
      } else if (status === 413) {
        reject(new ApiError(status, 'PAYLOAD_TOO_LARGE', 'O arquivo é grande demais.'));
      } else {
        reject(new ApiError(status, ClientErrorCode.BadResponse, `Erro inesperado (${status}).`));
      }
    };
    xhr.send(form);
  });
}
