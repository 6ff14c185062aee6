import { Schema, type Types } from 'mongoose';

export interface ConversationDoc {
  _id: Types.ObjectId;
  firmId: Types.ObjectId;
  clientId: Types.ObjectId;
  /** Denormalized for the inbox (no $lookup on our MongoDB-wire servers). */
  clientName: string;
  /** The client's CNPJ as stored (the inbox search finds conversations by it); missing on documents from before it was kept here until the start that fills it in. */
  clientCnpj?: string;
  /** Highest seq handed out; the next message takes lastSeq + 1 atomically. */
  lastSeq: number;
  lastMessageAt: Date | null;
  lastMessage: { text: string; senderKind: 'staff' | 'client' | 'system' } | null;
  /** Messages sent by each side so far; a message stores the count as of its seq. */
  clientMsgCount: number;
  firmMsgCount: number;
  staffReadSeq: number;
  clientReadSeq: number;
  /**
   * Client messages the staff has read (the clientCount of the message at staffReadSeq), and
   * firm messages the client has read: unread = the other side's count − this. Both only
   * grow ($max), so concurrent reads and sends never need a read-modify-write.
   */
  staffReadCount?: number;
  clientReadCount?: number;
  /** Unread counts as stored before read counts existed: the read counts derive from them. */
  unreadForStaff: number;
  pendingForClient: number;
  /**
   * When each side's oldest unread message was sent, as facts about one message each (see
   * UnreadSince in chat-state.repository.ts): the copy of Redis's, written behind.
   */
  staffUnreadSince?: { count: number; at: Date } | null;
  clientUnreadSince?: { count: number; at: Date } | null;
  /** When the unread reminder of each side fired (cleared by a read): the monitor shows it. */
  remindedStaffAt: Date | null;
  remindedClientAt: Date | null;
  assigneeId: Types.ObjectId | null;
  createdAt: Date;
  updatedAt: Date;
}

export const CONVERSATION_MODEL = 'Conversation';

export const conversationSchema = new Schema<ConversationDoc>(
  {
    firmId: { type: Schema.Types.ObjectId, required: true },
    clientId: { type: Schema.Types.ObjectId, required: true },
    clientName: { type: String, required: true },
    clientCnpj: { type: String },
    lastSeq: { type: Number, required: true, default: 0 },
    lastMessageAt: { type: Date, default: null },
    lastMessage: { type: Schema.Types.Mixed, default: null },
    clientMsgCount: { type: Number, required: true, default: 0 },
    firmMsgCount: { type: Number, required: true, default: 0 },
    staffReadSeq: { type: Number, required: true, default: 0 },
    clientReadSeq: { type: Number, required: true, default: 0 },
    unreadForStaff: { type: Number, required: true, default: 0 },
    pendingForClient: { type: Number, required: true, default: 0 },
    assigneeId: { type: Schema.Types.ObjectId, default: null },
    remindedStaffAt: { type: Date, default: null },
    remindedClientAt: { type: Date, default: null },
    staffReadCount: { type: Number, default: 0 },
    clientReadCount: { type: Number, default: 0 },
    staffUnreadSince: { type: Schema.Types.Mixed, default: null },
    clientUnreadSince: { type: Schema.Types.Mixed, default: null },
  },
  { collection: 'conversations', timestamps: true, minimize: false },
);
// One conversation per client; also how a client's conversation is found.
conversationSchema.index({ firmId: 1, clientId: 1 }, { unique: true });
// The firm's conversations are listed through its directory (IdDirectory) and read by _id.
