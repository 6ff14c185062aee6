import {
  type EndpointDef,
  type EndpointRequest,
  type EndpointResponse,
  type ErrorBody,
  fillPath,
} from '@connecthub/backend/contract';
import { getImpersonationToken } from '$lib/stores/impersonation';

/** Codes the client itself produces when the API never answered with the contract shape. */
export const ClientErrorCode = {
  Network: 'NETWORK_ERROR',
  ApiUnavailable: 'API_UNAVAILABLE',
  BadResponse: 'BAD_RESPONSE',
} as const;

/** Any failed API call: the contract error `{error:{code,message}}` plus the HTTP status. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  /** Seconds from the Retry-After header (429), when present. */
  readonly retryAfter: number | null;

  constructor(
    status: number,
    code: string,
    message: string,
    opts: { details?: unknown; retryAfter?: number | null } = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = opts.details;
    this.retryAfter = opts.retryAfter ?? null;
  }
}

export function isApiError(e: unknown, code?: string): e is ApiError {
  return e instanceof ApiError && (code === undefined || e.code === code);
}

type Query = Record<string, string | number | boolean | undefined | null>;

export interface RequestOptions {
  body?: unknown;
  /** A multipart body (file uploads); sent as is, the browser sets the boundary. */
  form?: FormData;
  query?: Query;
  /**
   * 'portal' calls send the impersonation token of this tab (if any) as a Bearer header,
   * so a staff member's "acessar como cliente" tab never falls back to the staff cookie.
   */
  auth?: 'cookie' | 'portal';
  /** SvelteKit's load `fetch`, when called from a loader. */
  fetch?: typeof fetch;
  signal?: AbortSignal;
}

function buildUrl(path: string, query?: Query): string {
  if (!query) return `/api${path}`;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `/api${path}?${qs}` : `/api${path}`;
}

function parseRetryAfter(value: string | null): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.round((date - Date.now()) / 1000));
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined && !opts.form) headers['content-type'] = 'application/json';
  if (opts.auth === 'portal') {
    const token = getImpersonationToken();
    if (token) headers.authorization = `Bearer ${token}`;
  }

  let res: Response;
  try {
    res = await (opts.fetch ?? fetch)(buildUrl(path, opts.query), {
      method,
      headers,
      body: opts.form ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
      credentials: 'same-origin',
      signal: opts.signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, ClientErrorCode.Network, 'Sem conexão com o servidor.');
  }

  if (res.status === 204) return undefined as T;

  const text = await res.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }

  if (res.ok) {
    if (data === undefined && text) {
      throw new ApiError(res.status, ClientErrorCode.BadResponse, 'Resposta inesperada do servidor.');
    }
    return data as T;
  }

  const body = data as Partial<ErrorBody> | undefined;
  if (body?.error && typeof body.error.code === 'string') {
    throw new ApiError(res.status, body.error.code, body.error.message ?? '', {
      details: body.error.details,
      retryAfter: parseRetryAfter(res.headers.get('retry-after')),
    });
  }
  if (res.status === 502 || res.status === 503 || res.status === 504) {
    throw new ApiError(res.status, ClientErrorCode.ApiUnavailable, 'O servidor está indisponível.');
  }
  throw new ApiError(res.status, ClientErrorCode.BadResponse, `Erro inesperado (${res.status}).`);
}

export type CallOptions = Pick<RequestOptions, 'auth' | 'fetch' | 'signal' | 'form'>;

/**
 * Calls an endpoint by its contract definition (`api.clients.list`): the path is filled from
 * `params`, `query` and `body` are typed by its schemas, and so is the answer.
 */
export function call<E extends EndpointDef>(
  def: E,
  req: EndpointRequest<E>,
  opts: CallOptions = {},
): Promise<EndpointResponse<E>> {
  const { params, query, body } = req as { params?: Record<string, unknown>; query?: Query; body?: unknown };
  // Writes without a body still send `{}`, as JSON.
  const json = body ?? (def.method === 'GET' || def.method === 'DELETE' || opts.form ? undefined : {});
  return request<EndpointResponse<E>>(def.method, fillPath(def.path, params), { ...opts, query, body: json });
}
