import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { type Model, Types } from 'mongoose';
import { findByIdInFirm, isDuplicateKey } from '../../infra/mongo.util.js';
import { type Allocation, CONVERSATION_MODEL, type ConversationDoc } from './conversation.schema.js';

const ABANDONED_AFTER_MS = 24 * 3600 * 1000;

/** A client's conversation before its first message. */
function newConversation(clientName: string) {
  return {
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
  };
}

@Injectable()
export class ConversationRepository {
  constructor(@InjectModel(CONVERSATION_MODEL) private readonly conversations: Model<ConversationDoc>) {}

  /** Creates the client's conversation, or returns the one it already has. */
  ensureForClient(firmId: string, clientId: string, clientName: string): Promise<ConversationDoc> {
    return this.conversations
      .findOneAndUpdate(
        { firmId, clientId },
        {
          $setOnInsert: newConversation(clientName),
        },
        { upsert: true, returnDocument: 'after' },
      )
      .lean<ConversationDoc>()
      .orFail()
      .exec();
  }

  /**
   * ensureForClient for many clients in three round trips, not a filtered upsert
   * each (FerretDB scans the collection for every one). Returns clientId → conversationId.
   */
  async ensureForClients(
    firmId: string,
    clients: { id: string; name: string }[],
  ): Promise<Map<string, string>> {
    const ids = clients.map((c) => c.id);
    const have = async () =>
      new Map((await this.findByClientIds(firmId, ids)).map((c) => [String(c.clientId), String(c._id)]));
    const existing = await have();
    const missing = clients.filter((c) => !existing.has(c.id));
    if (!missing.length) return existing;
    try {
      await this.conversations.insertMany(
        missing.map((c) => ({ ...newConversation(c.name), firmId, clientId: c.id })),
        { ordered: false },
      );
    } catch (err) {
      // A concurrent enable created some of them first (unique firmId+clientId): theirs stand.
      if (!isDuplicateKey(err)) throw err;
    }
    return have();
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
   * Hands out the next seq to message `messageId` and counts it for its side, if nobody
   * else took that seq since `conv` was read (returns null then: read again and retry).
   * Concurrent senders on both sides each get their own seq. The allocation is recorded
   * under the message id until `allocated` is called, so a retry after a crash reuses it.
   */
  allocate(
    firmId: string,
    conv: ConversationDoc,
    messageId: string,
    from: 'client' | 'firm',
    preview: { text: string; senderKind: 'staff' | 'client' | 'system' },
    at: Date,
  ): Promise<ConversationDoc | null> {
    // Both counters are always incremented (one by 0) so a document from before they existed gets both.
    const inc =
      from === 'client'
        ? { lastSeq: 1, clientMsgCount: 1, firmMsgCount: 0, unreadForStaff: 1, pendingForClient: 0 }
        : { lastSeq: 1, firmMsgCount: 1, clientMsgCount: 0, pendingForClient: 1, unreadForStaff: 0 };
    const allocation: Allocation = {
      seq: conv.lastSeq + 1,
      clientCount: (conv.clientMsgCount ?? 0) + inc.clientMsgCount,
      firmCount: (conv.firmMsgCount ?? 0) + inc.firmMsgCount,
      at,
    };
    // Records of sends abandoned for a day (their sender never retried) go with this write.
    const stale = Object.entries(conv.allocations ?? {})
      .filter(([, a]) => at.getTime() - new Date(a.at).getTime() > ABANDONED_AFTER_MS)
      .map(([id]) => [`allocations.${id}`, ''] as const);
    return this.conversations
      .findOneAndUpdate(
        // lastSeq, not only _id: the counts above are only right if no seq was taken since.
        { _id: conv._id, firmId, lastSeq: conv.lastSeq },
        {
          $inc: inc,
          $set: { lastMessageAt: at, lastMessage: preview, [`allocations.${messageId}`]: allocation },
          ...(stale.length ? { $unset: Object.fromEntries(stale) } : {}),
        },
        { returnDocument: 'after' },
      )
      .lean<ConversationDoc>()
      .exec();
  }

  /** The message an allocation was for is stored: its record is no longer needed. */
  async allocated(firmId: string, conversationId: string, messageId: string): Promise<void> {
    await this.conversations
      .updateOne({ _id: conversationId, firmId }, { $unset: { [`allocations.${messageId}`]: '' } })
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

  /**
   * Claims a side's reminder for the job scheduled by message `jobSeq`: true for the one
   * job that set it, so the recipient is told once. The same job run again (its worker
   * died before `reminderSent`) may take its own claim again; no other job can.
   */
  async claimReminder(
    firmId: string,
    conversationId: string,
    side: 'staff' | 'client',
    at: Date,
    jobSeq: number,
  ): Promise<boolean> {
    const [field, claimField, unreadField] =
      side === 'staff'
        ? ['remindedStaffAt', 'remindingStaffSeq', 'unreadForStaff']
        : ['remindedClientAt', 'remindingClientSeq', 'pendingForClient'];
    const res = await this.conversations
      .updateOne(
        {
          _id: conversationId,
          firmId,
          [unreadField]: { $gt: 0 },
          $or: [{ [field]: null }, { [claimField]: jobSeq }],
        },
        { $set: { [field]: at, [claimField]: jobSeq } },
      )
      .exec();
    return res.modifiedCount === 1;
  }

  /** The claiming job has sent its reminder: running it again must not send another. */
  async reminderSent(
    firmId: string,
    conversationId: string,
    side: 'staff' | 'client',
    jobSeq: number,
  ): Promise<void> {
    const claimField = side === 'staff' ? 'remindingStaffSeq' : 'remindingClientSeq';
    await this.conversations
      .updateOne({ _id: conversationId, firmId, [claimField]: jobSeq }, { $set: { [claimField]: null } })
      .exec();
  }

  async releaseReminder(firmId: string, conversationId: string, side: 'staff' | 'client'): Promise<void> {
    const [field, claimField] =
      side === 'staff'
        ? ['remindedStaffAt', 'remindingStaffSeq']
        : ['remindedClientAt', 'remindingClientSeq'];
    await this.conversations
      .updateOne({ _id: conversationId, firmId }, { $set: { [field]: null, [claimField]: null } })
      .exec();
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
