import { z } from 'zod';
import { idParamSchema } from './common.js';
import { messageDocumentSchema } from './documents.js';
import { endpoint } from './endpoint.js';
import { messageServiceOrderSchema } from './services.js';

export const senderSchema = z.object({
  kind: z.enum(['staff', 'client', 'system']),
  id: z.string(),
  name: z.string(),
});

export const attachmentSchema = z.object({
  id: z.string(),
  name: z.string(),
  contentType: z.string(),
  size: z.number().int(),
});

export const messageSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  seq: z.number().int(),
  sender: senderSchema,
  clientMessageId: z.string(),
  text: z.string(),
  attachments: z.array(attachmentSchema),
  createdAt: z.string(),
  /** Set when the message delivers a document or guia (the card in the chat). */
  document: messageDocumentSchema.optional(),
  /** Set when the message follows an ordem de serviço (opened, status change, note, reply). */
  serviceOrder: messageServiceOrderSchema.optional(),
});
export type Message = z.infer<typeof messageSchema>;

export const conversationItemSchema = z.object({
  id: z.string(),
  client: z.object({ id: z.string(), name: z.string() }),
  lastMessageAt: z.string().nullable(),
  unreadForStaff: z.number().int(),
  pendingForClient: z.number().int(),
  assigneeId: z.string().nullable(),
  /** Preview for the inbox row. */
  lastMessage: z
    .object({ seq: z.number().int(), text: z.string(), senderKind: z.enum(['staff', 'client', 'system']) })
    .nullable(),
  lastSeq: z.number().int(),
  /** The client has the portal open right now. */
  clientOnline: z.boolean(),
  /** Read pointers: everything up to this seq was read by that side (read receipts). */
  staffReadSeq: z.number().int(),
  clientReadSeq: z.number().int(),
});
export type ConversationItem = z.infer<typeof conversationItemSchema>;
export const conversationListResponseSchema = z.object({ items: z.array(conversationItemSchema) });
export type ConversationListResponse = z.infer<typeof conversationListResponseSchema>;

export const INBOX_FILTERS = ['all', 'mine', 'unassigned'] as const;
export const inboxQuerySchema = z.object({
  filter: z.enum(INBOX_FILTERS).default('all'),
  search: z.string().trim().max(200).optional(),
});
export type InboxQuery = z.infer<typeof inboxQuerySchema>;

export const assignRequestSchema = z.object({
  assigneeId: z
    .string()
    .regex(/^[0-9a-f]{24}$/)
    .nullable(),
});
export type AssignRequest = z.infer<typeof assignRequestSchema>;

/** Monitor: one row per conversation and direction with messages waiting. */
export const monitorItemSchema = z.object({
  conversationId: z.string(),
  client: z.object({ id: z.string(), name: z.string() }),
  /** toClient: firm messages the client hasn't read; toStaff: client messages staff hasn't read. */
  direction: z.enum(['toClient', 'toStaff']),
  count: z.number().int(),
  /** When the oldest unread message was sent (ISO). */
  oldestAt: z.string(),
  waitingSeconds: z.number().int(),
  /** The unread reminder fired for it (the recipient was notified). */
  reminded: z.boolean(),
});
export type MonitorItem = z.infer<typeof monitorItemSchema>;
export const monitorResponseSchema = z.object({
  items: z.array(monitorItemSchema),
  staffOnline: z.array(z.object({ id: z.string(), name: z.string() })),
});
export type MonitorResponse = z.infer<typeof monitorResponseSchema>;

export const fileItemSchema = attachmentSchema;
export type FileItem = z.infer<typeof fileItemSchema>;

export const messagesQuerySchema = z.object({
  afterSeq: z.coerce.number().int().min(0).optional(),
  beforeSeq: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type MessagesQuery = z.infer<typeof messagesQuerySchema>;
export const messageListResponseSchema = z.object({ items: z.array(messageSchema) });
export type MessageListResponse = z.infer<typeof messageListResponseSchema>;

const conversationIdParams = z.object({ id: idParamSchema });

export const chatApi = {
  inbox: endpoint({
    method: 'GET',
    path: '/conversations',
    summary: 'Inbox',
    access: { kind: 'staff' },
    query: inboxQuerySchema,
    response: conversationListResponseSchema,
    errors: ['VALIDATION_FAILED'],
  }),
  get: endpoint({
    method: 'GET',
    path: '/conversations/:id',
    summary: 'One conversation (client needs `chat`)',
    access: { kind: 'staffOrClient', permission: 'chat' },
    params: conversationIdParams,
    resource: 'Conversation',
    response: conversationItemSchema,
    errors: ['NOT_FOUND', 'PERMISSION_DENIED'],
  }),
  assign: endpoint({
    method: 'PUT',
    path: '/conversations/:id/assignee',
    summary: 'Assign the conversation to a team member (or nobody)',
    access: { kind: 'staff' },
    params: conversationIdParams,
    resource: 'Conversation',
    body: assignRequestSchema,
    response: conversationItemSchema,
    errors: ['VALIDATION_FAILED', 'NOT_FOUND'],
  }),
  messages: endpoint({
    method: 'GET',
    path: '/conversations/:id/messages',
    summary: 'Message history, ascending by seq (client needs `chat`)',
    access: { kind: 'staffOrClient', permission: 'chat' },
    params: conversationIdParams,
    resource: 'Conversation',
    query: messagesQuerySchema,
    response: messageListResponseSchema,
    errors: ['VALIDATION_FAILED', 'PERMISSION_DENIED', 'NOT_FOUND'],
  }),
  monitor: endpoint({
    method: 'GET',
    path: '/monitor',
    summary: 'Conversations waiting on the firm, for the monitor screen',
    access: { kind: 'staff' },
    response: monitorResponseSchema,
  }),
};
