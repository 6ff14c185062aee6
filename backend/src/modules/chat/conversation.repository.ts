import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { type Model, Types } from 'mongoose';
import { CONVERSATION_MODEL, type ConversationDoc } from './conversation.schema.js';

@Injectable()
export class ConversationRepository {
  constructor(@InjectModel(CONVERSATION_MODEL) private readonly conversations: Model<ConversationDoc>) {}

  /** Creates the client's conversation, or returns the one it already has. */
  ensureForClient(firmId: string, clientId: string, clientName: string): Promise<ConversationDoc> {
    return this.conversations
      .findOneAndUpdate(
        { firmId, clientId },
        {
          $setOnInsert: {
            _id: new Types.ObjectId(),
            clientName,
            lastSeq: 0,
            lastMessageAt: null,
            lastMessage: null,
            staffReadSeq: 0,
            clientReadSeq: 0,
            unreadForStaff: 0,
            pendingForClient: 0,
            assigneeId: null,
          },
        },
        { upsert: true, returnDocument: 'after' },
      )
      .lean<ConversationDoc>()
      .orFail()
      .exec();
  }

  findById(firmId: string, conversationId: string): Promise<ConversationDoc | null> {
    return this.conversations.findOne({ _id: conversationId, firmId }).lean<ConversationDoc>().exec();
  }

  findByClientIds(firmId: string, clientIds: string[]): Promise<ConversationDoc[]> {
    return this.conversations
      .find({ firmId, clientId: { $in: clientIds } })
      .lean<ConversationDoc[]>()
      .exec();
  }

  /** Client ids whose conversation has messages waiting on either side. */
  async clientIdsWithPending(firmId: string): Promise<string[]> {
    const docs = await this.conversations
      .find({ firmId, $or: [{ pendingForClient: { $gt: 0 } }, { unreadForStaff: { $gt: 0 } }] })
      .lean<ConversationDoc[]>()
      .exec();
    return docs.map((d) => String(d.clientId));
  }

  listForInbox(firmId: string, limit: number): Promise<ConversationDoc[]> {
    return this.conversations
      .find({ firmId })
      .sort({ lastMessageAt: -1, _id: -1 })
      .limit(limit)
      .lean<ConversationDoc[]>()
      .exec();
  }

  async renameClient(firmId: string, clientId: string, clientName: string): Promise<void> {
    await this.conversations.updateOne({ firmId, clientId }, { $set: { clientName } }).exec();
  }
}
