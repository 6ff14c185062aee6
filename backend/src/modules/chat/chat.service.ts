import { type BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import {
  type Ack,
  type AckError,
  type AssignRequest,
  type ConversationItem,
  type ConversationListResponse,
  type ConversationReadPayload,
  ErrorCode,
  idParamSchema,
  type InboxQuery,
  type Message,
  type MessageListResponse,
  type MessageSendPayload,
  type MessagesQuery,
  type MonitorItem,
  type MonitorResponse,
  type SyncInput,
  type TypingPayload,
} from '../../contract/index.js';
import { ackFailure } from '../../common/error-mapping.js';
import { AppError, notFound } from '../../common/errors.js';
import { EventBus } from '../../common/event-bus.js';
import { matchesSearch, parseSearch, searchKey } from '../../common/search.js';
import type { Principal, StaffPrincipal } from '../auth/principal.js';
import { FilesService } from '../files/files.service.js';
import { PresenceService } from '../presence/presence.service.js';
import { StaffService } from '../staff/staff.service.js';
import { ChatStateRepository, type LiveState, type UnreadSince } from './chat-state.repository.js';
import { ConversationRepository, readCounts } from './conversation.repository.js';
import type { ConversationDoc } from './conversation.schema.js';
import { ConversationsService, type LiveConversation } from './conversations.service.js';
import { MessageWriter, type Written } from './message-writer.js';
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
    attachments: (doc.attachments ?? []).map((a) => ({
      id: a.id,
      name: a.name,
      contentType: a.contentType,
      size: a.size,
    })),
    createdAt: doc.createdAt.toISOString(),
    ...(doc.document ? { document: doc.document } : {}),
    ...(doc.serviceOrder ? { serviceOrder: doc.serviceOrder } : {}),
  };
}

export function toConversationItem(c: LiveConversation, clientOnline = false): ConversationItem {
  const { doc } = c;
  return {
    id: String(doc._id),
    client: { id: String(doc.clientId), name: doc.clientName },
    lastMessageAt: c.lastMessageAt ? c.lastMessageAt.toISOString() : null,
    unreadForStaff: c.unreadForStaff,
    pendingForClient: c.pendingForClient,
    assigneeId: doc.assigneeId ? String(doc.assigneeId) : null,
    lastMessage: c.lastMessage ? { seq: c.lastSeq, ...c.lastMessage } : null,
    lastSeq: c.lastSeq,
    clientOnline,
    staffReadSeq: doc.staffReadSeq,
    clientReadSeq: doc.clientReadSeq,
  };
}

/** Where a conversation belongs: never changes, so it is remembered (bounded) per process. */
interface ConversationMeta {
  id: string;
  firmId: string;
  clientId: string;
}
const META_CACHE_MAX = 50_000;

const fail = (code: ErrorCode, message: string): AckError => ({ ok: false, error: { code, message } });
const logger = new Logger('Chat');

@Injectable()
export class ChatService implements BeforeApplicationShutdown {
  private readonly meta = new Map<string, ConversationMeta>();
  /** Broadcasts and their listeners still running after the ack: shutdown waits for them. */
  private readonly background = new Set<Promise<void>>();
  /** Per sender: the promise that its latest message entered the writer (see send). */
  private readonly lanes = new Map<string, Promise<void>>();

  constructor(
    private readonly conversations: ConversationRepository,
    private readonly messages: MessageRepository,
    private readonly state: ChatStateRepository,
    private readonly writer: MessageWriter,
    private readonly conversationsService: ConversationsService,
    private readonly staff: StaffService,
    private readonly files: FilesService,
    private readonly presence: PresenceService,
    @Inject(EventBus) private readonly events: EventBus,
  ) {}

  private inBackground(work: Promise<void>): void {
    this.background.add(work);
    void work.finally(() => this.background.delete(work));
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.background]);
  }

  private remember(doc: ConversationDoc): ConversationMeta {
    const m = { id: String(doc._id), firmId: String(doc.firmId), clientId: String(doc.clientId) };
    if (this.meta.size >= META_CACHE_MAX) this.meta.delete(this.meta.keys().next().value!);
    this.meta.set(m.id, m);
    return m;
  }

  /** The conversation the caller may use: any of the firm's for staff, only its own for a client. */
  private allowedId(caller: Principal, conversationId?: string): string {
    if (caller.kind === 'client') {
      if (!caller.permissions.chat) {
        throw new AppError(403, ErrorCode.PermissionDenied, 'Permission "chat" is not granted');
      }
      const own = caller.conversationId;
      if (!own || (conversationId && conversationId !== own)) throw notFound('Conversation');
      return own;
    }
    if (!conversationId || !idParamSchema.safeParse(conversationId).success) throw notFound('Conversation');
    return conversationId;
  }

  /** The stored conversation (one lookup by _id), checked against the caller. */
  private async conversationFor(caller: Principal, conversationId?: string): Promise<ConversationDoc> {
    const id = this.allowedId(caller, conversationId);
    const conv = await this.conversations.findById(caller.firmId, id);
    if (!conv) throw notFound('Conversation');
    this.remember(conv);
    return conv;
  }

  /** Where the conversation belongs, from memory when known: the hot paths read nothing. */
  private async metaFor(caller: Principal, conversationId?: string): Promise<ConversationMeta> {
    const id = this.allowedId(caller, conversationId);
    const known = this.meta.get(id);
    if (known) {
      if (known.firmId !== caller.firmId) throw notFound('Conversation');
      return known;
    }
    return this.remember(await this.conversationFor(caller, id));
  }

  /** Redis's live numbers for a conversation, loaded from the database first if missing. */
  private async live(firmId: string, conversationId: string): Promise<LiveState> {
    let found = (await this.state.getMany([conversationId])).get(conversationId);
    if (!found) {
      await this.writer.ensureLoaded(firmId, conversationId);
      found = (await this.state.getMany([conversationId])).get(conversationId);
    }
    if (!found) throw new Error(`live state of ${conversationId} missing after load`);
    return found;
  }

  async inbox(caller: StaffPrincipal, q: InboxQuery): Promise<ConversationListResponse> {
    let rows = await this.conversationsService.listForFirm(caller.firmId);
    if (q.filter === 'mine') rows = rows.filter((r) => String(r.doc.assigneeId) === caller.staffId);
    if (q.filter === 'unassigned') rows = rows.filter((r) => !r.doc.assigneeId);
    const terms = parseSearch(q.search ?? '');
    if (terms.length) {
      const words = await this.conversations.wordsOf(rows.map((r) => String(r.doc._id)));
      rows = rows.filter((r) =>
        matchesSearch(terms, {
          name: r.doc.clientName,
          cnpj: r.doc.clientCnpj ?? '',
          texts: [searchKey(r.lastMessage?.text ?? ''), ...(words.get(String(r.doc._id)) ?? [])],
        }),
      );
    }
    rows.sort(
      (a, b) =>
        (b.lastMessageAt?.getTime() ?? 0) - (a.lastMessageAt?.getTime() ?? 0) ||
        String(b.doc._id).localeCompare(String(a.doc._id)),
    );
    const online = await this.presence.online('client', caller.firmId);
    return {
      items: rows.slice(0, 500).map((r) => toConversationItem(r, online.has(String(r.doc.clientId)))),
    };
  }

  async get(caller: Principal, conversationId: string): Promise<ConversationItem> {
    const conv = await this.conversationFor(caller, conversationId);
    const [row] = await this.conversationsService.withLive([conv]);
    const online = await this.presence.online('client', caller.firmId);
    return toConversationItem(row, online.has(String(conv.clientId)));
  }

  async history(caller: Principal, conversationId: string, q: MessagesQuery): Promise<MessageListResponse> {
    const meta = await this.metaFor(caller, conversationId);
    const top = (await this.live(caller.firmId, meta.id)).seq;
    const before = Math.min(q.beforeSeq ?? Infinity, top + 1);
    const docs = await this.messages.page(caller.firmId, meta.id, {
      after: q.afterSeq ?? 0,
      before,
      limit: q.limit,
      // Without afterSeq the newest page is wanted.
      newest: q.afterSeq === undefined,
    });
    return { items: docs.map(toMessageDto) };
  }

  async assign(
    caller: StaffPrincipal,
    conversationId: string,
    body: AssignRequest,
  ): Promise<ConversationItem> {
    await this.conversationFor(caller, conversationId);
    if (body.assigneeId && !(await this.staff.findById(caller.firmId, body.assigneeId))) {
      throw new AppError(400, ErrorCode.ValidationFailed, 'assigneeId is not a member of this firm');
    }
    const doc = await this.conversations.setAssignee(conversationId, body.assigneeId);
    if (!doc) throw notFound('Conversation');
    await this.events.emit('conversation.assigned', {
      firmId: caller.firmId,
      conversationId,
      assigneeId: body.assigneeId,
    });
    const [row] = await this.conversationsService.withLive([doc]);
    const online = await this.presence.online('client', caller.firmId);
    return toConversationItem(row, online.has(String(doc.clientId)));
  }

  /**
   * Stores a message and acks it only once stored (MessageWriter: seqs from Redis, stored
   * in batches). A retry with the same clientMessageId from the same sender returns the
   * stored message.
   */
  async send(caller: Principal, input: MessageSendPayload): Promise<Ack<{ message: Message }>> {
    if (caller.kind === 'client' && caller.impersonator) {
      return fail(ErrorCode.ReadOnlySession, 'Impersonated sessions are read-only');
    }
    const sender =
      caller.kind === 'staff'
        ? { kind: 'staff' as const, id: caller.staffId, name: caller.name }
        : { kind: 'client' as const, id: caller.clientId, name: caller.name };
    // One sender's messages enter the writer in the order they arrived, whatever each one's
    // preparation took; they are then stored and acked in that order.
    const lane = `${sender.kind}:${sender.id}`;
    const before = this.lanes.get(lane);
    let enqueued!: () => void;
    const mine = new Promise<void>((resolve) => (enqueued = resolve));
    this.lanes.set(lane, mine);
    try {
      const meta = await this.metaFor(caller, input.conversationId);
      const attachments = await this.attachments(caller, sender.id, input.attachmentIds ?? []);
      await before;
      const writing = this.writer.write({
        firmId: caller.firmId,
        conversationId: meta.id,
        sender,
        clientMessageId: input.clientMessageId,
        text: input.text,
        attachments,
      });
      enqueued();
      const written = await writing;
      const message = toMessageDto(written.doc);
      if (!written.created) {
        // The first attempt may have died before its broadcast: it goes out again.
        void this.events.emit('message.redelivered', {
          message,
          firmId: caller.firmId,
          clientId: meta.clientId,
        });
        return { ok: true, message };
      }
      if (attachments.length) {
        await this.files.attachToConversation(
          caller.firmId,
          attachments.map((a) => a.id),
          meta.id,
        );
      }
      this.announce(caller.firmId, meta.clientId, written);
      return { ok: true, message };
    } catch (err) {
      return ackFailure(err, logger);
    } finally {
      enqueued();
      if (this.lanes.get(lane) === mine) this.lanes.delete(lane);
    }
  }

  /**
   * Broadcasts a stored message and its unread counts. Not awaited by the sender: the
   * broadcast leaves at once (its synchronous part), the ack does not wait for the slower
   * listeners (reminder scheduling); emit never rejects.
   */
  private announce(firmId: string, clientId: string, written: Written): void {
    const message = toMessageDto(written.doc);
    this.inBackground(
      this.events.emit('message.created', {
        message,
        firmId,
        clientId,
        unread: {
          conversationId: message.conversationId,
          unreadForStaff: written.unreadForStaff,
          pendingForClient: written.pendingForClient,
        },
      }),
    );
  }

  /**
   * Posts a message on behalf of the product (a delivered document, a reminder) through the
   * same path as a sent one: seq, storage, broadcast, unread counters and reminders. The same
   * `clientMessageId` from the same sender stores one message (a retried job); a retry
   * broadcasts it again.
   */
  async post(input: {
    firmId: string;
    clientId: string;
    conversationId: string;
    sender: MessageDoc['sender'];
    clientMessageId: string;
    text: string;
    document?: MessageDoc['document'];
    serviceOrder?: MessageDoc['serviceOrder'];
    attachments?: MessageDoc['attachments'];
  }): Promise<Message> {
    const written = await this.writer.write({
      firmId: input.firmId,
      conversationId: input.conversationId,
      sender: input.sender,
      clientMessageId: input.clientMessageId,
      text: input.text,
      attachments: input.attachments ?? [],
      document: input.document ?? null,
      serviceOrder: input.serviceOrder ?? null,
    });
    if (written.created) {
      this.announce(input.firmId, input.clientId, written);
      await this.flushBroadcasts();
    } else {
      await this.events.emit('message.redelivered', {
        message: toMessageDto(written.doc),
        firmId: input.firmId,
        clientId: input.clientId,
      });
    }
    return toMessageDto(written.doc);
  }

  /** Waits for the broadcasts and listeners still running (a job finishes only once they ran). */
  private async flushBroadcasts(): Promise<void> {
    await Promise.allSettled([...this.background]);
  }

  private async attachments(
    caller: Principal,
    senderId: string,
    ids: string[],
  ): Promise<MessageDoc['attachments']> {
    if (!ids.length) return [];
    const found = await this.files.findMany(caller.firmId, [...new Set(ids)]);
    const usable = found.filter((f) => f.meta.uploader.id === senderId && f.meta.conversationId === null);
    if (usable.length !== new Set(ids).size) {
      throw new AppError(400, ErrorCode.ValidationFailed, 'Unknown or already used attachment');
    }
    return usable.map((f) => ({ id: f.id, name: f.name, contentType: f.meta.contentType, size: f.size }));
  }

  /**
   * Marks everything up to seq read for the caller's side. The read pointer and read count
   * only move forward ($max), so reads and sends on both sides never conflict.
   */
  async markRead(caller: Principal, input: ConversationReadPayload): Promise<Ack> {
    // Looking through the client's eyes must not mark the firm's messages read for the client.
    if (caller.kind === 'client' && caller.impersonator) return { ok: true };
    try {
      const side = caller.kind === 'staff' ? ('staff' as const) : ('client' as const);
      const meta = await this.metaFor(caller, input.conversationId);
      const live = await this.live(caller.firmId, meta.id);
      const seq = Math.min(input.seq, live.seq);
      if (seq <= 0) return { ok: true };
      const at = await this.messages.latestAtOrBefore(caller.firmId, meta.id, seq);
      const count = at ? (side === 'staff' ? at.clientCount : at.firmCount) : 0;
      const since = await this.oldestUnread(caller.firmId, meta.id, side, live, seq, count);
      const prior = await this.conversations.advanceRead(meta.id, side, seq, count, since);
      if (!prior) throw notFound('Conversation');
      await this.state.raiseRead(meta.id, side, count);
      if (since) await this.state.setSince(meta.id, side, since);
      // Nothing moved (an older or repeated receipt): nobody needs telling.
      if ((side === 'staff' ? prior.staffReadSeq : prior.clientReadSeq) >= seq) return { ok: true };
      const doc: ConversationDoc =
        side === 'staff'
          ? { ...prior, staffReadSeq: seq, staffReadCount: Math.max(readCounts(prior).staff, count) }
          : { ...prior, clientReadSeq: seq, clientReadCount: Math.max(readCounts(prior).client, count) };
      const [row] = await this.conversationsService.withLive([doc]);
      const readSeq = seq;
      const left = side === 'staff' ? row.unreadForStaff : row.pendingForClient;
      if (left === 0) {
        await this.state.releaseReminder(meta.id, side);
        if (side === 'staff' ? doc.remindedStaffAt : doc.remindedClientAt) {
          await this.conversations.setReminded(meta.id, side, null);
        }
      }
      await this.events.emit('conversation.read', {
        firmId: caller.firmId,
        clientId: meta.clientId,
        conversationId: meta.id,
        side,
        seq: readSeq,
        unread: {
          conversationId: meta.id,
          unreadForStaff: row.unreadForStaff,
          pendingForClient: row.pendingForClient,
        },
      });
      return { ok: true };
    } catch (err) {
      return ackFailure(err, logger);
    }
  }

  /**
   * When the first message a side has not read (past `readSeq`, its count `readCount`) was
   * sent: null when the side has read everything. Read receipts that leave messages unread
   * record it, so the monitor never has to look for it.
   */
  private async oldestUnread(
    firmId: string,
    conversationId: string,
    side: 'staff' | 'client',
    live: LiveState,
    readSeq: number,
    readCount: number,
  ): Promise<UnreadSince | null> {
    const sent = side === 'staff' ? live.clientCount : live.firmCount;
    if (sent <= readCount) return null;
    const first = await this.messages.firstUnread(
      firmId,
      conversationId,
      side === 'staff',
      readSeq,
      live.seq,
      readCount,
    );
    return first ? { count: readCount + 1, at: first.createdAt.getTime() } : null;
  }

  /** Catch-up: a page of the messages after afterSeq; the caller asks again while hasMore. */
  async sync(caller: Principal, input: SyncInput): Promise<Ack<{ messages: Message[]; hasMore: boolean }>> {
    try {
      const { afterSeq, limit } = input;
      const meta = await this.metaFor(caller, input.conversationId);
      const top = (await this.live(caller.firmId, meta.id)).seq;
      const docs = await this.messages.page(caller.firmId, meta.id, {
        after: afterSeq,
        before: top + 1,
        limit,
        newest: false,
      });
      const last = docs.length ? docs[docs.length - 1].seq : afterSeq;
      return { ok: true, messages: docs.map(toMessageDto), hasMore: docs.length > 0 && last < top };
    } catch (err) {
      return ackFailure(err, logger);
    }
  }

  /** Typing signals go to the other side of the conversation only. */
  async typing(caller: Principal, input: TypingPayload): Promise<void> {
    if (caller.kind === 'client' && caller.impersonator) return;
    let meta: ConversationMeta;
    try {
      meta = await this.metaFor(caller, input.conversationId);
    } catch {
      return;
    }
    await this.events.emit('conversation.typing', {
      firmId: caller.firmId,
      clientId: meta.clientId,
      conversationId: meta.id,
      from: caller.kind,
      typing: input.typing,
    });
  }

  /** A side's oldest unread message looked up (state from before it was kept) and kept. */
  private async recordWaitingSince(
    firmId: string,
    r: LiveConversation,
    s: { side: 'staff' | 'client'; readSeq: number; readCount: number },
  ): Promise<Date | null> {
    const conversationId = String(r.doc._id);
    const first = await this.messages.firstUnread(
      firmId,
      conversationId,
      s.side === 'staff',
      s.readSeq,
      r.lastSeq,
      s.readCount,
    );
    if (!first) return null;
    const since = { count: s.readCount + 1, at: first.createdAt.getTime() };
    await Promise.all([
      this.state.setSince(conversationId, s.side, since),
      this.conversations.setSince(conversationId, s.side, since),
    ]);
    return first.createdAt;
  }

  /**
   * Every conversation with messages waiting, both directions, oldest first. What it reads
   * follows the firm's number of conversations, never its number of messages: how long a side
   * has waited is kept with the conversation (UnreadSince); only a side whose time is not
   * known yet (data from before it was kept) is looked up in the messages, once, and recorded.
   */
  async monitor(caller: StaffPrincipal): Promise<MonitorResponse> {
    const now = Date.now();
    const rows = (await this.conversationsService.listForFirm(caller.firmId)).filter(
      (r) => r.unreadForStaff > 0 || r.pendingForClient > 0,
    );
    const found = await Promise.all(
      rows.flatMap((r) => {
        const conv = r.doc;
        const conversationId = String(conv._id);
        const client = { id: String(conv.clientId), name: conv.clientName };
        const sides = [
          {
            direction: 'toStaff' as const,
            side: 'staff' as const,
            count: r.unreadForStaff,
            since: r.staffWaitingSince,
            readSeq: conv.staffReadSeq,
            readCount: r.clientMsgCount - r.unreadForStaff,
            reminded: conv.remindedStaffAt,
          },
          {
            direction: 'toClient' as const,
            side: 'client' as const,
            count: r.pendingForClient,
            since: r.clientWaitingSince,
            readSeq: conv.clientReadSeq,
            readCount: r.firmMsgCount - r.pendingForClient,
            reminded: conv.remindedClientAt,
          },
        ];
        return sides
          .filter((s) => s.count > 0)
          .map(async (s): Promise<MonitorItem | null> => {
            const since = s.since ?? (await this.recordWaitingSince(caller.firmId, r, s));
            if (!since) return null;
            return {
              conversationId,
              client,
              direction: s.direction,
              count: s.count,
              oldestAt: since.toISOString(),
              waitingSeconds: Math.max(0, Math.floor((now - since.getTime()) / 1000)),
              reminded: s.reminded instanceof Date,
            };
          });
      }),
    );
    const items = found.filter((i): i is MonitorItem => i !== null);
    items.sort((a, b) => a.oldestAt.localeCompare(b.oldestAt));
    const [online, staff] = await Promise.all([
      this.presence.online('staff', caller.firmId),
      this.staff.listAccounts(caller.firmId),
    ]);
    return {
      items,
      staffOnline: staff
        .filter((s) => online.has(String(s._id)))
        .map((s) => ({ id: String(s._id), name: s.name })),
    };
  }
}
