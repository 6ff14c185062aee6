import { Injectable } from '@nestjs/common';
import {
  ChatStateRepository,
  type LiveState,
  sinceApplies,
  type UnreadSince,
} from './chat-state.repository.js';
import { ConversationRepository, readCounts, stateOf } from './conversation.repository.js';
import type { ConversationDoc } from './conversation.schema.js';

type Side = 'staff' | 'client';

/** What a conversation keeps of its client (the inbox shows the name, its search the CNPJ too). */
export interface ConversationClient {
  id: string;
  name: string;
  cnpj: string;
}

/** A stored conversation with Redis's live numbers over it (the document is written behind). */
export interface LiveConversation {
  doc: ConversationDoc;
  lastSeq: number;
  clientMsgCount: number;
  firmMsgCount: number;
  lastMessageAt: Date | null;
  lastMessage: ConversationDoc['lastMessage'];
  unreadForStaff: number;
  pendingForClient: number;
  /** When each side's oldest unread message was sent; null when none is unread or it is not known. */
  staffWaitingSince: Date | null;
  clientWaitingSince: Date | null;
}

/** The first fact that names the oldest unread message of a side that has read `readCount`. */
function waitingSince(readCount: number, ...facts: (UnreadSince | null | undefined)[]): Date | null {
  const found = facts.find((f) => sinceApplies(f, readCount));
  return found ? new Date(found.at) : null;
}

export function overlay(doc: ConversationDoc, live?: LiveState): LiveConversation {
  const read = readCounts(doc);
  const fresh = live && live.seq >= doc.lastSeq ? live : undefined;
  const clientMsgCount = fresh ? fresh.clientCount : doc.clientMsgCount;
  const firmMsgCount = fresh ? fresh.firmCount : doc.firmMsgCount;
  const staffRead = Math.max(read.staff, live?.staffReadCount ?? 0);
  const clientRead = Math.max(read.client, live?.clientReadCount ?? 0);
  const stored = stateOf(doc);
  const unreadForStaff = Math.max(0, clientMsgCount - staffRead);
  const pendingForClient = Math.max(0, firmMsgCount - clientRead);
  return {
    doc,
    lastSeq: fresh ? fresh.seq : doc.lastSeq,
    clientMsgCount,
    firmMsgCount,
    lastMessageAt: fresh && fresh.seq > 0 ? new Date(fresh.lastAt) : doc.lastMessageAt,
    lastMessage:
      fresh && fresh.seq > 0 ? { text: fresh.lastText, senderKind: fresh.lastKind } : doc.lastMessage,
    unreadForStaff,
    pendingForClient,
    staffWaitingSince: unreadForStaff ? waitingSince(staffRead, live?.staffSince, stored.staffSince) : null,
    clientWaitingSince: pendingForClient
      ? waitingSince(clientRead, live?.clientSince, stored.clientSince)
      : null,
  };
}

/**
 * What other modules may do with conversations: clients keep one per client and show its
 * counters, notifications claim reminders. Messages and the chat rules stay in ChatService.
 */
@Injectable()
export class ConversationsService {
  constructor(
    private readonly conversations: ConversationRepository,
    private readonly state: ChatStateRepository,
  ) {}

  /** Creates the client's conversation, or returns the one it already has. */
  ensureForClient(firmId: string, client: ConversationClient): Promise<ConversationDoc> {
    return this.conversations.ensureForClient(firmId, client);
  }

  /** The same for many clients in a few writes: client id → conversation id. */
  ensureForClients(firmId: string, clients: ConversationClient[]): Promise<Map<string, string>> {
    return this.conversations.ensureForClients(firmId, clients);
  }

  /** Stored conversations with Redis's live numbers over them (one Redis round trip). */
  async withLive(docs: ConversationDoc[]): Promise<LiveConversation[]> {
    const live = await this.state.getMany(docs.map((d) => String(d._id)));
    return docs.map((d) => overlay(d, live.get(String(d._id))));
  }

  /** The firm's conversations, live (inbox, monitor): its directory, then each by _id. */
  async listForFirm(firmId: string): Promise<LiveConversation[]> {
    return this.withLive(await this.conversations.listForFirm(firmId));
  }

  /** Some of the firm's conversations, live, by conversation id (unknown ids left out). */
  async liveByIds(firmId: string, ids: string[]): Promise<Map<string, LiveConversation>> {
    const docs = await this.conversations.findManyByIds(firmId, ids);
    return new Map((await this.withLive(docs)).map((c) => [String(c.doc._id), c]));
  }

  async findById(firmId: string, conversationId: string): Promise<LiveConversation | null> {
    const doc = await this.conversations.findById(firmId, conversationId);
    return doc ? (await this.withLive([doc]))[0] : null;
  }

  /** After a client's name or CNPJ changed: the inbox shows and searches the new ones. */
  setClient(conversationId: string, client: { name: string; cnpj: string }): Promise<void> {
    return this.conversations.setClient(conversationId, client);
  }

  /**
   * Claims a side's reminder for the job scheduled by message `jobSeq` (atomic in Redis):
   * true for the one job that took it, so the recipient is told once; the same job run
   * again (its worker died before `reminderSent`) may take it again, no other job can until
   * a read clears it. The monitor shows the side as reminded from then on.
   */
  async claimReminder(conversationId: string, side: Side, at: Date, jobSeq: number): Promise<boolean> {
    if (!(await this.state.claimReminder(conversationId, side, jobSeq))) return false;
    await this.conversations.setReminded(conversationId, side, at);
    return true;
  }

  reminderSent(conversationId: string, side: Side): Promise<void> {
    return this.state.reminderSent(conversationId, side);
  }

  async releaseReminder(conversationId: string, side: Side): Promise<void> {
    await this.state.releaseReminder(conversationId, side);
    await this.conversations.setReminded(conversationId, side, null);
  }
}
