import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { type Model, type QueryFilter, Types } from 'mongoose';
import { escapeRegex, findByIdInFirm, isDuplicateKey } from '../../infra/mongo.util.js';
import { MESSAGE_MODEL, type MessageDoc } from './message.schema.js';

/**
 * A message's _id is derived from its idempotency key, so a retried send finds
 * (and collides with) the stored one by _id alone.
 */
export function messageIdFor(
  conversationId: string,
  senderId: string,
  clientMessageId: string,
): Types.ObjectId {
  const digest = createHash('sha256')
    .update(`${conversationId}\u0000${senderId}\u0000${clientMessageId}`)
    .digest();
  return new Types.ObjectId(digest.subarray(0, 12).toString('hex'));
}

export type NewMessage = Omit<MessageDoc, '_id' | 'createdAt' | 'firmId'> & { createdAt: Date };

@Injectable()
export class MessageRepository {
  constructor(@InjectModel(MESSAGE_MODEL) private readonly messages: Model<MessageDoc>) {}

  /** Returns null when the (conversation, sender, clientMessageId) was already stored. */
  async insert(firmId: string, msg: NewMessage): Promise<MessageDoc | null> {
    try {
      const _id = messageIdFor(String(msg.conversationId), msg.senderId, msg.clientMessageId);
      const doc = await this.messages.create({ _id, firmId, ...msg });
      return doc.toObject();
    } catch (err) {
      if (isDuplicateKey(err)) return null;
      throw err;
    }
  }

  /** A lookup by _id: cheap on every server (FerretDB v1 scans for anything else). */
  findBySenderKey(
    firmId: string,
    conversationId: string,
    senderId: string,
    clientMessageId: string,
  ): Promise<MessageDoc | null> {
    return findByIdInFirm(this.messages, messageIdFor(conversationId, senderId, clientMessageId), firmId);
  }

  /** The newest stored message at or before seq: its side counts give the unread numbers. */
  latestAtOrBefore(firmId: string, conversationId: string, seq: number): Promise<MessageDoc | null> {
    return this.messages
      .findOne({ firmId, conversationId, seq: { $lte: seq } })
      .sort({ seq: -1 })
      .lean<MessageDoc>()
      .exec();
  }

  /** The oldest message of one side after a read pointer: how long the other side has waited. */
  firstUnread(
    firmId: string,
    conversationId: string,
    fromClient: boolean,
    afterSeq: number,
  ): Promise<MessageDoc | null> {
    const kinds: MessageDoc['sender']['kind'][] = fromClient ? ['client'] : ['staff', 'system'];
    return this.messages
      .findOne({ firmId, conversationId, seq: { $gt: afterSeq }, 'sender.kind': { $in: kinds } })
      .sort({ seq: 1 })
      .lean<MessageDoc>()
      .exec();
  }

  /** Conversations whose message text matches (inbox search). */
  async conversationIdsMatching(firmId: string, text: string, limit: number): Promise<string[]> {
    const docs = await this.messages
      .find({ firmId, text: { $regex: escapeRegex(text), $options: 'i' } })
      .sort({ createdAt: -1 })
      .limit(limit)
      .lean<MessageDoc[]>()
      .exec();
    return [...new Set(docs.map((d) => String(d.conversationId)))];
  }

  /** A page of history, returned ascending by seq. */
  async page(
    firmId: string,
    conversationId: string,
    q: { afterSeq?: number; beforeSeq?: number; limit: number },
  ): Promise<MessageDoc[]> {
    const seq: Record<string, number> = {};
    if (q.afterSeq !== undefined) seq.$gt = q.afterSeq;
    if (q.beforeSeq !== undefined) seq.$lt = q.beforeSeq;
    const filter: QueryFilter<MessageDoc> = { firmId, conversationId };
    if (Object.keys(seq).length) filter.seq = seq;
    // Without afterSeq the newest page is wanted: read descending, then flip.
    const newestFirst = q.afterSeq === undefined;
    const docs = await this.messages
      .find(filter)
      .sort({ seq: newestFirst ? -1 : 1 })
      .limit(q.limit)
      .lean<MessageDoc[]>()
      .exec();
    return newestFirst ? docs.reverse() : docs;
  }

  /**
   * Up to `limit` stored messages after seq, ascending (reconnect catch-up); one more is
   * read to tell whether there are more, so no second query is needed.
   */
  async after(
    firmId: string,
    conversationId: string,
    afterSeq: number,
    limit: number,
  ): Promise<{ docs: MessageDoc[]; hasMore: boolean }> {
    const docs = await this.messages
      .find({ firmId, conversationId, seq: { $gt: afterSeq } })
      .sort({ seq: 1 })
      .limit(limit + 1)
      .lean<MessageDoc[]>()
      .exec();
    return { docs: docs.slice(0, limit), hasMore: docs.length > limit };
  }
}
