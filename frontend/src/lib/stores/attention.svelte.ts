import { untrack } from 'svelte';
import { SvelteMap } from 'svelte/reactivity';
import { goto } from '$app/navigation';
import { resolve } from '$app/paths';
import type { ConversationItem, Message, NotificationPrefs } from '@connecthub/backend/contract';
import { chatApi } from '$lib/api/chat';
import { staffApi } from '$lib/api/staff';
import { onConnect, subscribe } from '$lib/socket.svelte';
import { toasts } from '$lib/stores/toast.svelte';
import { errorMessage } from '$lib/utils/errors';

/**
 * What asks for the staff's attention on every staff page: unread client messages per
 * conversation (the Atendimento badge, the tab title), what waits on either side (the
 * Monitor badge), and the alerts for a new client message (toast, chime, browser
 * notification) as each person set them. The inbox reads its counts from here, so the
 * list, the nav and the title never disagree.
 */

interface Counts {
  unreadForStaff: number;
  pendingForClient: number;
}

export type NotificationPermissionState = NotificationPermission | 'unsupported';

const DEFAULT_PREFS: NotificationPrefs = { toasts: true, sound: true, browser: true };
const PREVIEW_CHARS = 90;

/** The first words of a message, cut at a word and marked when cut. */
export function firstWords(text: string, max = PREVIEW_CHARS): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s.,;:!?-]+$/, '')}…`;
}

function permissionNow(): NotificationPermissionState {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

const windowIsActive = () => document.visibilityState === 'visible' && document.hasFocus();

class AttentionStore {
  readonly #counts = new SvelteMap<string, Counts>();
  prefs = $state<NotificationPrefs>({ ...DEFAULT_PREFS });
  permission = $state<NotificationPermissionState>('unsupported');
  /** The conversation open in the inbox (null on other pages). */
  viewing = $state<string | null>(null);
  /** The tab is shown and has focus: what the conversation view needs to mark read. */
  windowActive = $state(true);

  /** Client messages nobody in the firm has read yet. */
  readonly unread = $derived([...this.#counts.values()].reduce((n, c) => n + c.unreadForStaff, 0));
  /** What the Monitor lists: one item per conversation and side with messages waiting. */
  readonly waiting = $derived(
    [...this.#counts.values()].reduce(
      (n, c) => n + (c.unreadForStaff > 0 ? 1 : 0) + (c.pendingForClient > 0 ? 1 : 0),
      0,
    ),
  );

  #selfId = '';
  #audio: AudioContext | null = null;

  /**
   * Counts from the conversation list, taken once the socket is in (so no message falls
   * between the two) and again after each reconnect; kept live by socket events in between.
   * Returns the cleanup (call from the staff layout's $effect).
   */
  start(selfId: string, prefs: NotificationPrefs): () => void {
    return untrack(() => {
      if (selfId !== this.#selfId) this.#counts.clear();
      this.#selfId = selfId;
      this.prefs = { ...DEFAULT_PREFS, ...prefs };
      this.permission = permissionNow();
      this.windowActive = windowIsActive();
      const onWindow = () => {
        this.windowActive = windowIsActive();
        this.#clearViewed();
      };
      const unlockAudio = () => {
        if (this.prefs.sound) void this.#audioContext()?.resume();
      };
      window.addEventListener('focus', onWindow);
      window.addEventListener('blur', onWindow);
      document.addEventListener('visibilitychange', onWindow);
      // Browsers only let a page play sound after the person interacted with it.
      window.addEventListener('pointerdown', unlockAudio);
      window.addEventListener('keydown', unlockAudio);
      const offs = [
        subscribe('unread', (p) => this.#set(p.conversationId, p)),
        subscribe('message:new', (m) => this.#onMessage(m)),
        onConnect(() => void this.#refresh()),
      ];
      return () => {
        for (const off of offs) off();
        window.removeEventListener('focus', onWindow);
        window.removeEventListener('blur', onWindow);
        document.removeEventListener('visibilitychange', onWindow);
        window.removeEventListener('pointerdown', unlockAudio);
        window.removeEventListener('keydown', unlockAudio);
      };
    });
  }

  /** Counts from a conversation list; `complete` when it is every conversation of the firm. */
  seed(items: ConversationItem[], complete: boolean): void {
    if (complete) {
      const ids = new Set(items.map((c) => c.id));
      for (const id of [...this.#counts.keys()]) if (!ids.has(id)) this.#counts.delete(id);
    }
    for (const c of items) this.#set(c.id, c);
  }

  unreadOf(id: string): number {
    return this.#counts.get(id)?.unreadForStaff ?? 0;
  }

  /**
   * The inbox shows this conversation: its badge goes at once (the view marks it read on the
   * server right after). Returns the cleanup for when it leaves the screen.
   */
  view(id: string): () => void {
    return untrack(() => {
      this.viewing = id;
      this.#clearViewed();
      toasts.dismissLinksTo(resolve('/(staff)/inbox/[id]', { id }));
      return () => {
        if (this.viewing === id) this.viewing = null;
      };
    });
  }

  /** Turns one alert on or off for this person (saved on the server, shown at once). */
  async setPref(key: keyof NotificationPrefs, on: boolean): Promise<void> {
    const before = this.prefs[key];
    this.prefs[key] = on;
    if (key === 'sound' && on) void this.#audioContext()?.resume();
    try {
      this.prefs = await staffApi.updateNotifications({ [key]: on });
    } catch (e) {
      this.prefs[key] = before;
      toasts.error(errorMessage(e));
    }
  }

  /** Asks the browser (from a click: browsers ignore the request otherwise). */
  async askPermission(): Promise<void> {
    if (typeof Notification === 'undefined') return;
    try {
      this.permission = await Notification.requestPermission();
    } catch {
      this.permission = permissionNow();
    }
  }

  /** A short two-note chime, made on the spot (no audio file to load). */
  chime(): void {
    const ctx = this.#audioContext();
    if (!ctx) return;
    if (ctx.state === 'suspended') void ctx.resume();
    const t = ctx.currentTime + 0.01;
    [880, 1318.5].forEach((freq, i) => {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      const start = t + i * 0.13;
      osc.type = 'sine';
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.18, start + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.45);
      osc.connect(gain).connect(ctx.destination);
      osc.start(start);
      osc.stop(start + 0.5);
    });
  }

  #audioContext(): AudioContext | null {
    if (this.#audio) return this.#audio;
    if (typeof AudioContext === 'undefined') return null;
    this.#audio = new AudioContext();
    return this.#audio;
  }

  #isOnScreen(id: string): boolean {
    return this.viewing === id && this.windowActive;
  }

  #set(id: string, counts: Counts): void {
    // The conversation on screen is being read right now: its count is what the server says once it knows.
    const unreadForStaff = this.#isOnScreen(id) ? 0 : counts.unreadForStaff;
    const current = this.#counts.get(id);
    if (current?.unreadForStaff === unreadForStaff && current.pendingForClient === counts.pendingForClient)
      return;
    this.#counts.set(id, { unreadForStaff, pendingForClient: counts.pendingForClient });
  }

  #clearViewed(): void {
    const id = this.viewing;
    if (!id || !this.windowActive) return;
    const current = this.#counts.get(id);
    if (current && current.unreadForStaff > 0) this.#counts.set(id, { ...current, unreadForStaff: 0 });
  }

  #onMessage(m: Message): void {
    if (m.sender.kind !== 'client' || this.#isOnScreen(m.conversationId)) return;
    const href = resolve('/(staff)/inbox/[id]', { id: m.conversationId });
    const text = firstWords(m.text);
    if (this.prefs.toasts) {
      toasts.message({ title: m.sender.name, text, href, testid: 'message-toast' });
    }
    if (this.prefs.sound) this.chime();
    // In another tab or behind another window, the person sees only what the system shows.
    if (this.prefs.browser && !windowIsActive() && permissionNow() === 'granted') {
      try {
        const n = new Notification(m.sender.name, { body: text, tag: m.conversationId });
        n.onclick = () => {
          window.focus();
          n.close();
          void goto(href);
        };
      } catch {
        // Some mobile browsers only notify through a service worker: the toast and badge remain.
      }
    }
  }

  async #refresh(): Promise<void> {
    try {
      const { items } = await chatApi.inbox({ filter: 'all' });
      this.seed(items, true);
    } catch {
      // The next event or reconnect tries again.
    }
  }
}

export const attention = new AttentionStore();
