import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { OnModuleInit } from '@nestjs/common';
import type { AckOf } from '../../contract/index.js';
import { ChatService } from '../chat/chat.service.js';
import type { AppServer, AppSocket } from './realtime.repository.js';
import { RealtimeService } from './realtime.service.js';
import { assertHandlesContract } from './socket-handlers.js';

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
@WebSocketGateway({ path: '/socket.io', maxHttpBufferSize: MAX_PACKET_BYTES })
export class RealtimeGateway
  implements OnModuleInit, OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect
{
  constructor(
    private readonly realtime: RealtimeService,
    private readonly chat: ChatService,
  ) {}

  onModuleInit(): void {
    assertHandlesContract(RealtimeGateway);
  }

  afterInit(server: AppServer): void {
    this.realtime.attach(server);
  }

  handleConnection(socket: AppSocket): Promise<void> {
    return this.realtime.connect(socket);
  }

  handleDisconnect(socket: AppSocket): Promise<void> {
    return this.realtime.disconnect(socket);
  }

  @SubscribeMessage('message:send')
  send(@ConnectedSocket() socket: AppSocket, @MessageBody() body: unknown): Promise<AckOf<'message:send'>> {
    return this.realtime.handle(socket, 'message:send', body, (caller, input) =>
      this.chat.send(caller, input),
    );
  }

  @SubscribeMessage('conversation:read')
  read(
    @ConnectedSocket() socket: AppSocket,
    @MessageBody() body: unknown,
  ): Promise<AckOf<'conversation:read'>> {
    return this.realtime.handle(socket, 'conversation:read', body, (caller, input) =>
      this.chat.markRead(caller, input),
    );
  }

  @SubscribeMessage('sync')
  sync(@ConnectedSocket() socket: AppSocket, @MessageBody() body: unknown): Promise<AckOf<'sync'>> {
    return this.realtime.handle(socket, 'sync', body, (caller, input) => this.chat.sync(caller, input));
  }

  @SubscribeMessage('typing')
  typing(@ConnectedSocket() socket: AppSocket, @MessageBody() body: unknown): Promise<void> {
    return this.realtime.handleSignal(socket, 'typing', body, (caller, input) =>
      this.chat.typing(caller, input),
    );
  }
}
