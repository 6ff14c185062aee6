import {
  api,
  type ChangeOwnPasswordRequest,
  type Document,
  fillPath,
  type PortalLoginRequest,
} from '@connecthub/backend/contract';
import { call, isApiError } from './client';
import { uploadWithProgress } from './documents';
import { getImpersonationToken } from '$lib/stores/impersonation';
import { errorMessage } from '$lib/utils/errors';

type Fetch = typeof fetch;

/** What loaders of the client's documents depend on; invalidated when one arrives or changes. */
export const PORTAL_DOCUMENTS = 'app:portal-documents';
type Progress = (loaded: number, total: number) => void;

/** Client-portal calls. Session calls use `auth: 'portal'` (impersonation token, if any). */
export const portalApi = {
  firm: (slug: string, fetch?: Fetch) => call(api.firms.portal, { params: { slug } }, { fetch }),
  login: (slug: string, body: PortalLoginRequest) => call(api.auth.portalLogin, { params: { slug }, body }),
  logout: () => call(api.auth.logout, {}, { auth: 'portal' }),
  me: (fetch?: Fetch) => call(api.me.me, {}, { auth: 'portal', fetch }),
  changePassword: (body: ChangeOwnPasswordRequest) =>
    call(api.me.changePassword, { body }, { auth: 'portal' }),
  serviceOrders: (fetch?: Fetch) => call(api.services.myOrders, {}, { auth: 'portal', fetch }),

  /** The client's guias and documents (the server filters by the client's permissions). */
  documents: (fetch?: Fetch) => call(api.documents.mine, { query: {} }, { auth: 'portal', fetch }),
  /** One document; the server records that the client opened it. */
  document: (id: string) => call(api.documents.myDocument, { params: { id } }, { auth: 'portal' }),
  /** The client sends a file to the firm (`sendGuides`), with upload progress. */
  send: (file: File, title: string | undefined, onProgress?: Progress, signal?: AbortSignal) => {
    const form = new FormData();
    if (title?.trim()) form.append('title', title.trim());
    form.append('file', file, file.name);
    if (getImpersonationToken()) return call(api.documents.clientSend, {}, { auth: 'portal', form });
    return uploadWithProgress<Document>(`/api${api.documents.clientSend.path}`, form, onProgress, signal);
  },
  /** Marks a guia paid by attaching its comprovante. */
  paid: (id: string, file: File, onProgress?: Progress) => {
    const form = new FormData();
    form.append('file', file, file.name);
    const def = api.documents.clientPaid;
    // XHR (for the progress bar) can only use the cookie; an impersonation tab is read-only and
    // goes through `call` with its token, so the server answers READ_ONLY_SESSION.
    if (getImpersonationToken()) return call(def, { params: { id } }, { auth: 'portal', form });
    return uploadWithProgress<Document>(`/api${fillPath(def.path, { id })}`, form, onProgress);
  },
};

/**
 * Where a document downloads from. The client's own session (cookie) downloads through
 * /api/me/documents/:id/file, which records the download as proof. An impersonation tab
 * ("acessar como cliente") has only a Bearer token, which a plain link cannot send: like the
 * chat's attachments there, it downloads with the staff member's own cookie from the staff
 * route, so staff looking never counts as the client downloading.
 */
export function myDocumentFileUrl(id: string): string {
  if (getImpersonationToken()) return `/api${fillPath(api.documents.file.path, { id })}`;
  return `/api${fillPath(api.documents.myFile.path, { id })}`;
}

/** One section's data, or why it could not be loaded; one failing section never breaks the page. */
export type Section<T> = { ok: true; data: T } | { ok: false; error: string; code: string | null } | null;

/** Runs a section's call when the client may see it (else null). */
export async function loadSection<T>(enabled: boolean, run: () => Promise<T>): Promise<Section<T>> {
  if (!enabled) return null;
  try {
    return { ok: true, data: await run() };
  } catch (e) {
    return { ok: false, error: errorMessage(e), code: isApiError(e) ? e.code : null };
  }
}
