import { untrack } from 'svelte';
import { SvelteMap } from 'svelte/reactivity';
import type { ConversationItem, FileItem, Message } from '@connecthub/backend/contract';
import { chatApi, type ChatAuth } from '$lib/api/chat';
import {
  emitTyping,
  emitWithAck,
  isConnected,
  onConnect,
  SocketUnavailableError,
  subscribe,
} from '$lib/socket.svelte';
import { attachmentCaption } from '$lib/utils/attachments';
import { codeMessage, errorMessage } from '$lib/utils/errors';

/**
 * Live chat state of this tab: messages per conversation, our pending sends, read pointers
 * and typing flags. Fed by the one socket (message:new, conversation:read, typing, sync on
 * every reconnect) and by the HTTP history; components only read it and call its methods.
 */

export type Side = 'staff' | 'client';
export type MessageStatus = 'sending' | 'sent' | 'read' | 'failed';

/** A message we sent that the server hasn't stored yet (or refused). */
export interface PendingMessage {
  clientMessageId: string;
  text: string;
  attachments: FileItem[];
  createdAt: string;
  status: 'sending' | 'failed';
  error: string | null;
}

/** One row of a conversation as shown: a stored message or one of our pending sends. */
export interface ChatEntry {
  key: string;
  message: Message;
  /** From the viewer's side (the firm, for staff; the client, in the portal). */
  own: boolean;
  /** Own messages: whether the other side read it; theirs: whether we did. */
  status: MessageStatus;
  pending: boolean;
  error: string | null;
}

const PAGE_SIZE = 50;
const SEND_TIMEOUT_MS = 15_000;
const TYPING_VISIBLE_MS = 5_000;
const TYPING_REFRESH_MS = 2_000;
const TYPING_IDLE_MS = 3_000;

const SEND_ERRORS: Record<string, string> = {
  VALIDATION_FAILED: 'Mensagem inválida.',
  NOT_FOUND: 'Conversa não encontrada.',
};

/** How long the server asked us to wait before sending the same event again (null: not a "not now"). */
function retryDelay(error: { code: string; retryAfterMs?: number }): number | null {
  if (error.code !== 'RATE_LIMITED' && error.code !== 'OVERLOADED') return null;
  return Math.max(error.retryAfterMs ?? 1_000, 100);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function messageKey(m: Pick<Message, 'sender' | 'clientMessageId'>): string {
  return `${m.sender.id}:${m.clientMessageId}`;
}

/** crypto.randomUUID exists only in secure contexts; a LAN deployment over plain http is not one. */
export function newClientMessageId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export class ConversationState {
  readonly id: string;
  /** Stored messages, ascending by seq, no duplicates. */
  messages = $state<Message[]>([]);
  pending = $state<PendingMessage[]>([]);
  info = $state<ConversationItem | null>(null);
  staffReadSeq = $state(0);
  clientReadSeq = $state(0);
  status = $state<'idle' | 'loading' | 'ready' | 'error'>('idle');
  error = $state<string | null>(null);
  hasOlder = $state(false);
  loadingOlder = $state(false);

  /** Highest seq we asked the server to mark read (not state: avoids resending). */
  readRequested = 0;
  readonly #store: ChatStore;

  constructor(id: string, store: ChatStore) {
    this.id = id;
    this.#store = store;
  }

  get lastSeq(): number {
    return this.messages.at(-1)?.seq ?? 0;
  }

  readSeq(side: Side): number {
    return side === 'staff' ? this.staffReadSeq : this.clientReadSeq;
  }

  /** Highest seq of a message from the other side (what "read" is about). */
  get lastOtherSeq(): number {
    const mine = this.#store.viewer;
    for (let i = this.messages.length - 1; i >= 0; i--) {
      if (this.messages[i].sender.kind !== mine) return this.messages[i].seq;
    }
    return 0;
  }

  /** Messages from the other side the viewer hasn't read yet. */
  get unread(): number {
    const mine = this.#store.viewer;
    const read = this.readSeq(mine);
    return this.messages.filter((m) => m.sender.kind !== mine && m.seq > read).length;
  }

  get entries(): ChatEntry[] {
    const mine = this.#store.viewer;
    const theirs: Side = mine === 'staff' ? 'client' : 'staff';
    const stored = this.messages.map((m): ChatEntry => {
      const own = m.sender.kind === mine;
      const read = m.seq <= this.readSeq(own ? theirs : mine);
      return {
        key: messageKey(m),
        message: m,
        own,
        status: read ? 'read' : 'sent',
        pending: false,
        error: null,
      };
    });
    const self = this.#store.self;
    const pending = this.pending.map((p): ChatEntry => {
      const message: Message = {
        id: '',
        conversationId: this.id,
        seq: 0,
        sender: { kind: mine, id: self.id, name: self.name },
        clientMessageId: p.clientMessageId,
        text: p.text,
        attachments: p.attachments,
        createdAt: p.createdAt,
      };
      return {
        key: messageKey(message),
        message,
        own: true,
        status: p.status,
        pending: true,
        error: p.error,
      };
    });
    return [...stored, ...pending];
  }
}

interface OutgoingTyping {
  lastSentAt: number;
  idle: ReturnType<typeof setTimeout>;
}

class ChatStore {
  viewer = $state<Side>('staff');
  self = $state<{ id: string; name: string }>({ id: '', name: '' });
  /** Impersonation (read-only) sessions never mark read, type or send. */
  readOnly = $state(false);
  /** Conversations whose other side is typing now (auto-hidden after 5 s without refresh). */
  readonly typing = new SvelteMap<string, true>();
  /** Unsent composer text per conversation, kept while the staff switch conversations. */
  readonly drafts = new Map<string, string>();

  #auth: ChatAuth = 'cookie';
  // The registry itself isn't reactive: states are created on first use, inside reads too.
  #conversations = new Map<string, ConversationState>();
  #typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
  #outgoingTyping = new Map<string, OutgoingTyping>();
  /** Sends of one conversation go out one after another, so their seqs follow the order typed. */
  #sendChains = new Map<string, Promise<void>>();
  #attempts = new Map<string, number>();

  constructor() {
    subscribe('message:new', (m) => this.#onMessage(m));
    subscribe('conversation:read', (p) => this.#onRead(p.conversationId, p.side, p.seq));
    subscribe('typing', (p) => this.#onTyping(p.conversationId, p.typing));
    subscribe('conversation:assigned', ({ conversationId, assigneeId }) => {
      const info = this.#conversations.get(conversationId)?.info;
      if (info) info.assigneeId = assigneeId;
    });
    onConnect(() => this.#onConnect());
  }

  /** Who is looking; a different person than before starts from a clean state. */
  configure(opts: { viewer: Side; self: { id: string; name: string }; auth: ChatAuth; readOnly?: boolean }) {
    // Called from components' effects: reading our own state here must not subscribe them to it.
    untrack(() => {
      if (opts.self.id !== this.self.id || opts.viewer !== this.viewer) this.reset();
      if (opts.viewer !== this.viewer) this.viewer = opts.viewer;
      if (opts.self.id !== this.self.id || opts.self.name !== this.self.name) this.self = { ...opts.self };
      if ((opts.readOnly ?? false) !== this.readOnly) this.readOnly = opts.readOnly ?? false;
      this.#auth = opts.auth;
    });
  }

  reset(): void {
    for (const t of this.#typingTimers.values()) clearTimeout(t);
    for (const t of this.#outgoingTyping.values()) clearTimeout(t.idle);
    this.#typingTimers.clear();
    this.#outgoingTyping.clear();
    this.#conversations.clear();
    this.#sendChains.clear();
    this.#attempts.clear();
    this.typing.clear();
    this.drafts.clear();
  }

  conversation(id: string): ConversationState {
    let conv = this.#conversations.get(id);
    if (!conv) {
      conv = new ConversationState(id, this);
      this.#conversations.set(id, conv);
    }
    return conv;
  }

  /** Loads the read pointers and the newest page, once; later calls are no-ops unless it failed. */
  async open(id: string): Promise<void> {
    const conv = this.conversation(id);
    if (conv.status === 'loading' || conv.status === 'ready') return;
    conv.status = 'loading';
    conv.error = null;
    try {
      const [info, page] = await Promise.all([
        chatApi.conversation(id, this.#auth),
        chatApi.messages(id, { limit: PAGE_SIZE }, this.#auth),
      ]);
      this.applyInfo(info);
      this.#merge(conv, page.items);
      conv.hasOlder = page.items.length > 0 && page.items[0].seq > 1;
      conv.status = 'ready';
      // A message stored between the page query and the socket joining would be in neither.
      if (isConnected()) void this.#sync(conv);
    } catch (e) {
      conv.status = 'error';
      conv.error = errorMessage(e, {
        NOT_FOUND: 'Conversa não encontrada.',
        PERMISSION_DENIED: 'O chat não está liberado para você.',
      });
    }
  }

  /** Read pointers (and the rest) from a fresher ConversationItem. */
  applyInfo(info: ConversationItem): void {
    const conv = this.conversation(info.id);
    conv.info = info;
    conv.staffReadSeq = Math.max(conv.staffReadSeq, info.staffReadSeq);
    conv.clientReadSeq = Math.max(conv.clientReadSeq, info.clientReadSeq);
  }

  async loadOlder(id: string): Promise<string | null> {
    const conv = this.conversation(id);
    const first = conv.messages[0];
    if (!first || conv.loadingOlder) return null;
    conv.loadingOlder = true;
    try {
      const page = await chatApi.messages(id, { beforeSeq: first.seq, limit: PAGE_SIZE }, this.#auth);
      this.#merge(conv, page.items);
      conv.hasOlder = page.items.length > 0 && page.items[0].seq > 1;
      return null;
    } catch (e) {
      return errorMessage(e);
    } finally {
      conv.loadingOlder = false;
    }
  }

  /** Shows the message at once as "enviando…" and sends it (now, or when the socket is back). */
  send(id: string, text: string, attachments: FileItem[] = []): void {
    if (this.readOnly) return;
    const conv = this.conversation(id);
    const body = text.trim() || attachmentCaption(attachments);
    if (!body) return;
    const clientMessageId = newClientMessageId();
    conv.pending.push({
      clientMessageId,
      text: body,
      attachments,
      createdAt: new Date().toISOString(),
      status: 'sending',
      error: null,
    });
    this.stopTyping(id);
    this.#enqueue(conv, clientMessageId);
  }

  /** Sends a failed message again with the same clientMessageId: the server stores it once. */
  retry(id: string, clientMessageId: string): void {
    const conv = this.conversation(id);
    const p = conv.pending.find((x) => x.clientMessageId === clientMessageId);
    if (!p) return;
    p.status = 'sending';
    p.error = null;
    this.#enqueue(conv, clientMessageId);
  }

  discard(id: string, clientMessageId: string): void {
    const conv = this.conversation(id);
    conv.pending = conv.pending.filter((p) => p.clientMessageId !== clientMessageId);
  }

  /** Marks read up to the newest message from the other side (call while it's on screen). */
  markRead(id: string): void {
    const conv = this.#conversations.get(id);
    if (!conv || this.readOnly || conv.status !== 'ready') return;
    const seq = conv.lastOtherSeq;
    const side = this.viewer;
    if (seq <= conv.readSeq(side) || seq <= conv.readRequested) return;
    conv.readRequested = seq;
    emitWithAck('conversation:read', { conversationId: id, seq })
      .then((res) => {
        if (res.ok) {
          this.#onRead(id, side, seq);
          return;
        }
        conv.readRequested = 0;
        // "Not now" (too many reads at once): nothing on screen changes to ask again, so we do.
        const wait = retryDelay(res.error);
        if (wait !== null) setTimeout(() => this.markRead(id), wait);
      })
      .catch(() => {
        // Offline: the view asks again once the socket is back.
        conv.readRequested = 0;
      });
  }

  /** Composer input: typing:true at most every 2 s, typing:false after 3 s idle. */
  typingInput(id: string): void {
    if (this.readOnly) return;
    const now = Date.now();
    const current = this.#outgoingTyping.get(id);
    if (current) clearTimeout(current.idle);
    const lastSentAt =
      !current || now - current.lastSentAt >= TYPING_REFRESH_MS
        ? (emitTyping({ conversationId: id, typing: true }), now)
        : current.lastSentAt;
    this.#outgoingTyping.set(id, {
      lastSentAt,
      idle: setTimeout(() => this.stopTyping(id), TYPING_IDLE_MS),
    });
  }

  stopTyping(id: string): void {
    const current = this.#outgoingTyping.get(id);
    if (!current) return;
    clearTimeout(current.idle);
    this.#outgoingTyping.delete(id);
    emitTyping({ conversationId: id, typing: false });
  }

  // ---------- internals ----------

  /** Adds messages not already there (by id and by sender + clientMessageId), keeps seq order. */
  #merge(conv: ConversationState, incoming: Message[]): void {
    if (incoming.length === 0) return;
    // Local bookkeeping, not UI state.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    const ids = new Set(conv.messages.map((m) => m.id));
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    const keys = new Set(conv.messages.map(messageKey));
    const added: Message[] = [];
    for (const m of incoming) {
      if (m.conversationId !== conv.id || ids.has(m.id) || keys.has(messageKey(m))) continue;
      ids.add(m.id);
      keys.add(messageKey(m));
      added.push(m);
    }
    const confirmed = new Set(
      incoming.filter((m) => m.sender.kind === this.viewer).map((m) => m.clientMessageId),
    );
    if (confirmed.size && conv.pending.some((p) => confirmed.has(p.clientMessageId))) {
      conv.pending = conv.pending.filter((p) => !confirmed.has(p.clientMessageId));
    }
    if (added.length === 0) return;
    const last = conv.messages.at(-1)?.seq ?? 0;
    conv.messages = added.every((m) => m.seq > last)
      ? [...conv.messages, ...added.sort((a, b) => a.seq - b.seq)]
      : [...conv.messages, ...added].sort((a, b) => a.seq - b.seq);
  }

  #enqueue(conv: ConversationState, clientMessageId: string): void {
    const previous = this.#sendChains.get(conv.id) ?? Promise.resolve();
    const next = previous.then(() => this.#transmit(conv, clientMessageId));
    this.#sendChains.set(conv.id, next);
  }

  async #transmit(conv: ConversationState, clientMessageId: string): Promise<void> {
    const p = conv.pending.find((x) => x.clientMessageId === clientMessageId);
    // Gone (confirmed meanwhile), failed (waits for the user), or offline (sent on reconnect).
    if (!p || p.status !== 'sending' || !isConnected()) return;
    const attempt = (this.#attempts.get(clientMessageId) ?? 0) + 1;
    this.#attempts.set(clientMessageId, attempt);
    const stale = () => this.#attempts.get(clientMessageId) !== attempt;
    try {
      const res = await emitWithAck(
        'message:send',
        {
          conversationId: conv.id,
          clientMessageId,
          text: p.text,
          ...(p.attachments.length ? { attachmentIds: p.attachments.map((a) => a.id) } : {}),
        },
        SEND_TIMEOUT_MS,
      );
      if (res.ok) {
        this.#attempts.delete(clientMessageId);
        this.#merge(conv, [res.message]);
      } else if (!stale()) {
        const wait = retryDelay(res.error);
        if (wait === null) {
          this.#fail(conv, clientMessageId, codeMessage(res.error.code, SEND_ERRORS));
          return;
        }
        // Sending too fast: the same message again once allowed, still ahead of later ones.
        await sleep(wait);
        await this.#transmit(conv, clientMessageId);
      }
    } catch (e) {
      // Lost the connection mid-send: it stays "enviando…" and goes again on reconnect.
      if (stale() || !isConnected()) return;
      this.#fail(
        conv,
        clientMessageId,
        e instanceof SocketUnavailableError ? e.message : 'Não foi possível enviar.',
      );
    }
  }

  #fail(conv: ConversationState, clientMessageId: string, error: string): void {
    const p = conv.pending.find((x) => x.clientMessageId === clientMessageId);
    if (!p) return;
    p.status = 'failed';
    p.error = error;
  }

  /**
   * Catch-up after a reconnect, a page at a time. Each page continues from the last seq of
   * the previous one, not from the newest message shown: live messages may arrive meanwhile.
   */
  async #sync(conv: ConversationState): Promise<void> {
    let afterSeq = conv.lastSeq;
    try {
      for (;;) {
        const res = await emitWithAck('sync', { conversationId: conv.id, afterSeq }, SEND_TIMEOUT_MS);
        if (res.ok) {
          this.#merge(conv, res.messages);
          if (!res.hasMore) return;
          afterSeq = res.messages.at(-1)?.seq ?? afterSeq;
          continue;
        }
        const wait = retryDelay(res.error);
        if (wait === null) break;
        await sleep(wait);
      }
    } catch {
      // fall back to HTTP below
    }
    try {
      const page = await chatApi.messages(conv.id, { afterSeq, limit: 500 }, this.#auth);
      this.#merge(conv, page.items);
    } catch {
      // The next reconnect tries again.
    }
  }

  #onConnect(): void {
    for (const conv of this.#conversations.values()) {
      if (conv.status === 'ready') {
        void this.#sync(conv);
        // Receipts sent while we were away.
        chatApi
          .conversation(conv.id, this.#auth)
          .then((info) => this.applyInfo(info))
          .catch(() => {});
      } else if (conv.status === 'error') {
        void this.open(conv.id);
      }
      if (conv.pending.some((p) => p.status === 'sending')) {
        for (const p of conv.pending) if (p.status === 'sending') this.#enqueue(conv, p.clientMessageId);
      }
    }
  }

  #onMessage(m: Message): void {
    // Whoever typed it has sent it.
    if (m.sender.kind !== this.viewer) this.#onTyping(m.conversationId, false);
    const conv = this.#conversations.get(m.conversationId);
    if (conv && conv.status !== 'idle') this.#merge(conv, [m]);
  }

  #onRead(conversationId: string, side: Side, seq: number): void {
    const conv = this.#conversations.get(conversationId);
    if (!conv) return;
    if (side === 'staff') conv.staffReadSeq = Math.max(conv.staffReadSeq, seq);
    else conv.clientReadSeq = Math.max(conv.clientReadSeq, seq);
  }

  #onTyping(conversationId: string, typing: boolean): void {
    clearTimeout(this.#typingTimers.get(conversationId));
    this.#typingTimers.delete(conversationId);
    if (!typing) {
      this.typing.delete(conversationId);
      return;
    }
    this.typing.set(conversationId, true);
    this.#typingTimers.set(
      conversationId,
      setTimeout(() => {
        this.#typingTimers.delete(conversationId);
        this.typing.delete(conversationId);
      }, TYPING_VISIBLE_MS),
    );
  }
}

export const chat = new ChatStore();
