import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model, QueryFilter } from 'mongoose';
import { MESSAGE_MODEL, type MessageDoc } from './message.schema.js';

@Injectable()
export class MessageRepository {
  constructor(@InjectModel(MESSAGE_MODEL) private readonly messages: Model<MessageDoc>) {}

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
}
