import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Types } from 'mongoose';
import { searchKey } from '../../common/search.js';
import {
  type Allocation,
  ChatStateRepository,
  type LiveState,
  type UnreadSince,
} from './chat-state.repository.js';
import { ConversationRepository, stateOf } from './conversation.repository.js';
import { MessageRepository } from './message.repository.js';
import { type MessageDoc, messageId } from './message.schema.js';

export interface PendingMessage {
  firmId: string;
  conversationId: string;
  sender: MessageDoc['sender'];
  clientMessageId: string;
  text: string;
  attachments: MessageDoc['attachments'];
  document?: MessageDoc['document'];
  serviceOrder?: MessageDoc['serviceOrder'];
}

export interface Written {
  doc: MessageDoc;
  /** False when the message was stored before (a retry): nothing was counted again. */
  created: boolean;
  unreadForStaff: number;
  pendingForClient: number;
}

interface Item {
  msg: PendingMessage;
  at: number;
  resolve: (w: Written) => void;
  reject: (err: unknown) => void;
  /** Times its seq was found taken in the database (Redis behind it): bounded. */
  repairs: number;
}

/** Messages written in one insertMany at most. */
const MAX_BATCH = 256;
/**
 * How often the conversation documents (and search words) catch up with Redis: readers put
 * Redis's live numbers over the documents, so this bounds only how far behind the database
 * copy is, at one update per changed conversation per flush.
 */
const FLUSH_MS = 1000;
/** The write-behind runs in slices this often, at least MIN_SLICE conversations each. */
const FLUSH_TICK_MS = 100;
const MIN_SLICE = 4;
/** Conversations whose saved search words this process remembers (so it sends only new ones). */
const WORDS_CACHE_MAX = 2000;
const MAX_REPAIRS = 3;
/** How far past the stored lastSeq a state load looks for messages stored after it. */
const PROBE_LIMIT = 10000;

const keyOf = (m: PendingMessage) => `${m.sender.id}:${m.clientMessageId}`;

/**
 * Group commit: messages waiting on this process are written together — one Redis call
 * hands out their seqs (atomic across processes, in arrival order), one insertMany stores
 * them, then each is acked. One batch is in flight at a time, so a conversation's messages
 * from this process are stored and acked in seq order; under load batches grow instead of
 * queueing round trips. The conversation documents are written behind (within about
 * FLUSH_MS, one update per conversation that changed, in small paced slices), off the ack's path: Redis holds the live numbers
 * and readers overlay them; a process that dies before its flush leaves the documents
 * behind, and the next load from the database (ensureLoaded) probes past them.
 */
@Injectable()
export class MessageWriter implements OnApplicationShutdown {
  private readonly logger = new Logger('MessageWriter');
  private queue: Item[] = [];
  private running = false;
  private readonly dirty = new Map<string, LiveState>();
  private readonly dirtyWords = new Map<string, Set<string>>();
  /** Words already saved per conversation, as far as this process knows. */
  private readonly savedWords = new Map<string, Set<string>>();
  private readonly flushTimer: NodeJS.Timeout;
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly state: ChatStateRepository,
    private readonly conversations: ConversationRepository,
    private readonly messages: MessageRepository,
  ) {
    this.flushTimer = setInterval(() => this.tick(), FLUSH_TICK_MS);
    this.flushTimer.unref();
  }

  write(msg: PendingMessage): Promise<Written> {
    return new Promise<Written>((resolve, reject) => {
      this.queue.push({ msg, at: Date.now(), resolve, reject, repairs: 0 });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0, MAX_BATCH);
        try {
          await this.writeBatch(batch);
        } catch (err) {
          for (const item of batch) item.reject(err);
        }
      }
    } finally {
      this.running = false;
    }
  }

  private async writeBatch(batch: Item[]): Promise<void> {
    const allocations = await this.allocate(batch);
    const docs = batch.map((item, i) => toDoc(item, allocations[i]));
    const refused = await this.messages.insertMany(docs);
    const retry: Item[] = [];
    for (const [i, item] of batch.entries()) {
      const doc = docs[i];
      const a = allocations[i];
      const unread = {
        unreadForStaff: Math.max(0, a.clientCount - a.staffReadCount),
        pendingForClient: Math.max(0, a.firmCount - a.clientReadCount),
      };
      if (!refused.has(doc._id)) {
        this.markDirty(item.msg.conversationId, a, doc);
        item.resolve({ doc, created: true, ...unread });
        continue;
      }
      try {
        const outcome = await this.explainRefusal(item, doc);
        if (outcome === 'retry') retry.push(item);
        else item.resolve({ doc: outcome, created: false, ...unread });
      } catch (err) {
        item.reject(err);
      }
    }
    // Their seqs were taken in the database: they go first in the next batch, in order.
    if (retry.length) this.queue.unshift(...retry);
  }

  /** Seqs for the batch; conversations whose live state is not in Redis are loaded first. */
  private async allocate(batch: Item[]): Promise<Allocation[]> {
    const requests = batch.map(({ msg, at }) => ({
      conversationId: msg.conversationId,
      key: keyOf(msg),
      from: msg.sender.kind === 'client' ? ('client' as const) : ('firm' as const),
      at,
      preview: msg.text.slice(0, 200),
      kind: msg.sender.kind,
    }));
    let result = await this.state.allocate(requests);
    const missing = [...new Set(requests.filter((_, i) => !result[i]).map((r) => r.conversationId))];
    if (missing.length) {
      for (const id of missing)
        await this.ensureLoaded(batch.find((b) => b.msg.conversationId === id)!.msg.firmId, id);
      result = await this.state.allocate(requests);
    }
    return result.map((a) => {
      if (!a) throw new Error('conversation state could not be loaded');
      return a;
    });
  }

  /**
   * Loads a conversation's live numbers from the database: its document, then any messages
   * stored past the document's lastSeq (a process died before writing it behind), found by
   * _id one seq after another.
   */
  async ensureLoaded(firmId: string, conversationId: string, fromSeq?: number): Promise<void> {
    const conv = await this.conversations.findById(firmId, conversationId);
    if (!conv) throw new Error(`conversation ${conversationId} not found`);
    const s = stateOf(conv);
    let jump = fromSeq;
    for (let probes = 0; probes < PROBE_LIMIT; probes++) {
      let next = await this.messages.bySeq(firmId, conversationId, s.seq + 1);
      // A collision far past the document (a gap in between): continue from there.
      if (!next && jump !== undefined && jump > s.seq + 1)
        next = await this.messages.bySeq(firmId, conversationId, jump);
      jump = undefined;
      if (!next) break;
      if (next.sender.kind === 'client' && next.clientCount === s.staffReadCount + 1)
        s.staffSince = { count: next.clientCount, at: next.createdAt.getTime() };
      if (next.sender.kind !== 'client' && next.firmCount === s.clientReadCount + 1)
        s.clientSince = { count: next.firmCount, at: next.createdAt.getTime() };
      Object.assign(s, {
        seq: next.seq,
        clientCount: next.clientCount,
        firmCount: next.firmCount,
        lastAt: next.createdAt.getTime(),
        lastText: next.text.slice(0, 200),
        lastKind: next.sender.kind,
      });
    }
    await this.state.load(conversationId, s);
  }

  /**
   * Why insertMany refused a message: stored before under this seq (a retry: return it),
   * stored before under another seq (its allocation record was gone: return the stored one;
   * this seq stays unused), or its seq was taken by another message (Redis was behind the
   * database: load it again and retry).
   */
  private async explainRefusal(item: Item, doc: MessageDoc): Promise<MessageDoc | 'retry'> {
    const atSeq = await this.messages.bySeq(item.msg.firmId, item.msg.conversationId, doc.seq);
    if (atSeq && atSeq.senderId === doc.senderId && atSeq.clientMessageId === doc.clientMessageId) {
      return atSeq;
    }
    if (!atSeq) {
      const stored = await this.messages.findBySenderKey(
        item.msg.firmId,
        item.msg.conversationId,
        doc.senderId,
        doc.clientMessageId,
      );
      if (stored) return stored;
    }
    if (++item.repairs > MAX_REPAIRS) throw new Error(`message ${doc._id}: seq kept colliding`);
    this.logger.warn(`seq ${doc.seq} of ${item.msg.conversationId} was taken: reloading its counters`);
    await this.state.forgetAllocation(item.msg.conversationId, keyOf(item.msg));
    await this.ensureLoaded(item.msg.firmId, item.msg.conversationId, doc.seq);
    return 'retry';
  }

  private markDirty(conversationId: string, a: Allocation, doc: MessageDoc): void {
    const saved = this.savedWords.get(conversationId);
    const fresh = wordsOf(doc.text).filter((w) => !saved?.has(w));
    if (fresh.length) {
      const words = this.dirtyWords.get(conversationId) ?? new Set<string>();
      for (const w of fresh) words.add(w);
      this.dirtyWords.set(conversationId, words);
    }
    const prev = this.dirty.get(conversationId);
    // As the allocation recorded it in Redis: the first message the other side has not read.
    const fromClient = doc.sender.kind === 'client';
    const staffSince = later(
      prev?.staffSince,
      fromClient && a.clientCount === a.staffReadCount + 1 ? { count: a.clientCount, at: a.at } : null,
    );
    const clientSince = later(
      prev?.clientSince,
      !fromClient && a.firmCount === a.clientReadCount + 1 ? { count: a.firmCount, at: a.at } : null,
    );
    if (prev && prev.seq >= a.seq) {
      this.dirty.set(conversationId, { ...prev, staffSince, clientSince });
      return;
    }
    this.dirty.set(conversationId, {
      seq: a.seq,
      clientCount: a.clientCount,
      firmCount: a.firmCount,
      staffReadCount: a.staffReadCount,
      clientReadCount: a.clientReadCount,
      lastAt: a.at,
      lastText: doc.text.slice(0, 200),
      lastKind: doc.sender.kind,
      staffSince,
      clientSince,
    });
  }

  /** Writes the changed conversations behind; one flush at a time. */
  /** Writes everything pending now (tests, shutdown); the timer writes it in slices. */
  async flush(deadlineMs = 5000): Promise<void> {
    const until = Date.now() + deadlineMs;
    while ((this.dirty.size || this.dirtyWords.size || this.flushing) && Date.now() < until) {
      await this.flushSlice(Infinity);
    }
  }

  /**
   * Writes up to `limit` of the changed conversations (words, then numbers), oldest change
   * first. In slices because the embedded database runs one operation at a time: a second's
   * worth of updates in one go would queue every send behind them. The slice grows with the
   * backlog, so each conversation is still written within about FLUSH_MS.
   */
  private flushSlice(limit: number): Promise<void> {
    if (this.flushing) return this.flushing;
    if (!this.dirty.size && !this.dirtyWords.size) return Promise.resolve();
    // Assigned before its first await can run the `finally` below (an empty pass would
    // otherwise finish synchronously, clear `flushing` first, and leave a settled promise
    // in it for good).
    this.flushing = (async () => {
      await Promise.resolve();
      try {
        for (const [id, words] of take(this.dirtyWords, limit)) {
          try {
            await this.conversations.addWords(id, [...words]);
            this.rememberWords(id, words);
          } catch (err) {
            this.logger.warn(`search words of ${id} not saved: ${String(err)}`);
          }
        }
        const entries = take(this.dirty, limit);
        for (const [i, [id, s]] of entries.entries()) {
          try {
            await this.conversations.saveState(id, s);
          } catch (err) {
            // Kept for the next slice, unless a newer state replaced them meanwhile.
            for (const [rid, rs] of entries.slice(i)) if (!this.dirty.has(rid)) this.dirty.set(rid, rs);
            throw err;
          }
        }
      } catch (err) {
        this.logger.warn(`conversation write-behind deferred: ${String(err)}`);
        // Back off to the timer's pace instead of retrying at once.
        await new Promise((r) => setTimeout(r, FLUSH_TICK_MS).unref());
      } finally {
        this.flushing = null;
      }
    })();
    return this.flushing;
  }

  private tick(): void {
    const backlog = Math.max(this.dirty.size, this.dirtyWords.size);
    void this.flushSlice(Math.max(MIN_SLICE, Math.ceil((backlog * FLUSH_TICK_MS) / FLUSH_MS)));
  }

  private rememberWords(conversationId: string, words: Set<string>): void {
    let saved = this.savedWords.get(conversationId);
    if (!saved) {
      if (this.savedWords.size >= WORDS_CACHE_MAX)
        this.savedWords.delete(this.savedWords.keys().next().value!);
      saved = new Set<string>();
      this.savedWords.set(conversationId, saved);
    }
    // A conversation's vocabulary is bounded in practice; past a few thousand words, start over.
    if (saved.size > 5000) saved.clear();
    for (const w of words) saved.add(w);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.flushTimer);
    while (this.running) await new Promise((r) => setTimeout(r, 10));
    await this.flush();
  }
}

/** The distinct words of a text as search compares them (accent-free, lowercase, 2–40 characters). */
export function wordsOf(text: string): string[] {
  const words = searchKey(text).split(/[^\p{L}\p{N}]+/u);
  return [...new Set(words.filter((w) => w.length >= 2 && w.length <= 40))];
}

/** Of two unread-since facts, the one about the later message (see UnreadSince). */
function later(a: UnreadSince | null | undefined, b: UnreadSince | null): UnreadSince | null {
  if (!a) return b;
  if (!b) return a;
  return b.count > a.count ? b : a;
}

/** Removes and returns up to `limit` entries of a map, oldest first. */
function take<V>(map: Map<string, V>, limit: number): [string, V][] {
  const out: [string, V][] = [];
  for (const entry of map) {
    if (out.length >= limit) break;
    out.push(entry);
  }
  for (const [k] of out) map.delete(k);
  return out;
}

function toDoc(item: Item, a: Allocation): MessageDoc {
  const { msg } = item;
  return {
    _id: messageId(msg.conversationId, a.seq),
    firmId: new Types.ObjectId(msg.firmId),
    conversationId: new Types.ObjectId(msg.conversationId),
    seq: a.seq,
    sender: msg.sender,
    senderId: msg.sender.id,
    clientMessageId: msg.clientMessageId,
    clientCount: a.clientCount,
    firmCount: a.firmCount,
    text: msg.text,
    attachments: msg.attachments,
    ...(msg.document ? { document: msg.document } : {}),
    ...(msg.serviceOrder ? { serviceOrder: msg.serviceOrder } : {}),
    createdAt: new Date(a.at),
  };
}
