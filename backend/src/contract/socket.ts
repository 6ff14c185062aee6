import { z } from 'zod';
import type { Message } from './chat.js';

/** Socket.IO events (contract). One map per direction, used as Server<...> and Socket<...>. */

export const messageSendSchema = z.object({
  conversationId: z.string().optional(),
  clientMessageId: z.string().min(1).max(100),
  text: z.string().min(1).max(10_000),
  /** Ids from POST /api/files, uploaded by the same sender. */
  attachmentIds: z
    .array(z.string().regex(/^[0-9a-f]{24}$/))
    .max(10)
    .optional(),
});
export type MessageSendPayload = z.infer<typeof messageSendSchema>;

export const conversationReadSchema = z.object({
  conversationId: z.string(),
  seq: z.number().int().min(0),
});
export const typingSchema = z.object({ conversationId: z.string(), typing: z.boolean() });
/** Largest page `sync` returns, and its default. */
export const SYNC_MAX_LIMIT = 500;
export const syncSchema = z.object({
  conversationId: z.string(),
  afterSeq: z.number().int().min(0),
  limit: z.number().int().min(1).max(SYNC_MAX_LIMIT).default(SYNC_MAX_LIMIT),
});
export type SyncPayload = z.input<typeof syncSchema>;

/** `retryAfterMs` comes with RATE_LIMITED and OVERLOADED: when the same event may succeed. */
export type AckError = { ok: false; error: { code: string; message: string; retryAfterMs?: number } };
export type Ack<T extends object = object> = ({ ok: true } & T) | AckError;

export interface ServerToClientEvents {
  'message:new': (message: Message) => void;
  'conversation:read': (p: { conversationId: string; side: 'staff' | 'client'; seq: number }) => void;
  typing: (p: { conversationId: string; typing: boolean }) => void;
  'presence:firm': (p: { online: boolean }) => void;
  unread: (p: { conversationId: string; unreadForStaff: number; pendingForClient: number }) => void;
  'session:revoked': (p: { reason: SessionRevokedReason }) => void;
  /** To staff: a colleague or a client came online or went offline (not in the acceptance contract). */
  'presence:staff': (p: { staffId: string; online: boolean }) => void;
  'presence:client': (p: { clientId: string; online: boolean }) => void;
  /** To staff: a conversation's assignee changed. */
  'conversation:assigned': (p: { conversationId: string; assigneeId: string | null }) => void;
}

export type SessionRevokedReason = 'blocked' | 'logout' | 'disabled' | 'removed' | 'password_changed';

export interface ClientToServerEvents {
  'message:send': (p: MessageSendPayload, ack: (r: Ack<{ message: Message }>) => void) => void;
  'conversation:read': (p: z.infer<typeof conversationReadSchema>, ack: (r: Ack) => void) => void;
  typing: (p: z.infer<typeof typingSchema>) => void;
  /** Messages after `afterSeq`, ascending, at most `limit`; call again from the last seq while `hasMore`. */
  sync: (p: SyncPayload, ack: (r: Ack<{ messages: Message[]; hasMore: boolean }>) => void) => void;
}
