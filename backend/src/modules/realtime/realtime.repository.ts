import { Injectable } from '@nestjs/common';
import type { Server, Socket } from 'socket.io';
import type {
  ClientToServerEvents,
  ServerToClientEvents,
  SessionRevokedReason,
} from '../../contract/index.js';
import type { Principal } from '../auth/principal.js';
import type { TokenBucket } from './socket-limits.js';

export interface SocketData {
  principal: Principal;
  /** Settles when the handshake's session check and room joins are done. */
  admitted: Promise<void>;
  /** Every event this socket sent, unknown ones included. */
  events: TokenBucket;
  /** Events refused (over a limit, unknown): when it runs dry the socket is disconnected. */
  refusals: TokenBucket;
  /** Set once the socket counts towards its session's open sockets on this node. */
  countedFor?: string;
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

  toFirmStaff<E extends keyof ServerToClientEvents>(
    firmId: string,
    event: E,
    ...args: Parameters<ServerToClientEvents[E]>
  ): void {
    this.io.to(rooms.firmStaff(firmId)).emit(event, ...args);
  }

  toClient<E extends keyof ServerToClientEvents>(
    clientId: string,
    event: E,
    ...args: Parameters<ServerToClientEvents[E]>
  ): void {
    this.io.to(rooms.client(clientId)).emit(event, ...args);
  }

  /** The client's sockets that may see its chat. */
  toClientChat<E extends keyof ServerToClientEvents>(
    clientId: string,
    event: E,
    ...args: Parameters<ServerToClientEvents[E]>
  ): void {
    this.io.to(rooms.clientChat(clientId)).emit(event, ...args);
  }

  /** Both sides of a conversation, every tab, every node. */
  toConversation<E extends keyof ServerToClientEvents>(
    firmId: string,
    clientId: string,
    event: E,
    ...args: Parameters<ServerToClientEvents[E]>
  ): void {
    this.io.to([rooms.firmStaff(firmId), rooms.clientChat(clientId)]).emit(event, ...args);
  }

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

  localSockets(): AppSocket[] {
    return this.server ? [...this.server.of('/').sockets.values()] : [];
  }
}
