import { BATCH_ITEM_LABELS, type Document, type TrailEvent } from '@connecthub/backend/contract';
import type { RowPhase } from '$lib/stores/documents.svelte';
import { isApiError } from '$lib/api/client';
import { countLabel, documentKindLabel, statusTone } from '$lib/utils/documents';
import { errorMessage } from '$lib/utils/errors';
import { TIME_ZONE } from '$lib/utils/format';

/** "1 arquivo", "2 arquivos", "0 arquivos" (pt-BR, see `plural`). */
export const count = (n: number, one: string, other: string): string => countLabel(n, one, other);

/** "DAS – Simples Nacional" for a guia, else its category. */
export const kindLabel = documentKindLabel;

/** Pill class of a document's status: red overdue, amber due soon, blue pending, green paid. */
export function statusPill(d: Pick<Document, 'category' | 'status' | 'dueDate' | 'payUntil'>): string {
  return `pill-${statusTone(d)}`;
}

export const PHASE_LABELS: Record<RowPhase, string> = {
  waiting: 'Aguardando envio',
  uploading: 'Enviando',
  'upload-error': 'Não enviado',
  ...BATCH_ITEM_LABELS,
};

/** Pill colour of each phase (global .pill-* classes). */
export const PHASE_PILL: Record<RowPhase, string> = {
  waiting: 'pill-plain',
  uploading: 'pill-blue',
  'upload-error': 'pill-red',
  queued: 'pill-plain',
  reading: 'pill-blue',
  delivered: 'pill-green',
  review: 'pill-amber',
  duplicate: 'pill-plain',
  failed: 'pill-red',
};

export const TRAIL_LABELS: Record<TrailEvent, string> = {
  delivered: 'Entregue',
  emailed: 'Enviado por e-mail',
  email_failed: 'Falha no e-mail',
  opened: 'Aberto pelo cliente',
  downloaded: 'Baixado pelo cliente',
  paid: 'Marcado como pago',
  reminded: 'Lembrete enviado',
};

const monthFmt = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit' });

/** "YYYY-MM" of today in the firm's time zone, moved `offset` months. */
export function competenceOf(offset = 0, now = new Date()): string {
  const [y, m] = monthFmt.format(now).split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 1 + offset, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/**
 * The sentence for a failed document action. A 409 says why in the server's own pt-BR words
 * ("Guia não enviada: o CNPJ da guia é de outro cliente"), more precise than any generic one.
 */
export function documentError(e: unknown, overrides: Record<string, string> = {}): string {
  if (isApiError(e, 'CONFLICT') && e.message) return e.message;
  return errorMessage(e, overrides);
}
