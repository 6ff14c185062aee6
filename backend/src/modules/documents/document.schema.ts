import { Schema, type Types } from 'mongoose';
import type { BatchItemStatus, DocumentCategory, GuiaType, TrailEvent } from '../../contract/index.js';

export interface TrailDoc {
  event: TrailEvent;
  at: Date;
  channel: string | null;
  ip: string | null;
  userAgent: string | null;
  note: string | null;
}

/** Who sent a document: staff of the firm or the client. */
export interface DocumentSender {
  kind: 'staff' | 'client';
  id: string;
  name: string;
}

/** A guia or document filed under a client. Stored status: `overdue` is derived (see effectiveStatus). */
export interface DocumentDoc {
  _id: Types.ObjectId;
  firmId: Types.ObjectId;
  clientId: Types.ObjectId;
  category: DocumentCategory;
  type: GuiaType | null;
  title: string;
  message: string | null;
  fileId: string;
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
  competence: string | null;
  dueDate: string | null;
  payUntil: string | null;
  amountCents: number | null;
  documentNumber: string | null;
  barcode: string | null;
  linhaDigitavel: string | null;
  pix: boolean;
  status: 'pending' | 'paid' | 'replaced' | null;
  origin: 'firm' | 'client';
  sender: DocumentSender;
  batchId: string | null;
  emailUntil: string | null;
  /** Times the client opened it; the first open moves the client's unopened count. */
  opens: number;
  openedAt: Date | null;
  downloadedAt: Date | null;
  paidAt: Date | null;
  receiptId: string | null;
  /** The seq of the chat message that delivered it (set once posted). */
  messageSeq: number | null;
  trail: TrailDoc[];
  createdAt: Date;
}

export const DOCUMENT_MODEL = 'Document';

export const documentSchema = new Schema<DocumentDoc>(
  {
    firmId: { type: Schema.Types.ObjectId, required: true },
    clientId: { type: Schema.Types.ObjectId, required: true },
    category: { type: String, required: true },
    type: { type: String, default: null },
    title: { type: String, required: true },
    message: { type: String, default: null },
    fileId: { type: String, required: true },
    fileName: { type: String, required: true },
    contentType: { type: String, required: true },
    size: { type: Number, required: true },
    sha256: { type: String, required: true },
    competence: { type: String, default: null },
    dueDate: { type: String, default: null },
    payUntil: { type: String, default: null },
    amountCents: { type: Number, default: null },
    documentNumber: { type: String, default: null },
    barcode: { type: String, default: null },
    linhaDigitavel: { type: String, default: null },
    pix: { type: Boolean, default: false },
    status: { type: String, default: null },
    origin: { type: String, required: true },
    sender: { kind: String, id: String, name: String },
    batchId: { type: String, default: null },
    emailUntil: { type: String, default: null },
    opens: { type: Number, default: 0 },
    openedAt: { type: Date, default: null },
    downloadedAt: { type: Date, default: null },
    paidAt: { type: Date, default: null },
    receiptId: { type: String, default: null },
    messageSeq: { type: Number, default: null },
    trail: {
      type: [
        { _id: false, event: String, at: Date, channel: String, ip: String, userAgent: String, note: String },
      ],
      default: [],
    },
    createdAt: { type: Date, required: true },
  },
  { collection: 'documents', versionKey: false, minimize: false },
);

/** One file of a batch and what became of it. */
export interface BatchItemDoc {
  _id: Types.ObjectId;
  firmId: Types.ObjectId;
  batchId: Types.ObjectId;
  fileId: string | null;
  fileName: string;
  size: number;
  sha256: string | null;
  status: BatchItemStatus;
  reason: string | null;
  clientId: string | null;
  clientName: string | null;
  documentId: string | null;
  /** What was read (kept for the review screen and a hand-picked client). */
  read: {
    type: GuiaType | null;
    cnpj: string | null;
    competence: string | null;
    dueDate: string | null;
    amountCents: number | null;
  } | null;
  createdAt: Date;
}
export const BATCH_ITEM_MODEL = 'BatchItem';
export const batchItemSchema = new Schema<BatchItemDoc>(
  {
    firmId: { type: Schema.Types.ObjectId, required: true },
    batchId: { type: Schema.Types.ObjectId, required: true },
    fileId: { type: String, default: null },
    fileName: { type: String, required: true },
    size: { type: Number, required: true },
    sha256: { type: String, default: null },
    status: { type: String, required: true },
    reason: { type: String, default: null },
    clientId: { type: String, default: null },
    clientName: { type: String, default: null },
    documentId: { type: String, default: null },
    read: { type: Schema.Types.Mixed, default: null },
    createdAt: { type: Date, required: true },
  },
  { collection: 'document_batch_items', versionKey: false, minimize: false },
);

export interface BatchDoc {
  _id: Types.ObjectId;
  firmId: Types.ObjectId;
  createdBy: { id: string; name: string };
  itemIds: string[];
  /** Items per status, moved on every transition (see BatchRepository.setItem). */
  counts: Record<BatchItemStatus, number>;
  createdAt: Date;
}
export const BATCH_MODEL = 'Batch';
export const batchSchema = new Schema<BatchDoc>(
  {
    firmId: { type: Schema.Types.ObjectId, required: true },
    createdBy: { id: String, name: String },
    itemIds: { type: [String], default: [] },
    counts: { type: Schema.Types.Mixed, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'document_batches', versionKey: false, minimize: false },
);
