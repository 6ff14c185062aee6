import { Schema, type Types } from 'mongoose';
import type { MessageDocument, MessageServiceOrder } from '../../contract/index.js';

export interface MessageDoc {
  /** `<conversationId>:<seq>` (messageId): history and sync read messages by _id alone. */
  _id: string;
  firmId: Types.ObjectId;
  conversationId: Types.ObjectId;
  seq: number;
  sender: { kind: 'staff' | 'client' | 'system'; id: string; name: string };
  /** Copy of sender.id at the top level for the idempotency index. */
  senderId: string;
  clientMessageId: string;
  /** Messages each side had sent up to and including this seq: read receipts derive unread counts from them. */
  clientCount: number;
  firmCount: number;
  text: string;
  attachments: { id: string; name: string; contentType: string; size: number }[];
  /** The document this message delivers (its card), as it was when delivered. */
  document?: MessageDocument | null;
  /** The ordem de serviço this message follows (its card), as it was then. */
  serviceOrder?: MessageServiceOrder | null;
  createdAt: Date;
}

export const MESSAGE_MODEL = 'Message';

/** A message's _id: its conversation and seq, so a page of history is a set of _id lookups. */
export function messageId(conversationId: string, seq: number): string {
  return `${conversationId}:${seq}`;
}

export const messageSchema = new Schema<MessageDoc>(
  {
    _id: { type: String, required: true },
    firmId: { type: Schema.Types.ObjectId, required: true },
    conversationId: { type: Schema.Types.ObjectId, required: true },
    seq: { type: Number, required: true },
    sender: { kind: String, id: String, name: String },
    senderId: { type: String, required: true },
    clientMessageId: { type: String, required: true },
    clientCount: { type: Number, required: true },
    firmCount: { type: Number, required: true },
    text: { type: String, required: true },
    attachments: { type: [{ id: String, name: String, contentType: String, size: Number }], default: [] },
    document: { type: Schema.Types.Mixed, default: undefined },
    serviceOrder: { type: Schema.Types.Mixed, default: undefined },
    createdAt: { type: Date, required: true },
  },
  { collection: 'messages', timestamps: false, versionKey: false },
);
// One message per seq (the _id says the same; MongoDB serves (conversationId, seq) range reads from it).
messageSchema.index({ conversationId: 1, seq: 1 }, { unique: true });
// A retried send (same clientMessageId from the same sender) stores one message.
messageSchema.index({ conversationId: 1, senderId: 1, clientMessageId: 1 }, { unique: true });
