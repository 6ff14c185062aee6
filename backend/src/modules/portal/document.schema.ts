import { Schema, type Types } from 'mongoose';

/** A guia or document filed under a client (filled by the guide-delivery queue and staff uploads). */
export interface DocumentDoc {
  _id: Types.ObjectId;
  firmId: Types.ObjectId;
  clientId: Types.ObjectId;
  kind: string;
  title: string;
  competence: string | null;
  dueDate: Date | null;
  amountCents: number | null;
  fileId: Types.ObjectId | null;
  createdAt: Date;
}

export const DOCUMENT_MODEL = 'Document';

export const documentSchema = new Schema<DocumentDoc>(
  {
    firmId: { type: Schema.Types.ObjectId, required: true },
    clientId: { type: Schema.Types.ObjectId, required: true },
    kind: { type: String, required: true },
    title: { type: String, required: true },
    competence: { type: String, default: null },
    dueDate: { type: Date, default: null },
    amountCents: { type: Number, default: null },
    fileId: { type: Schema.Types.ObjectId, default: null },
  },
  { collection: 'documents', timestamps: { createdAt: true, updatedAt: false } },
);
// The client's documents, newest first (Início and Processos).
documentSchema.index({ firmId: 1, clientId: 1, createdAt: -1 });
