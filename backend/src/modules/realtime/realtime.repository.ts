import { Injectable } from '@nestjs/common';
import type { Server, Socket } from 'socket.io';
import type {
  ClientToServerEvents,
  ServerToClientEvents,
  SessionRevokedReason,
} from '../../contract/index.js';
import type { TokenBucket } from './socket-limits.js';
import { Fanout, type RoomEmitter } from './broadcasts.js';

/**
 * A session as this node's sockets know it: one object shared by all of the session's
 * sockets here, so an idle socket holds one reference, not a copy of its caller. Only
 * what never changes for a session (who, which firm) and its socket count; every event
 * re-reads the caller as of now (RealtimeService.current).
 */
export interface LocalSession {
  readonly kind: 'staff' | 'client';
  readonly sessionId: string;
  readonly firmId: string;
  /** The staff member or the client. */
  readonly subjectId: string;
  /** Counts towards presence: not staff looking through a client's eyes. */
  readonly present: boolean;
  /** The sender's rate limit key (all its sessions and tabs). */
  readonly sender: string;
  /** Its room (`rooms.session`): where its other sockets on this node are found. */
  readonly sessionRoom: string;
  /** Its open sockets on this node. */
  open: number;
}

export interface SocketData {
  /** Set once admitted (and counted towards its session's open sockets on this node). */
  session?: LocalSession;
  /** Pending while the handshake's session check and room joins run; unset once done. */
  admitted?: Promise<void>;
  /** Every event this socket sent, unknown ones included: made on its first event. */
  events?: TokenBucket;
  /** Events refused (over a limit, unknown): when it runs dry the socket is disconnected. */
  refusals?: TokenBucket;
  /** While events are in turn: resolves once the latest one's session check is done and its handler started. */
  checking?: Promise<void>;
}
export type AppServer = Server<ClientToServerEvents, ServerToClientEvents, object, SocketData>;
export type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, object, SocketData>;

/** Room names: every fan-out goes through one of these, on every node. */
export const rooms = {
  session: (sessionId: string) => `session:${sessionId}`,
  staff: (staffId: string) => `staff:${staffId}`,
  client: (clientId: string) => `client:${clientId}`,
  /** A client's sockets while it has the `chat` permission: messages, receipts, typing. */
  clientChat: (clientId: string) => `client:${clientId}:chat`,
  firmStaff: (firmId: string) => `firm:${firmId}:staff`,
  /** Clients of the firm allowed to see "Estou Online?". */
  firmPresence: (firmId: string) => `firm:${firmId}:presence`,
};

/** The only holder of the Socket.IO server; the Redis adapter makes each call cluster-wide. */
@Injectable()
export class RealtimeRepository {
  private server?: AppServer;

  attach(server: AppServer): void {
    this.server = server;
  }

  private get io(): AppServer {
    if (!this.server) throw new Error('Socket.IO server not attached yet');
    return this.server;
  }

  /** Fan-out by room (the same rules the worker's emitter follows). */
  readonly fanout = new Fanout(() => this.io as unknown as RoomEmitter);

  /**
   * Puts the client's open sockets in (or out of) its chat room and the firm's presence
   * room, on every node: what they receive follows a permission change at once.
   */
  setClientRooms(firmId: string, clientId: string, access: { chat: boolean; presence: boolean }): void {
    if (!this.server) return;
    const sockets = this.io.in(rooms.client(clientId));
    const change = (room: string, on: boolean) =>
      on ? sockets.socketsJoin(room) : sockets.socketsLeave(room);
    change(rooms.clientChat(clientId), access.chat);
    change(rooms.firmPresence(firmId), access.presence);
  }

  emitPresence(firmId: string, online: boolean): void {
    this.io.to(rooms.firmPresence(firmId)).emit('presence:firm', { online });
  }

  /** Tells every socket in the room why, then disconnects them, on every node. */
  revoke(room: string, reason: SessionRevokedReason): void {
    if (!this.server) return;
    this.io.to(room).emit('session:revoked', { reason });
    this.io.in(room).disconnectSockets(true);
  }

  /** Ids of this node's sockets in a room (none elsewhere are listed). */
  localRoom(room: string): Iterable<string> {
    return this.server?.of('/').adapter.rooms.get(room) ?? [];
  }

  localSocket(id: string): AppSocket | undefined {
    return this.server?.of('/').sockets.get(id);
  }

  localSockets(): AppSocket[] {
    return this.server ? [...this.server.of('/').sockets.values()] : [];
  }
}
