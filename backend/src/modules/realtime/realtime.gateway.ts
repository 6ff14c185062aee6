import {
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { OnModuleInit } from '@nestjs/common';
import { ChatService } from '../chat/chat.service.js';
import type { AppServer, AppSocket } from './realtime.repository.js';
import { RealtimeService } from './realtime.service.js';
import { assertHandlesContract, type SocketHandlers } from './socket-handlers.js';

/**
 * Largest socket packet read. A message's 10,000 characters take at most ~60 KB as JSON
 * (control characters are escaped to 6 bytes); anything larger closes the connection
 * before it is buffered, instead of Socket.IO's default 1 MB.
 */
const MAX_PACKET_BYTES = 64 * 1024;

/**
 * Socket events (contract: `clientToServerEvents`; at boot, its events and these handlers
 * must match). Each handler hands its one service call to the realtime service, which
 * resolves the caller as of now (the socket's equivalent of the HTTP auth guard), validates
 * the payload with the contract's schema and runs it in the firm's turn; rate limits apply
 * before (its gate).
 */
export const socketHandlers = (realtime: RealtimeService, chat: ChatService): SocketHandlers => ({
  'message:send': (socket, body) =>
    realtime.handle(socket, 'message:send', body, (caller, input) => chat.send(caller, input)),
  'conversation:read': (socket, body) =>
    realtime.handle(socket, 'conversation:read', body, (caller, input) => chat.markRead(caller, input)),
  sync: (socket, body) => realtime.handle(socket, 'sync', body, (caller, input) => chat.sync(caller, input)),
  typing: (socket, body) =>
    realtime.handleSignal(socket, 'typing', body, (caller, input) => chat.typing(caller, input)),
});

/**
 * The Socket.IO server's owner. Events are not bound per socket through Nest's message
 * handlers (a dozen observables and listeners for every socket): the realtime service
 * dispatches every socket's events through one shared listener to the table above.
 */
@WebSocketGateway({ path: '/socket.io', maxHttpBufferSize: MAX_PACKET_BYTES })
export class RealtimeGateway
  implements OnModuleInit, OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect
{
  private readonly handlers: SocketHandlers;

  constructor(
    private readonly realtime: RealtimeService,
    chat: ChatService,
  ) {
    this.handlers = socketHandlers(realtime, chat);
  }

  onModuleInit(): void {
    assertHandlesContract(RealtimeGateway.name, this.handlers);
  }

  afterInit(server: AppServer): void {
    this.realtime.attach(server, this.handlers);
  }

  handleConnection(socket: AppSocket): void {
    this.realtime.connect(socket);
  }

  handleDisconnect(socket: AppSocket): Promise<void> {
    return this.realtime.disconnect(socket);
  }
}
