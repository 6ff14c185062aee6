import { Inject, Injectable, Logger } from '@nestjs/common';
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
import { EventBus, type UnreadCounts } from '../../common/event-bus.js';
import { escapeRegex } from '../../infra/mongo.util.js';
import type { Principal, StaffPrincipal } from '../auth/principal.js';
import { FilesService } from '../files/files.service.js';
import { PresenceService } from '../presence/presence.service.js';
import { StaffService } from '../staff/staff.service.js';
import { ConversationRepository } from './conversation.repository.js';
import type { ConversationDoc } from './conversation.schema.js';
import { MessageRepository, messageIdFor } from './message.repository.js';
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
  };
}

export function toConversationItem(doc: ConversationDoc, clientOnline = false): ConversationItem {
  return {
    id: String(doc._id),
    client: { id: String(doc.clientId), name: doc.clientName },
    lastMessageAt: doc.lastMessageAt ? doc.lastMessageAt.toISOString() : null,
    unreadForStaff: doc.unreadForStaff,
    pendingForClient: doc.pendingForClient,
    assigneeId: doc.assigneeId ? String(doc.assigneeId) : null,
    lastMessage: doc.lastMessage ? { seq: doc.lastSeq, ...doc.lastMessage } : null,
    lastSeq: doc.lastSeq,
    clientOnline,
    staffReadSeq: doc.staffReadSeq,
    clientReadSeq: doc.clientReadSeq,
  };
}

const unreadOf = (doc: ConversationDoc): UnreadCounts => ({
  conversationId: String(doc._id),
  unreadForStaff: doc.unreadForStaff,
  pendingForClient: doc.pendingForClient,
});

const fail = (code: ErrorCode, message: string): AckError => ({ ok: false, error: { code, message } });
const logger = new Logger('Chat');

/** Tries at the next seq before giving up (each failed try means another message took it). */
const ALLOCATE_ATTEMPTS = 20;
/** Retries of the optimistic read update before giving up (each retry means a new message arrived). */
const READ_ATTEMPTS = 5;

@Injectable()
export class ChatService {
  constructor(
    private readonly conversations: ConversationRepository,
    private readonly messages: MessageRepository,
    private readonly staff: StaffService,
    private readonly files: FilesService,
    private readonly presence: PresenceService,
    @Inject(EventBus) private readonly events: EventBus,
  ) {}

  /** The conversation the caller may use: any of the firm's for staff, only its own for a client. */
  private async conversationFor(caller: Principal, conversationId?: string): Promise<ConversationDoc> {
    if (caller.kind === 'client') {
      if (!caller.permissions.chat) {
        throw new AppError(403, ErrorCode.PermissionDenied, 'Permission "chat" is not granted');
      }
      const own = caller.conversationId;
      if (!own || (conversationId && conversationId !== own)) throw notFound('Conversation');
      const conv = await this.conversations.findById(caller.firmId, own);
      if (!conv) throw notFound('Conversation');
      return conv;
    }
    if (!conversationId || !idParamSchema.safeParse(conversationId).success) throw notFound('Conversation');
    const conv = await this.conversations.findById(caller.firmId, conversationId);
    if (!conv) throw notFound('Conversation');
    return conv;
  }

  async inbox(caller: StaffPrincipal, q: InboxQuery): Promise<ConversationListResponse> {
    const assignee = q.filter === 'mine' ? caller.staffId : q.filter === 'unassigned' ? null : undefined;
    const search = q.search?.trim();
    const docs = await this.conversations.list(caller.firmId, {
      assignee,
      clientNameRegex: search ? escapeRegex(search) : undefined,
      onlyIds: search ? await this.messages.conversationIdsMatching(caller.firmId, search, 500) : undefined,
      limit: 500,
    });
    const online = await this.presence.online('client', caller.firmId);
    return { items: docs.map((d) => toConversationItem(d, online.has(String(d.clientId)))) };
  }

  async get(caller: Principal, conversationId: string): Promise<ConversationItem> {
    const conv = await this.conversationFor(caller, conversationId);
    const online = await this.presence.online('client', caller.firmId);
    return toConversationItem(conv, online.has(String(conv.clientId)));
  }

  async history(caller: Principal, conversationId: string, q: MessagesQuery): Promise<MessageListResponse> {
    const conv = await this.conversationFor(caller, conversationId);
    const docs = await this.messages.page(caller.firmId, String(conv._id), q);
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
    const doc = await this.conversations.setAssignee(caller.firmId, conversationId, body.assigneeId);
    if (!doc) throw notFound('Conversation');
    await this.events.emit('conversation.assigned', {
      firmId: caller.firmId,
      conversationId,
      assigneeId: body.assigneeId,
    });
    const online = await this.presence.online('client', caller.firmId);
    return toConversationItem(doc, online.has(String(doc.clientId)));
  }

  /**
   * Stores a message and acks it only once stored. A retry with the same
   * clientMessageId from the same sender returns the stored message.
   */
  async send(caller: Principal, input: MessageSendPayload): Promise<Ack<{ message: Message }>> {
    if (caller.kind === 'client' && caller.impersonator) {
      return fail(ErrorCode.ReadOnlySession, 'Impersonated sessions are read-only');
    }
    try {
      const conv = await this.conversationFor(caller, input.conversationId);
      const conversationId = String(conv._id);
      const sender =
        caller.kind === 'staff'
          ? { kind: 'staff' as const, id: caller.staffId, name: caller.name }
          : { kind: 'client' as const, id: caller.clientId, name: caller.name };

      const existing = await this.messages.findBySenderKey(
        caller.firmId,
        conversationId,
        sender.id,
        input.clientMessageId,
      );
      if (existing) {
        const message = toMessageDto(existing);
        await this.events.emit('message.redelivered', {
          message,
          firmId: caller.firmId,
          clientId: String(conv.clientId),
        });
        return { ok: true, message };
      }

      const attachments = await this.attachments(caller, sender.id, input.attachmentIds ?? []);
      const messageId = String(messageIdFor(conversationId, sender.id, input.clientMessageId));
      const now = new Date();
      // A retry of a send that got its seq but died before storing takes that same seq.
      let current = conv;
      let allocation = current.allocations?.[messageId];
      for (let attempt = 0; !allocation; attempt++) {
        if (attempt === ALLOCATE_ATTEMPTS) {
          throw new AppError(409, ErrorCode.Conflict, 'Too many concurrent sends, try again');
        }
        const after = await this.conversations.allocate(
          caller.firmId,
          current,
          messageId,
          caller.kind === 'client' ? 'client' : 'firm',
          { text: input.text.slice(0, 200), senderKind: sender.kind },
          now,
        );
        // Null: another message took the seq first; count again from where it left things.
        const next = after ?? (await this.conversations.findById(caller.firmId, conversationId));
        if (!next) throw notFound('Conversation');
        current = next;
        allocation = current.allocations?.[messageId];
      }
      const stored = await this.messages.insert(caller.firmId, {
        conversationId: conv._id,
        seq: allocation.seq,
        sender,
        senderId: sender.id,
        clientMessageId: input.clientMessageId,
        clientCount: allocation.clientCount,
        firmCount: allocation.firmCount,
        text: input.text,
        attachments,
        createdAt: now,
      });
      if (!stored) {
        // A concurrent retry stored it first; this seq stays unused (seqs only grow).
        const winner = await this.messages.findBySenderKey(
          caller.firmId,
          conversationId,
          sender.id,
          input.clientMessageId,
        );
        if (!winner) throw new Error('duplicate message vanished');
        return { ok: true, message: toMessageDto(winner) };
      }
      if (attachments.length) {
        await this.files.attachToConversation(
          caller.firmId,
          attachments.map((a) => a.id),
          conversationId,
        );
      }
      const message = toMessageDto(stored);
      await this.events.emit('message.created', {
        message,
        firmId: caller.firmId,
        clientId: String(conv.clientId),
        unread: unreadOf(current),
      });
      // After the broadcast, so only the ack waits for it; a record left behind is never
      // used again (the stored message answers retries) and goes within a day.
      await this.conversations
        .allocated(caller.firmId, conversationId, messageId)
        .catch((err: unknown) => logger.warn(`allocation record of ${messageId} kept: ${String(err)}`));
      return { ok: true, message };
    } catch (err) {
      return ackFailure(err, logger);
    }
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

  /** Marks everything up to seq read for the caller's side and recounts that side's unread. */
  async markRead(caller: Principal, input: ConversationReadPayload): Promise<Ack> {
    // Looking through the client's eyes must not mark the firm's messages read for the client.
    if (caller.kind === 'client' && caller.impersonator) return { ok: true };
    try {
      const side = caller.kind === 'staff' ? ('staff' as const) : ('client' as const);
      for (let attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
        const conv = await this.conversationFor(caller, input.conversationId);
        const conversationId = String(conv._id);
        const seq = Math.min(input.seq, conv.lastSeq);
        const current = side === 'staff' ? conv.staffReadSeq : conv.clientReadSeq;
        if (seq <= current) return { ok: true };
        const at = await this.messages.latestAtOrBefore(caller.firmId, conversationId, seq);
        const otherTotal = side === 'staff' ? conv.clientMsgCount : conv.firmMsgCount;
        const otherRead = at ? (side === 'staff' ? at.clientCount : at.firmCount) : 0;
        const unread = Math.max(0, otherTotal - otherRead);
        if (
          await this.conversations.advanceRead(caller.firmId, conversationId, side, seq, unread, otherTotal)
        ) {
          await this.events.emit('conversation.read', {
            firmId: caller.firmId,
            clientId: String(conv.clientId),
            conversationId,
            side,
            seq,
            unread: {
              conversationId,
              unreadForStaff: side === 'staff' ? unread : conv.unreadForStaff,
              pendingForClient: side === 'client' ? unread : conv.pendingForClient,
            },
          });
          return { ok: true };
        }
      }
      return fail(ErrorCode.Conflict, 'Too many concurrent updates, try again');
    } catch (err) {
      return ackFailure(err, logger);
    }
  }

  /** Catch-up: a page of the messages after afterSeq; the caller asks again while hasMore. */
  async sync(caller: Principal, input: SyncInput): Promise<Ack<{ messages: Message[]; hasMore: boolean }>> {
    try {
      const { afterSeq, limit } = input;
      const conv = await this.conversationFor(caller, input.conversationId);
      const { docs, hasMore } = await this.messages.after(caller.firmId, String(conv._id), afterSeq, limit);
      return { ok: true, messages: docs.map(toMessageDto), hasMore };
    } catch (err) {
      return ackFailure(err, logger);
    }
  }

  /** Typing signals go to the other side of the conversation only. */
  async typing(caller: Principal, input: TypingPayload): Promise<void> {
    if (caller.kind === 'client' && caller.impersonator) return;
    let conv: ConversationDoc;
    try {
      conv = await this.conversationFor(caller, input.conversationId);
    } catch {
      return;
    }
    await this.events.emit('conversation.typing', {
      firmId: caller.firmId,
      clientId: String(conv.clientId),
      conversationId: String(conv._id),
      from: caller.kind,
      typing: input.typing,
    });
  }

  async monitor(caller: StaffPrincipal): Promise<MonitorResponse> {
    const now = Date.now();
    const waiting = await this.conversations.listWaiting(caller.firmId);
    const items: MonitorItem[] = [];
    for (const conv of waiting) {
      const conversationId = String(conv._id);
      const client = { id: String(conv.clientId), name: conv.clientName };
      const sides = [
        {
          direction: 'toStaff' as const,
          count: conv.unreadForStaff,
          fromClient: true,
          read: conv.staffReadSeq,
          reminded: conv.remindedStaffAt,
        },
        {
          direction: 'toClient' as const,
          count: conv.pendingForClient,
          fromClient: false,
          read: conv.clientReadSeq,
          reminded: conv.remindedClientAt,
        },
      ];
      for (const s of sides) {
        if (s.count <= 0) continue;
        const first = await this.messages.firstUnread(caller.firmId, conversationId, s.fromClient, s.read);
        if (!first) continue;
        items.push({
          conversationId,
          client,
          direction: s.direction,
          count: s.count,
          oldestAt: first.createdAt.toISOString(),
          waitingSeconds: Math.max(0, Math.floor((now - first.createdAt.getTime()) / 1000)),
          reminded: s.reminded instanceof Date,
        });
      }
    }
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
