import { io, type Socket } from 'socket.io-client';
import type {
  ClientToServerEvents,
  ServerToClientEvents,
  SessionRevokedReason,
} from '@connecthub/backend/contract';

export type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type SocketStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed';
type EventName = keyof ServerToClientEvents;

/** Live connection state, read by components through runes. */
class LiveState {
  status = $state<SocketStatus>('idle');
  /** From `presence:firm`; null until the first event (the UI shows a neutral state). */
  firmOnline = $state<boolean | null>(null);
  /** Set when the server revoked this session (`session:revoked`). */
  revoked = $state<SessionRevokedReason | null>(null);
}

export const live = new LiveState();

let socket: AppSocket | null = null;
let socketToken: string | null = null;
// Plain (non-reactive) registry: handlers are callbacks, not UI state.
const listeners: Partial<Record<EventName, ((...args: unknown[]) => void)[]>> = {};

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
  });
  s.on('disconnect', (reason) => {
    // The server only disconnects on purpose (revoked or invalid session): no auto-retry then.
    live.status = reason === 'io server disconnect' ? 'closed' : 'reconnecting';
  });
  s.on('connect_error', () => {
    live.status = s.active ? 'reconnecting' : 'closed';
  });
  s.on('presence:firm', ({ online }) => {
    live.firmOnline = online;
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
}

/** Typed subscription to a server event; returns the unsubscribe function (use in $effect). */
export function subscribe<E extends EventName>(event: E, fn: ServerToClientEvents[E]): () => void {
  const handler = fn as (...args: unknown[]) => void;
  listeners[event] = [...(listeners[event] ?? []), handler];
  return () => {
    listeners[event] = (listeners[event] ?? []).filter((h) => h !== handler);
  };
}
