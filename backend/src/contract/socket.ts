import { z } from 'zod';
import { ErrorCode } from './common.js';
import { messageSchema } from './chat.js';
import { batchItemSchema, documentSchema } from './documents.js';
import { serviceOrderSchema } from './services.js';

/**
 * Socket.IO events (contract), as data: one table per direction, each event with its
 * payload schema and, for the acked ones, its ack schema. The gateway validates incoming
 * payloads with these schemas, a boot check matches its handlers against the client→server
 * table, and the typed maps used as Server<...> and Socket<...> are derived from the tables,
 * so the list exists once.
 */

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
export type ConversationReadPayload = z.infer<typeof conversationReadSchema>;
export const typingSchema = z.object({ conversationId: z.string(), typing: z.boolean() });
export type TypingPayload = z.infer<typeof typingSchema>;
/** Largest page `sync` returns, and its default. */
export const SYNC_MAX_LIMIT = 500;
export const syncSchema = z.object({
  conversationId: z.string(),
  afterSeq: z.number().int().min(0),
  limit: z.number().int().min(1).max(SYNC_MAX_LIMIT).default(SYNC_MAX_LIMIT),
});
/** What a client sends (`limit` may be left out)… */
export type SyncPayload = z.input<typeof syncSchema>;
/** …and what the server works with once it is validated. */
export type SyncInput = z.output<typeof syncSchema>;

/** `retryAfterMs` comes with RATE_LIMITED and OVERLOADED: when the same event may succeed. */
export const ackErrorSchema = z.object({
  ok: z.literal(false),
  error: z.object({
    code: z.enum(ErrorCode),
    message: z.string(),
    retryAfterMs: z.number().optional(),
    /** INTERNAL only: the id of the server log entry. */
    errorId: z.string().optional(),
  }),
});
export type AckError = z.infer<typeof ackErrorSchema>;
export type Ack<T extends object = object> = ({ ok: true } & T) | AckError;

/** `{ok: true, ...shape}` or the error ack. */
const ackOf = <S extends z.ZodRawShape>(shape: S) =>
  z.union([z.object({ ok: z.literal(true), ...shape }), ackErrorSchema]);

export const SESSION_REVOKED_REASONS = [
  'blocked',
  'logout',
  'disabled',
  'removed',
  'password_changed',
] as const;
export type SessionRevokedReason = (typeof SESSION_REVOKED_REASONS)[number];

const side = z.enum(['staff', 'client']);

/** Events a client emits; `ack` is there for the ones the server answers. */
export const clientToServerEvents = {
  'message:send': { payload: messageSendSchema, ack: ackOf({ message: messageSchema }) },
  'conversation:read': { payload: conversationReadSchema, ack: ackOf({}) },
  /** Relayed to the other side only; invalid ones are dropped. */
  typing: { payload: typingSchema },
  /** Messages after `afterSeq`, ascending, at most `limit`; call again from the last seq while `hasMore`. */
  sync: {
    payload: syncSchema,
    ack: ackOf({ messages: z.array(messageSchema), hasMore: z.boolean() }),
  },
} satisfies Record<string, { payload: z.ZodType; ack?: z.ZodType }>;

/** Events the server emits. */
export const serverToClientEvents = {
  'message:new': { payload: messageSchema },
  'conversation:read': {
    payload: z.object({ conversationId: z.string(), side, seq: z.number().int() }),
  },
  typing: { payload: typingSchema },
  'presence:firm': { payload: z.object({ online: z.boolean() }) },
  unread: {
    payload: z.object({
      conversationId: z.string(),
      unreadForStaff: z.number().int(),
      pendingForClient: z.number().int(),
    }),
  },
  'session:revoked': { payload: z.object({ reason: z.enum(SESSION_REVOKED_REASONS) }) },
  /** To staff: a colleague or a client came online or went offline (not in the acceptance contract). */
  'presence:staff': { payload: z.object({ staffId: z.string(), online: z.boolean() }) },
  'presence:client': { payload: z.object({ clientId: z.string(), online: z.boolean() }) },
  /** To staff: a conversation's assignee changed. */
  'conversation:assigned': {
    payload: z.object({ conversationId: z.string(), assigneeId: z.string().nullable() }),
  },
  /** To staff of the firm: an item of a batch of guias changed (contract). */
  'batch:progress': { payload: z.object({ batchId: z.string(), item: batchItemSchema }) },
  /** To the firm's staff and the client: a document changed (opened, paid, replaced…). */
  'document:updated': { payload: z.object({ document: documentSchema }) },
  /** To the firm's staff and (with `serviceForms`) the client: an ordem de serviço changed (contract). */
  'service-order:updated': { payload: z.object({ order: serviceOrderSchema }) },
} satisfies Record<string, { payload: z.ZodType }>;

type ClientTable = typeof clientToServerEvents;
export type ClientEventName = keyof ClientTable;
/** The client→server events the server answers with an ack (the last argument). */
export type AckedEventName = {
  [E in ClientEventName]: ClientTable[E] extends { ack: z.ZodType } ? E : never;
}[ClientEventName];
/** A client→server payload as a client sends it. */
export type ClientEventPayload<E extends ClientEventName> = z.input<ClientTable[E]['payload']>;
/** A client→server payload as the server's handler receives it: validated, defaults applied. */
export type ClientEventInput<E extends ClientEventName> = z.output<ClientTable[E]['payload']>;
/** The ack of an acked event. */
export type AckOf<E extends AckedEventName> = z.output<ClientTable[E]['ack']>;

export type ClientToServerEvents = {
  [E in ClientEventName]: ClientTable[E] extends { ack: z.ZodType }
    ? (p: ClientEventPayload<E>, ack: (r: z.output<ClientTable[E]['ack']>) => void) => void
    : (p: ClientEventPayload<E>) => void;
};

type ServerTable = typeof serverToClientEvents;
export type ServerToClientEvents = {
  [E in keyof ServerTable]: (p: z.output<ServerTable[E]['payload']>) => void;
};
