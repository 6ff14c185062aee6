import { Schema, type Types } from 'mongoose';

export interface ConversationDoc {
  _id: Types.ObjectId;
  firmId: Types.ObjectId;
  clientId: Types.ObjectId;
  /** Denormalized for the inbox (no $lookup on our MongoDB-wire servers). */
  clientName: string;
  /** Highest seq handed out; the next message takes lastSeq + 1 atomically. */
  lastSeq: number;
  lastMessageAt: Date | null;
  lastMessage: { text: string; senderKind: 'staff' | 'client' | 'system' } | null;
  /** Messages sent by each side so far; a message stores the count as of its seq. */
  clientMsgCount: number;
  firmMsgCount: number;
  staffReadSeq: number;
  clientReadSeq: number;
  unreadForStaff: number;
  pendingForClient: number;
  /** When the unread reminder of each side fired (cleared by a read): the monitor shows it. */
  remindedStaffAt: Date | null;
  remindedClientAt: Date | null;
  /**
   * The reminder job (named by the seq that scheduled it) that claimed a side and has not
   * sent yet: if its worker dies mid-send, the same job run again may claim it again.
   */
  remindingStaffSeq?: number | null;
  remindingClientSeq?: number | null;
  assigneeId: Types.ObjectId | null;
  /**
   * Seqs handed out to messages not stored yet, by message id: a send that dies between
   * allocating and storing (node killed, database gone) is retried with the same id and
   * takes the same seq and counts, so the counters never count a message twice or one
   * that was never stored. Removed once the message is stored.
   */
  allocations?: Record<string, Allocation>;
  createdAt: Date;
  updatedAt: Date;
}

/** A seq handed out, and each side's message count as of it (what the message stores). */
export interface Allocation {
  seq: number;
  clientCount: number;
  firmCount: number;
  at: Date;
}

export const CONVERSATION_MODEL = 'Conversation';

export const conversationSchema = new Schema<ConversationDoc>(
  {
    firmId: { type: Schema.Types.ObjectId, required: true },
    clientId: { type: Schema.Types.ObjectId, required: true },
    clientName: { type: String, required: true },
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
    remindingStaffSeq: { type: Number, default: null },
    remindingClientSeq: { type: Number, default: null },
    allocations: { type: Schema.Types.Mixed, default: () => ({}) },
  },
  { collection: 'conversations', timestamps: true, minimize: false },
);
// One conversation per client; also how a client's conversation is found.
conversationSchema.index({ firmId: 1, clientId: 1 }, { unique: true });
// Inbox: the firm's conversations by last activity (also filtered by assignee).
conversationSchema.index({ firmId: 1, lastMessageAt: -1 });
// Monitor and the "pending" client filter: conversations with messages waiting.
conversationSchema.index({ firmId: 1, unreadForStaff: 1 });
conversationSchema.index({ firmId: 1, pendingForClient: 1 });
