import type {
  BatchItem,
  Permissions,
  Document,
  DocumentStatus,
  MessageDocument,
  TrailEntry,
} from '../../contract/index.js';
import type { BatchItemDoc, DocumentDoc, TrailDoc } from './document.schema.js';

/** Today in Brazil (YYYY-MM-DD): due dates are calendar days there. */
export function todayInBrazil(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Sao_Paulo' }).format(now);
}

/** The date a guia must be paid by: "Pagar este documento até" when printed, else the due date. */
export const payBy = (d: Pick<DocumentDoc, 'payUntil' | 'dueDate'>) => d.payUntil ?? d.dueDate;

/** A pending guia past its pay-by date is overdue, by itself, with nothing stored. */
export function effectiveStatus(doc: DocumentDoc, today = todayInBrazil()): DocumentStatus | null {
  if (doc.status !== 'pending') return doc.status;
  const by = payBy(doc);
  return by && by < today ? 'overdue' : 'pending';
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toDocument(doc: DocumentDoc, today = todayInBrazil()): Document {
  return {
    id: String(doc._id),
    clientId: String(doc.clientId),
    category: doc.category,
    type: doc.type,
    title: doc.title,
    fileName: doc.fileName,
    competence: doc.competence,
    dueDate: doc.dueDate,
    payUntil: doc.payUntil,
    amountCents: doc.amountCents,
    documentNumber: doc.documentNumber,
    barcode: doc.barcode,
    status: effectiveStatus(doc, today),
    origin: doc.origin,
    createdAt: doc.createdAt.toISOString(),
    linhaDigitavel: doc.linhaDigitavel,
    pix: doc.pix,
    message: doc.message,
    openedAt: iso(doc.openedAt),
    downloadedAt: iso(doc.downloadedAt),
    paidAt: iso(doc.paidAt),
    receiptId: doc.receiptId,
    emailUntil: doc.emailUntil,
    batchId: doc.batchId,
    size: doc.size,
  };
}

export function toMessageDocument(doc: DocumentDoc): MessageDocument {
  return {
    id: String(doc._id),
    category: doc.category,
    type: doc.type,
    title: doc.title,
    competence: doc.competence,
    dueDate: doc.dueDate,
    amountCents: doc.amountCents,
    status: effectiveStatus(doc),
  };
}

export function toTrailEntry(t: TrailDoc): TrailEntry {
  return {
    event: t.event,
    at: t.at.toISOString(),
    channel: t.channel ?? null,
    ip: t.ip ?? null,
    userAgent: t.userAgent ?? null,
    note: t.note ?? null,
  };
}

export function toBatchItem(i: BatchItemDoc): BatchItem {
  return {
    id: String(i._id),
    fileName: i.fileName,
    status: i.status,
    reason: i.reason,
    clientId: i.clientId,
    documentId: i.documentId,
    clientName: i.clientName,
    type: i.read?.type ?? null,
    competence: i.read?.competence ?? null,
    dueDate: i.read?.dueDate ?? null,
    amountCents: i.read?.amountCents ?? null,
    cnpj: i.read?.cnpj ?? null,
    size: i.size,
  };
}

const MONTHS = ['jan', 'fev', 'mar', 'abr', 'mai', 'jun', 'jul', 'ago', 'set', 'out', 'nov', 'dez'];
export const brDate = (ymd: string) => `${ymd.slice(8, 10)}/${ymd.slice(5, 7)}/${ymd.slice(0, 4)}`;
export const brCompetence = (ym: string) =>
  `${MONTHS[Number(ym.slice(5, 7)) - 1] ?? ym.slice(5, 7)}/${ym.slice(0, 4)}`;
export const brl = (cents: number) =>
  (cents / 100).toLocaleString('pt-BR', { style: 'currency', currency: 'BRL' });

/** Who sees what: DAS needs `dasSimples`, DAS-MEI `dasMei`, everything else `documents`. */
export function visibleTo(doc: Pick<DocumentDoc, 'type'>, p: Permissions): boolean {
  if (doc.type === 'das') return p.dasSimples;
  if (doc.type === 'das-mei') return p.dasMei;
  return p.documents;
}
