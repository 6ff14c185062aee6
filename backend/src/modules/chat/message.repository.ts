import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { type Model, Types } from 'mongoose';
import { isDuplicateKey } from '../../infra/mongo.util.js';
import { MESSAGE_MODEL, type MessageDoc, messageId } from './message.schema.js';

/** The marker, in `migrations`, that messages all have seq-based ids. */
const MIGRATION = 'messages-seq-ids';

/** How far a page read looks past missing seqs (a send that got a seq and died) to fill a page. */
const GAP_LOOKAHEAD = 20;

/**
 * Messages are read only by _id (`<conversationId>:<seq>`), never by a filter: FerretDB v1
 * on SQLite answers nothing else from an index, so history and sync cost the same on a
 * database of any size; MongoDB serves the same lookups from _id.
 */
@Injectable()
export class MessageRepository implements OnApplicationBootstrap {
  private readonly logger = new Logger('Messages');

  constructor(@InjectModel(MESSAGE_MODEL) private readonly messages: Model<MessageDoc>) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.migrateObjectIds();
  }

  /**
   * Stores a batch in one insertMany. Returns the _ids that were not stored because a
   * unique index refused them (the _id/seq or the sender's clientMessageId was taken);
   * other errors throw.
   */
  async insertMany(docs: MessageDoc[]): Promise<Set<string>> {
    const refused = new Set<string>();
    if (!docs.length) return refused;
    try {
      await this.messages.collection.insertMany(docs as never[], { ordered: false });
    } catch (err) {
      // Both servers name each refused document (mongo-wire.spec.ts checks FerretDB's).
      const writeErrors = (
        err as { writeErrors?: { index: number; err?: { code?: number; errmsg?: string } }[] }
      ).writeErrors;
      if (!writeErrors?.length) throw err;
      for (const w of writeErrors) {
        const e = w.err ?? (w as unknown as { code?: number; errmsg?: string });
        if (!isDuplicateKey({ code: e.code, message: e.errmsg })) throw err;
        refused.add(docs[w.index]._id);
      }
    }
    return refused;
  }

  private byId(id: string): Promise<MessageDoc | null> {
    return this.messages.findById(id).lean<MessageDoc>().exec();
  }

  /** The message of one seq, checked against the firm (ids are not secret, tenancy is). */
  async bySeq(firmId: string, conversationId: string, seq: number): Promise<MessageDoc | null> {
    const doc = await this.byId(messageId(conversationId, seq));
    return doc && String(doc.firmId) === firmId ? doc : null;
  }

  /** The stored messages among seqs from..to (inclusive), ascending; lookups run together. */
  async range(firmId: string, conversationId: string, from: number, to: number): Promise<MessageDoc[]> {
    if (to < from) return [];
    const seqs = Array.from({ length: to - from + 1 }, (_, i) => from + i);
    const docs = await Promise.all(seqs.map((s) => this.bySeq(firmId, conversationId, s)));
    return docs.filter((d): d is MessageDoc => d !== null);
  }

  /**
   * Up to `limit` messages with seq in (after, before), newest ones when `newest`, else the
   * oldest ones; a missing seq (a send that died after taking it) is skipped, looking at
   * most GAP_LOOKAHEAD further. Ascending.
   */
  async page(
    firmId: string,
    conversationId: string,
    q: { after: number; before: number; limit: number; newest: boolean },
  ): Promise<MessageDoc[]> {
    const out: MessageDoc[] = [];
    let lo = q.after + 1;
    let hi = q.before - 1;
    let budget = q.limit + GAP_LOOKAHEAD;
    while (out.length < q.limit && lo <= hi && budget > 0) {
      const want = Math.min(q.limit - out.length, hi - lo + 1, budget);
      budget -= want;
      if (q.newest) {
        const docs = await this.range(firmId, conversationId, hi - want + 1, hi);
        out.unshift(...docs);
        hi -= want;
      } else {
        const docs = await this.range(firmId, conversationId, lo, lo + want - 1);
        out.push(...docs);
        lo += want;
      }
    }
    return out;
  }

  /** The newest stored message at or before seq (a read receipt takes its side counts). */
  async latestAtOrBefore(firmId: string, conversationId: string, seq: number): Promise<MessageDoc | null> {
    for (let s = seq; s > 0 && s > seq - GAP_LOOKAHEAD; s--) {
      const doc = await this.bySeq(firmId, conversationId, s);
      if (doc) return doc;
    }
    return null;
  }

  /**
   * The first message of one side after a read pointer: the one whose count of that side is
   * `readCount + 1`. Counts only grow with seq, so a binary search over (afterSeq, lastSeq]
   * finds it in log2(n) lookups.
   */
  async firstUnread(
    firmId: string,
    conversationId: string,
    fromClient: boolean,
    afterSeq: number,
    lastSeq: number,
    readCount: number,
  ): Promise<MessageDoc | null> {
    const countOf = (d: MessageDoc) => (fromClient ? d.clientCount : d.firmCount);
    let lo = afterSeq + 1;
    let hi = lastSeq;
    let found: MessageDoc | null = null;
    while (lo <= hi) {
      const mid = Math.floor((lo + hi) / 2);
      const doc = await this.bySeq(firmId, conversationId, mid);
      if (!doc) {
        // A missing seq: step over it (rare); keeps the search correct.
        const next = await this.page(firmId, conversationId, {
          after: mid,
          before: hi + 1,
          limit: 1,
          newest: false,
        });
        if (!next.length) {
          hi = mid - 1;
          continue;
        }
        if (countOf(next[0]) > readCount) {
          found = next[0];
          hi = mid - 1;
        } else lo = next[0].seq + 1;
        continue;
      }
      if (countOf(doc) > readCount) {
        found = doc;
        hi = mid - 1;
      } else lo = mid + 1;
    }
    return found;
  }

  /**
   * The stored message of a sender's clientMessageId, for a retry whose allocation record
   * is gone (older than a day, or Redis lost it): a filtered query, answered by the unique
   * index on MongoDB; rare by construction.
   */
  findBySenderKey(
    firmId: string,
    conversationId: string,
    senderId: string,
    clientMessageId: string,
  ): Promise<MessageDoc | null> {
    return this.messages
      .findOne({ firmId, conversationId: new Types.ObjectId(conversationId), senderId, clientMessageId })
      .lean<MessageDoc>()
      .exec();
  }

  /**
   * Messages stored before _ids were `<conversationId>:<seq>` had ObjectIds. Each batch is
   * copied to a side collection, removed, then copied back under the new _id (the unique
   * (conversationId, seq) index forbids both at once); a crash at any point leaves the
   * copies in the side collection, and the next start finishes the move. Safe with several
   * api processes starting at once (every step is idempotent).
   */
  private async migrateObjectIds(): Promise<void> {
    // Once done, a start costs one lookup by _id, not a scan of every message.
    const done = this.messages.db.collection<{ _id: string }>('migrations');
    if (await done.findOne({ _id: MIGRATION })) return;
    const side = this.messages.db.collection('messages_migration');
    for (;;) {
      const pending = await side.find({}).limit(5000).toArray();
      if (pending.length) {
        await this.messages.collection
          .insertMany(pending as never[], { ordered: false })
          .catch(ignoreDuplicates);
        for (const d of pending) await side.deleteOne({ _id: d._id });
        this.logger.log(`moved ${pending.length} messages to seq-based ids`);
        continue;
      }
      const old = await this.messages.collection
        .find({ _id: { $type: 'objectId' } })
        .limit(5000)
        .toArray();
      if (!old.length) {
        await done.updateOne({ _id: MIGRATION }, { $set: { at: new Date() } }, { upsert: true });
        return;
      }
      const copies = old.map((d) => ({ ...d, _id: messageId(String(d.conversationId), Number(d.seq)) }));
      await side.insertMany(copies as never[], { ordered: false }).catch(ignoreDuplicates);
      for (const d of old) await this.messages.collection.deleteOne({ _id: d._id });
    }
  }
}

function ignoreDuplicates(err: unknown): void {
  const writeErrors = (err as { writeErrors?: { err?: { code?: number }; code?: number }[] }).writeErrors;
  if (writeErrors?.every((w) => (w.err?.code ?? w.code) === 11000)) return;
  if (!writeErrors && isDuplicateKey(err)) return;
  throw err;
}
