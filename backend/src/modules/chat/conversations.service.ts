import { Injectable } from '@nestjs/common';
import { ConversationRepository } from './conversation.repository.js';
import type { ConversationDoc } from './conversation.schema.js';

type Side = 'staff' | 'client';

/**
 * What other modules may do with conversations: clients keep one per client and show its
 * counters, notifications claim reminders. Messages and the chat rules stay in ChatService.
 */
@Injectable()
export class ConversationsService {
  constructor(private readonly conversations: ConversationRepository) {}

  /** Creates the client's conversation, or returns the one it already has. */
  ensureForClient(firmId: string, clientId: string, clientName: string): Promise<ConversationDoc> {
    return this.conversations.ensureForClient(firmId, clientId, clientName);
  }

  /** The same for many clients in a few writes: client id → conversation id. */
  ensureForClients(firmId: string, clients: { id: string; name: string }[]): Promise<Map<string, string>> {
    return this.conversations.ensureForClients(firmId, clients);
  }

  findById(firmId: string, conversationId: string): Promise<ConversationDoc | null> {
    return this.conversations.findById(firmId, conversationId);
  }

  findByClientIds(firmId: string, clientIds: string[]): Promise<ConversationDoc[]> {
    return this.conversations.findByClientIds(firmId, clientIds);
  }

  /** Clients whose conversation has something unread on either side. */
  clientIdsWithPending(firmId: string): Promise<string[]> {
    return this.conversations.clientIdsWithPending(firmId);
  }

  renameClient(firmId: string, clientId: string, clientName: string): Promise<void> {
    return this.conversations.renameClient(firmId, clientId, clientName);
  }

  /** See ConversationRepository.claimReminder. */
  claimReminder(
    firmId: string,
    conversationId: string,
    side: Side,
    at: Date,
    jobSeq: number,
  ): Promise<boolean> {
    return this.conversations.claimReminder(firmId, conversationId, side, at, jobSeq);
  }

  reminderSent(firmId: string, conversationId: string, side: Side, jobSeq: number): Promise<void> {
    return this.conversations.reminderSent(firmId, conversationId, side, jobSeq);
  }

  releaseReminder(firmId: string, conversationId: string, side: Side): Promise<void> {
    return this.conversations.releaseReminder(firmId, conversationId, side);
  }
}
