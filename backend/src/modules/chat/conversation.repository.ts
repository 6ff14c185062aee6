import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { type Model, Types } from 'mongoose';
import { findByIdInFirm } from '../../infra/mongo.util.js';
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
            clientMsgCount: 0,
            firmMsgCount: 0,
            remindedStaffAt: null,
            remindedClientAt: null,
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
    return findByIdInFirm(this.conversations, conversationId, firmId);
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

  /**
   * Hands out the next seq and counts the message for its side, atomically:
   * concurrent senders on both sides each get their own seq.
   */
  allocate(
    firmId: string,
    conversationId: string,
    from: 'client' | 'firm',
    preview: { text: string; senderKind: 'staff' | 'client' | 'system' },
    at: Date,
  ): Promise<ConversationDoc | null> {
    // Both counters are always incremented (one by 0) so a document from before they existed gets both.
    const inc =
      from === 'client'
        ? { lastSeq: 1, clientMsgCount: 1, firmMsgCount: 0, unreadForStaff: 1, pendingForClient: 0 }
        : { lastSeq: 1, firmMsgCount: 1, clientMsgCount: 0, pendingForClient: 1, unreadForStaff: 0 };
    return this.conversations
      .findOneAndUpdate(
        { _id: conversationId, firmId },
        { $inc: inc, $set: { lastMessageAt: at, lastMessage: preview } },
        { returnDocument: 'after' },
      )
      .lean<ConversationDoc>()
      .exec();
  }

  /**
   * Moves one side's read pointer forward and sets its unread count, but only
   * if the other side's message count is still the one the count was derived
   * from (optimistic concurrency): returns false when a message slipped in.
   */
  async advanceRead(
    firmId: string,
    conversationId: string,
    side: 'staff' | 'client',
    seq: number,
    unread: number,
    expectedOtherCount: number,
  ): Promise<boolean> {
    const [readField, countField, unreadField, remindedField] =
      side === 'staff'
        ? ['staffReadSeq', 'clientMsgCount', 'unreadForStaff', 'remindedStaffAt']
        : ['clientReadSeq', 'firmMsgCount', 'pendingForClient', 'remindedClientAt'];
    const res = await this.conversations
      .updateOne(
        { _id: conversationId, firmId, [readField]: { $lt: seq }, [countField]: expectedOtherCount },
        {
          $set: {
            [readField]: seq,
            [unreadField]: unread,
            ...(unread === 0 ? { [remindedField]: null } : {}),
          },
        },
      )
      .exec();
    return res.modifiedCount === 1;
  }

  /** Claims a side's reminder: true for the one caller that set it, so the recipient is told once. */
  async claimReminder(
    firmId: string,
    conversationId: string,
    side: 'staff' | 'client',
    at: Date,
  ): Promise<boolean> {
    const [field, unreadField] =
      side === 'staff' ? ['remindedStaffAt', 'unreadForStaff'] : ['remindedClientAt', 'pendingForClient'];
    const res = await this.conversations
      .updateOne(
        { _id: conversationId, firmId, [field]: null, [unreadField]: { $gt: 0 } },
        { $set: { [field]: at } },
      )
      .exec();
    return res.modifiedCount === 1;
  }

  async releaseReminder(firmId: string, conversationId: string, side: 'staff' | 'client'): Promise<void> {
    const field = side === 'staff' ? 'remindedStaffAt' : 'remindedClientAt';
    await this.conversations.updateOne({ _id: conversationId, firmId }, { $set: { [field]: null } }).exec();
  }

  setAssignee(
    firmId: string,
    conversationId: string,
    assigneeId: string | null,
  ): Promise<ConversationDoc | null> {
    return this.conversations
      .findOneAndUpdate(
        { _id: conversationId, firmId },
        { $set: { assigneeId } },
        { returnDocument: 'after' },
      )
      .lean<ConversationDoc>()
      .exec();
  }

  /** Inbox rows; `onlyIds` narrows to conversations whose text matched a search. */
  list(
    firmId: string,
    q: { assignee?: string | null; clientNameRegex?: string; onlyIds?: string[]; limit: number },
  ): Promise<ConversationDoc[]> {
    const filter: Record<string, unknown> = { firmId };
    if (q.assignee !== undefined) filter.assigneeId = q.assignee;
    const or: Record<string, unknown>[] = [];
    if (q.clientNameRegex) or.push({ clientName: { $regex: q.clientNameRegex, $options: 'i' } });
    if (q.onlyIds) or.push({ _id: { $in: q.onlyIds } });
    if (or.length) filter.$or = or;
    return this.conversations
      .find(filter)
      .sort({ lastMessageAt: -1, _id: -1 })
      .limit(q.limit)
      .lean<ConversationDoc[]>()
      .exec();
  }

  /** Conversations with messages waiting on either side (monitor). */
  listWaiting(firmId: string): Promise<ConversationDoc[]> {
    return this.conversations
      .find({ firmId, $or: [{ pendingForClient: { $gt: 0 } }, { unreadForStaff: { $gt: 0 } }] })
      .lean<ConversationDoc[]>()
      .exec();
  }

  async renameClient(firmId: string, clientId: string, clientName: string): Promise<void> {
    await this.conversations.updateOne({ firmId, clientId }, { $set: { clientName } }).exec();
  }
}
