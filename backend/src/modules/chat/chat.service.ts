import { Injectable } from '@nestjs/common';
import type {
  ConversationItem,
  ConversationListResponse,
  Message,
  MessageListResponse,
  MessagesQuery,
} from '../../contract/index.js';
import { notFound } from '../../common/errors.js';
import type { Principal, StaffPrincipal } from '../auth/principal.js';
import { ConversationRepository } from './conversation.repository.js';
import type { ConversationDoc } from './conversation.schema.js';
import { MessageRepository } from './message.repository.js';
import type { MessageDoc } from './message.schema.js';

export function toMessageDto(doc: MessageDoc): Message {
  return {
    id: String(doc._id),
    conversationId: String(doc.conversationId),
    seq: doc.seq,
    sender: { kind: doc.sender.kind, id: doc.sender.id, name: doc.sender.name },
    clientMessageId: doc.clientMessageId,
    text: doc.text,
    attachments: doc.attachments ?? [],
    createdAt: doc.createdAt.toISOString(),
  };
}

export function toConversationItem(doc: ConversationDoc): ConversationItem {
  return {
    id: String(doc._id),
    client: { id: String(doc.clientId), name: doc.clientName },
    lastMessageAt: doc.lastMessageAt ? doc.lastMessageAt.toISOString() : null,
    unreadForStaff: doc.unreadForStaff,
    pendingForClient: doc.pendingForClient,
    assigneeId: doc.assigneeId ? String(doc.assigneeId) : null,
  };
}

@Injectable()
export class ChatService {
  constructor(
    private readonly conversations: ConversationRepository,
    private readonly messages: MessageRepository,
  ) {}

  async inbox(caller: StaffPrincipal): Promise<ConversationListResponse> {
    const docs = await this.conversations.listForInbox(caller.firmId, 500);
    return { items: docs.map(toConversationItem) };
  }

  /** Staff of the firm, or the client the conversation belongs to; anyone else gets 404. */
  async history(caller: Principal, conversationId: string, q: MessagesQuery): Promise<MessageListResponse> {
    const conv = await this.conversations.findById(caller.firmId, conversationId);
    if (!conv || (caller.kind === 'client' && String(conv.clientId) !== caller.clientId)) {
      throw notFound('Conversation');
    }
    const docs = await this.messages.page(caller.firmId, conversationId, q);
    return { items: docs.map(toMessageDto) };
  }
}
