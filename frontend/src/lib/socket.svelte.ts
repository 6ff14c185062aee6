import { io, type Socket } from 'socket.io-client';
import { SvelteMap } from 'svelte/reactivity';
import type {
  AckedEventName,
  AckOf,
  ClientEventPayload,
  ClientToServerEvents,
  ServerToClientEvents,
  SessionRevokedReason,
} from '@connecthub/backend/contract';

export type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type SocketStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed';
type EventName = keyof ServerToClientEvents;
/** Client events that the server answers with an ack (the last argument), from the contract's table. */
type AckEventName = AckedEventName;
type AckPayload<E extends AckEventName> = ClientEventPayload<E>;
type AckReply<E extends AckEventName> = AckOf<E>;

/** Thrown by `emitWithAck` when the socket is down or the server didn't answer in time. */
export class SocketUnavailableError extends Error {
  constructor(reason: 'offline' | 'timeout') {
    super(reason === 'offline' ? 'Sem conexão com o servidor.' : 'O servidor não respondeu a tempo.');
    this.name = 'SocketUnavailableError';
  }
}

/** Live connection state, read by components through runes. */
class LiveState {
  status = $state<SocketStatus>('idle');
  /** From `presence:firm`; null until the first event (the UI shows a neutral state). */
  firmOnline = $state<boolean | null>(null);
  /** Set when the server revoked this session (`session:revoked`). */
  revoked = $state<SessionRevokedReason | null>(null);
  /** Staff only: who of the team / which clients are online, from `presence:staff` / `presence:client`. */
  readonly staffOnline = new SvelteMap<string, boolean>();
  readonly clientOnline = new SvelteMap<string, boolean>();
}

export const live = new LiveState();

let socket: AppSocket | null = null;
let socketToken: string | null = null;
/** Server-side disconnects in a row without a revocation: the reconnect backoff's exponent. */
let serverDrops = 0;
// Plain (non-reactive) registry: handlers are callbacks, not UI state.
const listeners: Partial<Record<EventName, ((...args: unknown[]) => void)[]>> = {};
let connectListeners: (() => void)[] = [];

function dispatch(event: string, args: unknown[]): void {
  for (const fn of listeners[event as EventName] ?? []) fn(...args);
}

/**
 * Opens (or reuses) the one socket of this tab. Cookie sessions authenticate through the
 * handshake's cookies; an impersonation tab passes its token as `auth: {token}`.
 */
export function connectSocket(token: string | null = null): AppSocket {
  if (socket && socketToken === token) return socket;
  disconnectSocket();

  live.status = 'connecting';
  live.firmOnline = null;
  live.revoked = null;
  socketToken = token;
  const s: AppSocket = io({
    path: '/socket.io',
    withCredentials: true,
    auth: token ? { token } : {},
    transports: ['websocket', 'polling'],
    tryAllTransports: true,
  });
  socket = s;

  s.on('connect', () => {
    live.status = 'connected';
    serverDrops = 0;
    for (const fn of connectListeners) fn();
  });
  s.on('disconnect', (reason) => {
    // A server-side disconnect without `session:revoked` (sent first when the session is gone)
    // means the server could not admit us now (a dependency down, too many tabs): try again
    // later, backing off, instead of staying offline until a reload.
    if (reason === 'io server disconnect' && !live.revoked) {
      live.status = 'reconnecting';
      const delay = Math.min(30_000, 1000 * 2 ** serverDrops++) * (0.5 + Math.random() / 2);
      setTimeout(() => {
        if (socket === s && !s.connected && !live.revoked) s.connect();
      }, delay);
    } else {
      live.status = reason === 'io server disconnect' ? 'closed' : 'reconnecting';
    }
    // Presence changes are missed while down: unknown until the server tells us again.
    live.firmOnline = null;
    live.staffOnline.clear();
    live.clientOnline.clear();
  });
  s.on('connect_error', () => {
    live.status = s.active ? 'reconnecting' : 'closed';
  });
  s.on('presence:firm', ({ online }) => {
    live.firmOnline = online;
  });
  s.on('presence:staff', ({ staffId, online }) => {
    live.staffOnline.set(staffId, online);
  });
  s.on('presence:client', ({ clientId, online }) => {
    live.clientOnline.set(clientId, online);
  });
  s.on('session:revoked', ({ reason }) => {
    live.revoked = reason;
  });
  s.onAny((event: string, ...args: unknown[]) => dispatch(event, args));
  return s;
}

export function disconnectSocket(): void {
  if (!socket) return;
  socket.offAny();
  socket.removeAllListeners();
  socket.disconnect();
  socket = null;
  socketToken = null;
  live.status = 'idle';
  live.firmOnline = null;
  live.staffOnline.clear();
  live.clientOnline.clear();
}

export function isConnected(): boolean {
  return socket?.connected ?? false;
}

/** Runs `fn` on every (re)connect of the tab's socket; returns the unsubscribe function. */
export function onConnect(fn: () => void): () => void {
  connectListeners = [...connectListeners, fn];
  return () => {
    connectListeners = connectListeners.filter((f) => f !== fn);
  };
}

/** Fire-and-forget events (typing): dropped while offline, they'd be stale on reconnect anyway. */
export function emitTyping(payload: Parameters<ClientToServerEvents['typing']>[0]): void {
  if (socket?.connected) socket.emit('typing', payload);
}

/**
 * Sends an event and resolves with the server's ack. Rejects with SocketUnavailableError
 * when offline (nothing is buffered: callers queue and retry on `onConnect`) or on timeout.
 */
export function emitWithAck<E extends AckEventName>(
  event: E,
  payload: AckPayload<E>,
  timeoutMs = 10_000,
): Promise<AckReply<E>> {
  const s = socket;
  if (!s?.connected) return Promise.reject(new SocketUnavailableError('offline'));
  const timed = s.timeout(timeoutMs) as unknown as {
    emitWithAck: (event: string, payload: unknown) => Promise<AckReply<E>>;
  };
  return timed.emitWithAck(event, payload).catch((e: unknown) => {
    throw e instanceof Error && /timed out/i.test(e.message) ? new SocketUnavailableError('timeout') : e;
  });
}

/** Typed subscription to a server event; returns the unsubscribe function (use in $effect). */
export function subscribe<E extends EventName>(event: E, fn: ServerToClientEvents[E]): () => void {
  const handler = fn as (...args: unknown[]) => void;
  listeners[event] = [...(listeners[event] ?? []), handler];
  return () => {
    listeners[event] = (listeners[event] ?? []).filter((h) => h !== handler);
  };
}
