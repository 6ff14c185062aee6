import { z } from 'zod';

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
});
export type Message = z.infer<typeof messageSchema>;

export const conversationItemSchema = z.object({
  id: z.string(),
  client: z.object({ id: z.string(), name: z.string() }),
  lastMessageAt: z.string().nullable(),
  unreadForStaff: z.number().int(),
  pendingForClient: z.number().int(),
  assigneeId: z.string().nullable(),
});
export type ConversationItem = z.infer<typeof conversationItemSchema>;
export const conversationListResponseSchema = z.object({ items: z.array(conversationItemSchema) });
export type ConversationListResponse = z.infer<typeof conversationListResponseSchema>;

export const messagesQuerySchema = z.object({
  afterSeq: z.coerce.number().int().min(0).optional(),
  beforeSeq: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type MessagesQuery = z.infer<typeof messagesQuerySchema>;
export const messageListResponseSchema = z.object({ items: z.array(messageSchema) });
export type MessageListResponse = z.infer<typeof messageListResponseSchema>;
