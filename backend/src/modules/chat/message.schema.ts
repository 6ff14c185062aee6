import { Schema, type Types } from 'mongoose';

export interface MessageDoc {
  _id: Types.ObjectId;
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
  createdAt: Date;
}

export const MESSAGE_MODEL = 'Message';

export const messageSchema = new Schema<MessageDoc>(
  {
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
  },
  { collection: 'messages', timestamps: { createdAt: true, updatedAt: false } },
);
// History and sync read by (conversation, seq); also guarantees one message per seq.
messageSchema.index({ conversationId: 1, seq: 1 }, { unique: true });
// Inbox search over message text within the firm.
messageSchema.index({ firmId: 1, conversationId: 1 });
// A retried send (same clientMessageId from the same sender) stores one message.
messageSchema.index({ conversationId: 1, senderId: 1, clientMessageId: 1 }, { unique: true });
