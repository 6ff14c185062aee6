import { z } from 'zod';
import { idParamSchema, pageQuerySchema } from './common.js';
import { endpoint } from './endpoint.js';

/** What a document is (contract). */
export const DOCUMENT_CATEGORIES = [
  'guia',
  'certidao',
  'relatorio',
  'comprovante',
  'declaracao',
  'contrato',
  'folha',
  'outros',
] as const;
export type DocumentCategory = (typeof DOCUMENT_CATEGORIES)[number];

/** Which guia (contract): `das` Simples Nacional (PGDAS-D), `fgts` the GFD of FGTS Digital. */
export const GUIA_TYPES = ['das', 'das-mei', 'darf', 'gps', 'fgts', 'parcelamento', 'outros'] as const;
export type GuiaType = (typeof GUIA_TYPES)[number];

export const DOCUMENT_STATUSES = ['pending', 'overdue', 'paid', 'replaced'] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

/** pt-BR words, shared by the staff app and the portal. */
export const CATEGORY_LABELS: Record<DocumentCategory, string> = {
  guia: 'Guia',
  certidao: 'Certidão',
  relatorio: 'Relatório',
  comprovante: 'Comprovante',
  declaracao: 'Declaração',
  contrato: 'Contrato',
  folha: 'Folha de pagamento',
  outros: 'Outros',
};
export const GUIA_TYPE_LABELS: Record<GuiaType, string> = {
  das: 'DAS – Simples Nacional',
  'das-mei': 'DAS-MEI',
  darf: 'DARF',
  gps: 'GPS – INSS',
  fgts: 'FGTS Digital (GFD)',
  parcelamento: 'Parcelamento',
  outros: 'Outra guia',
};
export const STATUS_LABELS: Record<DocumentStatus, string> = {
  pending: 'A pagar',
  overdue: 'Vencida',
  paid: 'Paga',
  replaced: 'Substituída',
};

const ymd = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'use AAAA-MM-DD');

export const documentSchema = z.object({
  id: z.string(),
  clientId: z.string(),
  category: z.enum(DOCUMENT_CATEGORIES),
  /** Guias only, else null. */
  type: z.enum(GUIA_TYPES).nullable(),
  title: z.string(),
  fileName: z.string(),
  /** "YYYY-MM" */
  competence: z.string().nullable(),
  /** The printed "Data de Vencimento" (YYYY-MM-DD). */
  dueDate: z.string().nullable(),
  /** The printed "Pagar este documento até" (YYYY-MM-DD); differs from dueDate on reissued late guias. */
  payUntil: z.string().nullable(),
  amountCents: z.number().int().nullable(),
  documentNumber: z.string().nullable(),
  /** The 44-digit arrecadação code; null for PIX-only guias. */
  barcode: z.string().nullable(),
  /** Guias: pending, overdue, paid, replaced; else null. */
  status: z.enum(DOCUMENT_STATUSES).nullable(),
  origin: z.enum(['firm', 'client']),
  createdAt: z.string(),
  // Additions (not in the acceptance contract):
  /** The 48-digit linha digitável the client copies into the bank app. */
  linhaDigitavel: z.string().nullable(),
  /** Pays by PIX (GFD). */
  pix: z.boolean(),
  /** The text shown with the file ("Título do envio"). */
  message: z.string().nullable(),
  /** First time the client opened / downloaded it, and when it was marked paid (ISO). */
  openedAt: z.string().nullable(),
  downloadedAt: z.string().nullable(),
  paidAt: z.string().nullable(),
  /** The comprovante the client attached when marking it paid. */
  receiptId: z.string().nullable(),
  /** The e-mail copy is retried until this date (YYYY-MM-DD). */
  emailUntil: z.string().nullable(),
  batchId: z.string().nullable(),
  size: z.number().int(),
});
export type Document = z.infer<typeof documentSchema>;

export const TRAIL_EVENTS = [
  'delivered',
  'emailed',
  'email_failed',
  'opened',
  'downloaded',
  'paid',
  'reminded',
] as const;
export type TrailEvent = (typeof TRAIL_EVENTS)[number];
export const trailEntrySchema = z.object({
  event: z.enum(TRAIL_EVENTS),
  at: z.string(),
  /** chat, email, portal. */
  channel: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  /** Addition: who did it (staff marking paid) or why it failed. */
  note: z.string().nullable(),
});
export type TrailEntry = z.infer<typeof trailEntrySchema>;
export const documentDetailSchema = documentSchema.extend({
  trail: z.array(trailEntrySchema),
  client: z.object({ id: z.string(), name: z.string(), cnpj: z.string() }),
});
export type DocumentDetail = z.infer<typeof documentDetailSchema>;

export const BATCH_ITEM_STATUSES = [
  'queued',
  'reading',
  'delivered',
  'review',
  'duplicate',
  'failed',
] as const;
export type BatchItemStatus = (typeof BATCH_ITEM_STATUSES)[number];
export const BATCH_ITEM_LABELS: Record<BatchItemStatus, string> = {
  queued: 'Na fila',
  reading: 'Lendo',
  delivered: 'Entregue',
  review: 'Revisar',
  duplicate: 'Duplicado',
  failed: 'Falhou',
};
export const batchItemSchema = z.object({
  id: z.string(),
  fileName: z.string(),
  status: z.enum(BATCH_ITEM_STATUSES),
  /** pt-BR: why it is in review, failed or a duplicate. */
  reason: z.string().nullable(),
  clientId: z.string().nullable(),
  documentId: z.string().nullable(),
  // Additions:
  clientName: z.string().nullable(),
  /** What was read from the file, when anything was. */
  type: z.enum(GUIA_TYPES).nullable(),
  competence: z.string().nullable(),
  dueDate: z.string().nullable(),
  amountCents: z.number().int().nullable(),
  /** The CNPJ (or its 8-character root) printed on the guia. */
  cnpj: z.string().nullable(),
  size: z.number().int(),
});
export type BatchItem = z.infer<typeof batchItemSchema>;
export const batchCountsSchema = z.object(
  Object.fromEntries(BATCH_ITEM_STATUSES.map((s) => [s, z.number().int()])) as Record<
    BatchItemStatus,
    z.ZodNumber
  >,
);
export type BatchCounts = z.infer<typeof batchCountsSchema>;
export const batchSchema = z.object({
  id: z.string(),
  createdAt: z.string(),
  items: z.array(batchItemSchema),
  // Additions:
  createdBy: z.object({ id: z.string(), name: z.string() }),
  counts: batchCountsSchema,
});
export type Batch = z.infer<typeof batchSchema>;
export const batchSummarySchema = batchSchema.omit({ items: true }).extend({ total: z.number().int() });
export type BatchSummary = z.infer<typeof batchSummarySchema>;

export const assignItemRequestSchema = z.object({ clientId: idParamSchema });
export const listDocumentsQuerySchema = pageQuerySchema.extend({
  clientId: idParamSchema.optional(),
  category: z.enum(DOCUMENT_CATEGORIES).optional(),
  status: z.enum(DOCUMENT_STATUSES).optional(),
  /** Addition: only guias the client has not opened yet ("quem não abriu as guias do mês?"). */
  unopened: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  /** Addition: a competence, "YYYY-MM". */
  competence: z
    .string()
    .regex(/^\d{4}-\d{2}$/)
    .optional(),
  batchId: idParamSchema.optional(),
});
export type ListDocumentsQuery = z.infer<typeof listDocumentsQuerySchema>;
export const documentListResponseSchema = z.object({
  items: z.array(documentSchema),
  total: z.number().int(),
});
export type DocumentListResponse = z.infer<typeof documentListResponseSchema>;

export const myDocumentsQuerySchema = z.object({
  category: z.enum(DOCUMENT_CATEGORIES).optional(),
  type: z.enum(GUIA_TYPES).optional(),
});
export const myDocumentsResponseSchema = z.object({ items: z.array(documentSchema) });
export type MyDocumentsResponse = z.infer<typeof myDocumentsResponseSchema>;

/** Fields that come with the file in POST /api/documents (multipart). */
export const sendDocumentFieldsSchema = z.object({
  clientId: idParamSchema,
  category: z.enum(DOCUMENT_CATEGORIES),
  title: z.string().trim().max(500).optional(),
  /** The name the client sees (the file's own name when absent); the extension follows the file's type. */
  fileName: z.string().trim().max(200).optional(),
  emailUntil: ymd.optional(),
});
export type SendDocumentFields = z.infer<typeof sendDocumentFieldsSchema>;
export const clientSendFieldsSchema = z.object({ title: z.string().trim().max(500).optional() });

const docParams = z.object({ id: idParamSchema });
const batchParams = z.object({ id: idParamSchema });
const UPLOAD_ERRORS = ['VALIDATION_FAILED', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_FILE'] as const;

/** Documents and guias: batches read by the `guide-delivery` queue, single sends, proof. */
export const documentsApi = {
  createBatch: endpoint({
    method: 'POST',
    path: '/documents/batches',
    summary: 'Start a batch of guias: each PDF is read and routed by the guide-delivery queue',
    access: { kind: 'staff' },
    multipart: { fields: { files: 'one or more PDFs (repeat the part)' } },
    response: batchSchema,
    status: 202,
    errors: [...UPLOAD_ERRORS],
  }),
  addToBatch: endpoint({
    method: 'POST',
    path: '/documents/batches/:id/files',
    summary: 'Add more PDFs to a batch (the batch screen sends files a few at a time)',
    access: { kind: 'staff' },
    params: batchParams,
    resource: 'Batch',
    multipart: { fields: { files: 'one or more PDFs (repeat the part)' } },
    response: batchSchema,
    status: 202,
    errors: [...UPLOAD_ERRORS, 'NOT_FOUND'],
  }),
  batches: endpoint({
    method: 'GET',
    path: '/documents/batches',
    summary: 'Batch history, newest first',
    access: { kind: 'staff' },
    response: z.object({ items: z.array(batchSummarySchema) }),
  }),
  batch: endpoint({
    method: 'GET',
    path: '/documents/batches/:id',
    summary: 'A batch and the outcome of each of its files',
    access: { kind: 'staff' },
    params: batchParams,
    resource: 'Batch',
    response: batchSchema,
    errors: ['NOT_FOUND'],
  }),
  assignItem: endpoint({
    method: 'PUT',
    path: '/documents/batches/:batchId/items/:itemId/client',
    summary: 'File a review item under a client chosen by hand, and deliver it',
    access: { kind: 'staff' },
    params: z.object({ batchId: idParamSchema, itemId: idParamSchema }),
    resource: 'Batch item',
    body: assignItemRequestSchema,
    response: batchItemSchema,
    errors: ['NOT_FOUND', 'CONFLICT', 'VALIDATION_FAILED'],
  }),
  send: endpoint({
    method: 'POST',
    path: '/documents',
    summary: 'Send one document to a client (guia fields read from the PDF when it is one)',
    access: { kind: 'staff' },
    multipart: {
      fields: {
        file: 'the document',
        clientId: 'the client',
        category: DOCUMENT_CATEGORIES.join(' | '),
        title: 'optional text shown with the file',
        fileName: 'optional name the client sees',
        emailUntil: 'optional YYYY-MM-DD: the e-mail copy is retried until then',
      },
    },
    response: documentSchema,
    status: 201,
    errors: [...UPLOAD_ERRORS, 'NOT_FOUND', 'CONFLICT'],
  }),
  list: endpoint({
    method: 'GET',
    path: '/documents',
    summary: 'Documents of the firm (or one client), newest first',
    access: { kind: 'staff' },
    query: listDocumentsQuerySchema,
    response: documentListResponseSchema,
    errors: ['VALIDATION_FAILED'],
  }),
  get: endpoint({
    method: 'GET',
    path: '/documents/:id',
    summary: 'A document with its trail (delivered, e-mailed, opened, downloaded, paid, reminded)',
    access: { kind: 'staff' },
    params: docParams,
    resource: 'Document',
    response: documentDetailSchema,
    errors: ['NOT_FOUND'],
  }),
  file: endpoint({
    method: 'GET',
    path: '/documents/:id/file',
    summary: 'Download a document (staff)',
    access: { kind: 'staff' },
    params: docParams,
    resource: 'Document',
    file: true,
    errors: ['NOT_FOUND'],
  }),
  markPaid: endpoint({
    method: 'POST',
    path: '/documents/:id/paid',
    summary: 'Staff mark a guia paid (its reminders stop)',
    access: { kind: 'staff' },
    params: docParams,
    resource: 'Document',
    response: documentSchema,
    errors: ['NOT_FOUND', 'CONFLICT'],
  }),
  mine: endpoint({
    method: 'GET',
    path: '/me/documents',
    summary:
      'The client’s guias and documents: das needs `dasSimples`, das-mei needs `dasMei`, the rest `documents`',
    access: { kind: 'client' },
    query: myDocumentsQuerySchema,
    response: myDocumentsResponseSchema,
    errors: ['PERMISSION_DENIED', 'VALIDATION_FAILED'],
  }),
  myDocument: endpoint({
    method: 'GET',
    path: '/me/documents/:id',
    summary: 'One of the client’s documents; records `opened` (IP, user agent)',
    access: { kind: 'client' },
    params: docParams,
    resource: 'Document',
    response: documentSchema,
    errors: ['PERMISSION_DENIED', 'NOT_FOUND'],
  }),
  myFile: endpoint({
    method: 'GET',
    path: '/me/documents/:id/file',
    summary: 'Download one of the client’s documents; records `downloaded` (IP, user agent)',
    access: { kind: 'client' },
    params: docParams,
    resource: 'Document',
    file: true,
    errors: ['PERMISSION_DENIED', 'NOT_FOUND'],
  }),
  clientSend: endpoint({
    method: 'POST',
    path: '/me/documents',
    summary: 'The client sends a guia or document to the firm (needs `sendGuides`)',
    access: { kind: 'client', permission: 'sendGuides' },
    multipart: { fields: { file: 'the document', title: 'optional text shown with it' } },
    response: documentSchema,
    status: 201,
    errors: [...UPLOAD_ERRORS, 'PERMISSION_DENIED', 'READ_ONLY_SESSION'],
  }),
  clientPaid: endpoint({
    method: 'POST',
    path: '/me/documents/:id/paid',
    summary: 'The client marks a guia paid by attaching the comprovante (multipart `file`)',
    access: { kind: 'client' },
    params: docParams,
    resource: 'Document',
    multipart: { fields: { file: 'the comprovante (PDF or image)' } },
    response: documentSchema,
    errors: [...UPLOAD_ERRORS, 'PERMISSION_DENIED', 'NOT_FOUND', 'CONFLICT', 'READ_ONLY_SESSION'],
  }),
};

/** What a chat message carries when it delivers a document (contract). */
export const messageDocumentSchema = z.object({
  id: z.string(),
  category: z.enum(DOCUMENT_CATEGORIES),
  type: z.enum(GUIA_TYPES).nullable(),
  title: z.string(),
  competence: z.string().nullable(),
  dueDate: z.string().nullable(),
  amountCents: z.number().int().nullable(),
  status: z.enum(DOCUMENT_STATUSES).nullable(),
});
export type MessageDocument = z.infer<typeof messageDocumentSchema>;
