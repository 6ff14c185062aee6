import { untrack } from 'svelte';
import type { ConversationItem, InboxQuery, Message } from '@connecthub/backend/contract';
import { chatApi } from '$lib/api/chat';
import { onConnect, subscribe } from '$lib/socket.svelte';
import { attention } from '$lib/stores/attention.svelte';
import { errorMessage } from '$lib/utils/errors';

export type InboxFilter = InboxQuery['filter'];

const REFETCH_DELAY_MS = 400;

function byActivity(a: ConversationItem, b: ConversationItem): number {
  const ta = a.lastMessageAt ? Date.parse(a.lastMessageAt) : 0;
  const tb = b.lastMessageAt ? Date.parse(b.lastMessageAt) : 0;
  return tb - ta || (a.id < b.id ? 1 : -1);
}

/**
 * The staff inbox list: filter and search on the server, then kept live by socket events
 * (new messages re-sort it, unread counters and assignments update rows in place). Unread
 * counts shown come from the attention store, which every list loaded here refreshes.
 */
class InboxStore {
  items = $state<ConversationItem[]>([]);
  filter = $state<InboxFilter>('all');
  search = $state('');
  status = $state<'idle' | 'loading' | 'ready' | 'error'>('idle');
  error = $state<string | null>(null);

  #selfId = '';
  #abort: AbortController | null = null;
  #refetch: ReturnType<typeof setTimeout> | undefined;
  /** Bumped by every explicit load, so a slower background refresh can't overwrite it. */
  #generation = 0;

  /** Subscribes to the live events; returns the cleanup (call from the inbox layout's $effect). */
  start(selfId: string, initial: ConversationItem[] | null): () => void {
    // Called from an effect: the list state read here must not become its dependency.
    return untrack(() => this.#start(selfId, initial));
  }

  #start(selfId: string, initial: ConversationItem[] | null): () => void {
    if (selfId !== this.#selfId) {
      this.filter = 'all';
      this.search = '';
      this.items = [];
    }
    this.#selfId = selfId;
    if (initial && this.filter === 'all' && this.search === '') {
      this.#take(initial);
      this.status = 'ready';
    } else {
      void this.load();
    }
    const offs = [
      subscribe('message:new', (m) => this.#onMessage(m)),
      subscribe('unread', (p) =>
        this.#patch(p.conversationId, {
          unreadForStaff: p.unreadForStaff,
          pendingForClient: p.pendingForClient,
        }),
      ),
      subscribe('conversation:assigned', (p) => this.#onAssigned(p.conversationId, p.assigneeId)),
      // Events missed while the socket was down: take the list again.
      onConnect(() => this.#scheduleRefetch()),
    ];
    return () => {
      for (const off of offs) off();
      clearTimeout(this.#refetch);
      this.#abort?.abort();
    };
  }

  find(id: string): ConversationItem | undefined {
    return this.items.find((c) => c.id === id);
  }

  setFilter(filter: InboxFilter): void {
    if (filter === this.filter) return;
    this.filter = filter;
    void this.load();
  }

  setSearch(search: string): void {
    if (search.trim() === this.search.trim()) return;
    this.search = search;
    void this.load();
  }

  async load(): Promise<void> {
    this.#abort?.abort();
    const abort = new AbortController();
    this.#abort = abort;
    this.#generation++;
    this.status = 'loading';
    this.error = null;
    try {
      const search = this.search.trim();
      const { items } = await chatApi.inbox(
        { filter: this.filter, ...(search ? { search } : {}) },
        { signal: abort.signal },
      );
      if (abort.signal.aborted) return;
      this.#take(items);
      this.status = 'ready';
    } catch (e) {
      if (abort.signal.aborted) return;
      this.status = 'error';
      this.error = errorMessage(e);
    }
  }

  /** A fresher copy of one row (e.g. the assign answer). */
  upsert(item: ConversationItem): void {
    if (!this.#matchesFilter(item.assigneeId)) {
      this.items = this.items.filter((c) => c.id !== item.id);
      return;
    }
    const exists = this.items.some((c) => c.id === item.id);
    this.items = (exists ? this.items.map((c) => (c.id === item.id ? item : c)) : [...this.items, item]).sort(
      byActivity,
    );
  }

  /** A list from the server: shown, and its counts handed to the badges (all of them when unfiltered). */
  #take(items: ConversationItem[]): void {
    this.items = [...items].sort(byActivity);
    attention.seed(items, this.filter === 'all' && this.search.trim() === '');
  }

  #matchesFilter(assigneeId: string | null): boolean {
    if (this.filter === 'mine') return assigneeId === this.#selfId;
    if (this.filter === 'unassigned') return assigneeId === null;
    return true;
  }

  #patch(id: string, patch: Partial<ConversationItem>): void {
    const row = this.items.find((c) => c.id === id);
    if (row) Object.assign(row, patch);
  }

  #onMessage(m: Message): void {
    const row = this.items.find((c) => c.id === m.conversationId);
    if (!row) {
      // A conversation we don't list yet (new, or it now matches the search): ask the server.
      this.#scheduleRefetch();
      return;
    }
    if (m.seq < row.lastSeq) return;
    row.lastSeq = m.seq;
    row.lastMessageAt = m.createdAt;
    row.lastMessage = { seq: m.seq, text: m.text, senderKind: m.sender.kind };
    this.items = [...this.items].sort(byActivity);
  }

  #onAssigned(id: string, assigneeId: string | null): void {
    const row = this.items.find((c) => c.id === id);
    if (row && !this.#matchesFilter(assigneeId)) {
      this.items = this.items.filter((c) => c.id !== id);
    } else if (row) {
      row.assigneeId = assigneeId;
    } else if (this.#matchesFilter(assigneeId)) {
      this.#scheduleRefetch();
    }
  }

  #scheduleRefetch(): void {
    clearTimeout(this.#refetch);
    this.#refetch = setTimeout(() => void this.#quietLoad(), REFETCH_DELAY_MS);
  }

  /** A background refresh: keeps the rows on screen, no loading state. */
  async #quietLoad(): Promise<void> {
    if (this.status === 'loading') return;
    const generation = this.#generation;
    try {
      const search = this.search.trim();
      const { items } = await chatApi.inbox({ filter: this.filter, ...(search ? { search } : {}) });
      if (generation !== this.#generation) return;
      this.#take(items);
      this.status = 'ready';
      this.error = null;
    } catch {
      // The list on screen stays; the next event or reconnect tries again.
    }
  }
}

export const inbox = new InboxStore();
