import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectConnection, InjectModel } from '@nestjs/mongoose';
import { type Connection, type Model, Types } from 'mongoose';
import { IdDirectory } from '../../infra/id-directory.js';
import { findByIdInFirm, isDuplicateKey } from '../../infra/mongo.util.js';
import type { LiveState, UnreadSince } from './chat-state.repository.js';
import { CONVERSATION_MODEL, type ConversationDoc } from './conversation.schema.js';

/** The marker, in `migrations`, that every conversation carries its client's CNPJ. */
const CNPJ_MIGRATION = 'conversations-client-cnpj';

/** A client's conversation before its first message. */
function newConversation(client: { name: string; cnpj: string }) {
  return {
    _id: new Types.ObjectId(),
    clientName: client.name,
    clientCnpj: client.cnpj,
    lastSeq: 0,
    lastMessageAt: null,
    lastMessage: null,
    clientMsgCount: 0,
    firmMsgCount: 0,
    remindedStaffAt: null,
    remindedClientAt: null,
    staffUnreadSince: null,
    clientUnreadSince: null,
    staffReadSeq: 0,
    clientReadSeq: 0,
    staffReadCount: 0,
    clientReadCount: 0,
    unreadForStaff: 0,
    pendingForClient: 0,
    assigneeId: null,
  };
}

/** Client messages the staff has read, firm messages the client has read (see ConversationDoc). */
export function readCounts(doc: ConversationDoc): { staff: number; client: number } {
  return {
    staff: doc.staffReadCount ?? Math.max(0, doc.clientMsgCount - doc.unreadForStaff),
    client: doc.clientReadCount ?? Math.max(0, doc.firmMsgCount - doc.pendingForClient),
  };
}

/** The live numbers a stored conversation implies (what Redis is loaded with when it has none). */
export function stateOf(doc: ConversationDoc): LiveState {
  const read = readCounts(doc);
  return {
    seq: doc.lastSeq,
    clientCount: doc.clientMsgCount,
    firmCount: doc.firmMsgCount,
    staffReadCount: read.staff,
    clientReadCount: read.client,
    lastAt: doc.lastMessageAt ? doc.lastMessageAt.getTime() : 0,
    lastText: doc.lastMessage?.text ?? '',
    lastKind: doc.lastMessage?.senderKind ?? 'client',
    staffSince: sinceOf(doc.staffUnreadSince),
    clientSince: sinceOf(doc.clientUnreadSince),
  };
}

function sinceOf(stored: ConversationDoc['staffUnreadSince']): UnreadSince | null {
  return stored ? { count: stored.count, at: new Date(stored.at).getTime() } : null;
}

const storedSince = (s: UnreadSince) => ({ count: s.count, at: new Date(s.at) });

/**
 * Every regular operation here filters on `_id` alone (the firm is checked on the document):
 * FerretDB v1 on SQLite uses an index for nothing else. Counters only move forward with
 * `$max`, so writes need no read-modify-write and may arrive in any order.
 */
@Injectable()
export class ConversationRepository implements OnApplicationBootstrap {
  private readonly directory: IdDirectory;

  constructor(
    @InjectModel(CONVERSATION_MODEL) private readonly conversations: Model<ConversationDoc>,
    @InjectConnection() private readonly connection: Connection,
  ) {
    this.directory = IdDirectory.of(
      connection,
      'conversation_directory',
      this.conversations as unknown as Model<never>,
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.directory.build();
    await this.fillClientCnpjs();
  }

  /**
   * Conversations from before they carried their client's CNPJ get it, once (a scan of the
   * conversations and one client lookup by _id each, at the first start with this code).
   * The clients collection is read directly: only here, and only its `cnpj`.
   */
  private async fillClientCnpjs(): Promise<void> {
    const done = this.connection.collection<{ _id: string }>('migrations');
    if (await done.findOne({ _id: CNPJ_MIGRATION })) return;
    const clients = this.connection.collection<{ _id: Types.ObjectId; cnpj: string }>('clients');
    const missing = await this.conversations
      .find({ clientCnpj: { $exists: false } }, { clientId: 1 })
      .lean<Pick<ConversationDoc, '_id' | 'clientId'>[]>()
      .exec();
    for (const conv of missing) {
      const client = await clients.findOne({ _id: new Types.ObjectId(String(conv.clientId)) });
      if (client)
        await this.conversations.updateOne({ _id: conv._id }, { $set: { clientCnpj: client.cnpj } }).exec();
    }
    await done.updateOne({ _id: CNPJ_MIGRATION }, { $set: { at: new Date() } }, { upsert: true });
  }

  /** Creates the client's conversation, or returns the one it already has (portal enable: rare). */
  async ensureForClient(
    firmId: string,
    client: { id: string; name: string; cnpj: string },
  ): Promise<ConversationDoc> {
    const doc = await this.conversations
      .findOneAndUpdate(
        { firmId, clientId: client.id },
        { $setOnInsert: newConversation(client) },
        { upsert: true, returnDocument: 'after' },
      )
      .lean<ConversationDoc>()
      .orFail()
      .exec();
    await this.directory.add(firmId, [String(doc._id)]);
    return doc;
  }

  /**
   * ensureForClient for many clients in a few round trips, not a filtered upsert
   * each (FerretDB scans the collection for every one). Returns clientId → conversationId.
   */
  async ensureForClients(
    firmId: string,
    clients: { id: string; name: string; cnpj: string }[],
  ): Promise<Map<string, string>> {
    const ids = clients.map((c) => c.id);
    const have = async () =>
      new Map((await this.findByClientIds(firmId, ids)).map((c) => [String(c.clientId), String(c._id)]));
    const existing = await have();
    const missing = clients.filter((c) => !existing.has(c.id));
    if (!missing.length) return existing;
    try {
      await this.conversations.insertMany(
        missing.map((c) => ({ ...newConversation(c), firmId, clientId: c.id })),
        { ordered: false },
      );
    } catch (err) {
      // A concurrent enable created some of them first (unique firmId+clientId): theirs stand.
      if (!isDuplicateKey(err)) throw err;
    }
    const all = await have();
    await this.directory.add(firmId, [...all.values()]);
    return all;
  }

  findById(firmId: string, conversationId: string): Promise<ConversationDoc | null> {
    return findByIdInFirm(this.conversations, conversationId, firmId);
  }

  /** Many conversations of the firm by id, lookups together; unknown or foreign ids are left out. */
  async findManyByIds(firmId: string, ids: string[]): Promise<ConversationDoc[]> {
    const docs = await Promise.all(ids.map((id) => this.findById(firmId, id)));
    return docs.filter((d): d is ConversationDoc => d !== null);
  }

  /** The firm's conversations: its directory, then each by _id. */
  async listForFirm(firmId: string): Promise<ConversationDoc[]> {
    return this.findManyByIds(firmId, await this.directory.list(firmId));
  }

  /** By client (bulk portal enable: rare, a filtered query). */
  findByClientIds(firmId: string, clientIds: string[]): Promise<ConversationDoc[]> {
    return this.conversations
      .find({ firmId, clientId: { $in: clientIds } })
      .lean<ConversationDoc[]>()
      .exec();
  }

  /**
   * Writes live numbers behind (MessageWriter): only forward. The preview is set as is; of
   * two writers the later one wins, which a stale preview only shows until Redis (read
   * first) or the next message corrects it.
   */
  async saveState(conversationId: string, s: LiveState): Promise<void> {
    await this.conversations
      .updateOne(
        { _id: conversationId },
        {
          $max: {
            lastSeq: s.seq,
            clientMsgCount: s.clientCount,
            firmMsgCount: s.firmCount,
            lastMessageAt: new Date(s.lastAt),
          },
          $set: {
            lastMessage: { text: s.lastText, senderKind: s.lastKind },
            // Facts, true whichever writer wins; the reader checks that they apply.
            ...(s.staffSince ? { staffUnreadSince: storedSince(s.staffSince) } : {}),
            ...(s.clientSince ? { clientUnreadSince: storedSince(s.clientSince) } : {}),
          },
        },
      )
      .exec();
  }

  /**
   * Moves a side's read pointer and read count forward, with when the side's oldest message
   * still unread was sent (if any); returns the document before.
   */
  advanceRead(
    conversationId: string,
    side: 'staff' | 'client',
    seq: number,
    readCount: number,
    since: UnreadSince | null,
  ): Promise<ConversationDoc | null> {
    const [seqField, countField, sinceField] =
      side === 'staff'
        ? ['staffReadSeq', 'staffReadCount', 'staffUnreadSince']
        : ['clientReadSeq', 'clientReadCount', 'clientUnreadSince'];
    return this.conversations
      .findOneAndUpdate(
        { _id: conversationId },
        {
          $max: { [seqField]: seq, [countField]: readCount },
          ...(since ? { $set: { [sinceField]: storedSince(since) } } : {}),
        },
        { returnDocument: 'before' },
      )
      .lean<ConversationDoc>()
      .exec();
  }

  /** When a side's oldest unread message was sent (looked up by the monitor: see ChatService). */
  async setSince(conversationId: string, side: 'staff' | 'client', since: UnreadSince): Promise<void> {
    const field = side === 'staff' ? 'staffUnreadSince' : 'clientUnreadSince';
    await this.conversations
      .updateOne({ _id: conversationId }, { $set: { [field]: storedSince(since) } })
      .exec();
  }

  /** When a side was reminded (null: not since its last read), for the monitor. */
  async setReminded(conversationId: string, side: 'staff' | 'client', at: Date | null): Promise<void> {
    const field = side === 'staff' ? 'remindedStaffAt' : 'remindedClientAt';
    await this.conversations.updateOne({ _id: conversationId }, { $set: { [field]: at } }).exec();
  }

  /** The caller checked the firm (findById) before. */
  setAssignee(conversationId: string, assigneeId: string | null): Promise<ConversationDoc | null> {
    return this.conversations
      .findOneAndUpdate({ _id: conversationId }, { $set: { assigneeId } }, { returnDocument: 'after' })
      .lean<ConversationDoc>()
      .exec();
  }

  /** Words said in a conversation (accent-free, lowercase): what inbox search matches text against. */
  async addWords(conversationId: string, words: string[]): Promise<void> {
    if (!words.length) return;
    await this.connection
      .collection<{ _id: string; w: string[] }>('conversation_words')
      .updateOne({ _id: conversationId }, { $addToSet: { w: { $each: words } } }, { upsert: true });
  }

  async wordsOf(conversationIds: string[]): Promise<Map<string, string[]>> {
    const words = this.connection.collection<{ _id: string; w: string[] }>('conversation_words');
    const docs = await Promise.all(conversationIds.map((id) => words.findOne({ _id: id })));
    return new Map(docs.flatMap((d) => (d ? [[d._id, d.w] as const] : [])));
  }

  /** The client's name and CNPJ as the inbox shows and searches them. */
  async setClient(conversationId: string, client: { name: string; cnpj: string }): Promise<void> {
    await this.conversations
      .updateOne({ _id: conversationId }, { $set: { clientName: client.name, clientCnpj: client.cnpj } })
      .exec();
  }
}
