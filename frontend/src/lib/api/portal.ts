import {
  type Answers,
  api,
  type ChangeOwnPasswordRequest,
  type Document,
  type FileItem,
  fillPath,
  type PortalLoginRequest,
  type ReplyServiceOrderRequest,
} from '@connecthub/backend/contract';
import { call, isApiError } from './client';
import { uploadWithProgress } from './documents';
import { getImpersonationToken } from '$lib/stores/impersonation';
import { errorMessage } from '$lib/utils/errors';

type Fetch = typeof fetch;

/** What loaders of the client's documents depend on; invalidated when one arrives or changes. */
export const PORTAL_DOCUMENTS = 'app:portal-documents';
/** What loaders of the client's service forms and orders depend on; invalidated on `service-order:updated`. */
export const PORTAL_SERVICES = 'app:portal-services';
type Progress = (loaded: number, total: number) => void;

/** Client-portal calls. Session calls use `auth: 'portal'` (impersonation token, if any). */
export const portalApi = {
  firm: (slug: string, fetch?: Fetch) => call(api.firms.portal, { params: { slug } }, { fetch }),
  login: (slug: string, body: PortalLoginRequest) => call(api.auth.portalLogin, { params: { slug }, body }),
  logout: () => call(api.auth.logout, {}, { auth: 'portal' }),
  me: (fetch?: Fetch) => call(api.me.me, {}, { auth: 'portal', fetch }),
  changePassword: (body: ChangeOwnPasswordRequest) =>
    call(api.me.changePassword, { body }, { auth: 'portal' }),

  /** Serviços (`serviceForms`): the forms offered, the client's drafts and orders. */
  serviceForms: (fetch?: Fetch) => call(api.services.myForms, {}, { auth: 'portal', fetch }),
  serviceDrafts: (fetch?: Fetch) => call(api.services.myDrafts, {}, { auth: 'portal', fetch }),
  saveServiceDraft: (formId: string, answers: Answers) =>
    call(api.services.saveDraft, { params: { id: formId }, body: { answers } }, { auth: 'portal' }),
  deleteServiceDraft: (formId: string) =>
    call(api.services.deleteDraft, { params: { id: formId } }, { auth: 'portal' }),
  submitService: (formId: string, answers: Answers) =>
    call(api.services.submit, { body: { formId, answers } }, { auth: 'portal' }),
  serviceOrders: (fetch?: Fetch) => call(api.services.myOrders, {}, { auth: 'portal', fetch }),
  serviceOrder: (id: string, fetch?: Fetch) =>
    call(api.services.myOrder, { params: { id } }, { auth: 'portal', fetch }),
  replyServiceOrder: (id: string, body: ReplyServiceOrderRequest) =>
    call(api.services.reply, { params: { id }, body }, { auth: 'portal' }),
  cancelServiceOrder: (id: string) => call(api.services.cancelMine, { params: { id } }, { auth: 'portal' }),
  /** A file for a form's file field or a reply (POST /api/files), with upload progress. */
  uploadFile: (file: File, onProgress?: Progress, signal?: AbortSignal) => {
    const form = new FormData();
    form.append('file', file, file.name);
    // An impersonation tab goes through `call` with its token: the server answers READ_ONLY_SESSION.
    if (getImpersonationToken()) return call(api.files.upload, {}, { auth: 'portal', form, signal });
    return uploadWithProgress<FileItem>(`/api${api.files.upload.path}`, form, onProgress, signal);
  },

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
