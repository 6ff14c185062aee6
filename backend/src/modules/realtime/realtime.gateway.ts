import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { Ack, Message } from '../../contract/index.js';
import { ChatService } from '../chat/chat.service.js';
import type { AppServer, AppSocket } from './realtime.repository.js';
import { RealtimeService } from './realtime.service.js';

/**
 * Largest socket packet read. A message's 10,000 characters take at most ~60 KB as JSON
 * (control characters are escaped to 6 bytes); anything larger closes the connection
 * before it is buffered, instead of Socket.IO's default 1 MB.
 */
const MAX_PACKET_BYTES = 64 * 1024;

/**
 * Socket events (contract). Each handler hands its one service call to the realtime
 * service, which resolves the caller as of now (the socket's equivalent of the HTTP
 * auth guard) and runs it in the firm's turn; rate limits apply before (its gate).
 */
@WebSocketGateway({ path: '/socket.io', maxHttpBufferSize: MAX_PACKET_BYTES })
export class RealtimeGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  constructor(
    private readonly realtime: RealtimeService,
    private readonly chat: ChatService,
  ) {}

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
  send(
    @ConnectedSocket() socket: AppSocket,
    @MessageBody() body: unknown,
  ): Promise<Ack<{ message: Message }>> {
    return this.realtime.handle(socket, (caller) => this.chat.send(caller, body));
  }

  @SubscribeMessage('conversation:read')
  read(@ConnectedSocket() socket: AppSocket, @MessageBody() body: unknown): Promise<Ack> {
    return this.realtime.handle(socket, (caller) => this.chat.markRead(caller, body));
  }

  @SubscribeMessage('sync')
  sync(
    @ConnectedSocket() socket: AppSocket,
    @MessageBody() body: unknown,
  ): Promise<Ack<{ messages: Message[]; hasMore: boolean }>> {
    return this.realtime.handle(socket, (caller) => this.chat.sync(caller, body));
  }

  @SubscribeMessage('typing')
  typing(@ConnectedSocket() socket: AppSocket, @MessageBody() body: unknown): Promise<void> {
    return this.realtime.handleSignal(socket, (caller) => this.chat.typing(caller, body));
  }
}
