import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { type Ack, ErrorCode, type Message } from '../../contract/index.js';
import { ChatService } from '../chat/chat.service.js';
import type { AppServer, AppSocket } from './realtime.repository.js';
import { RealtimeService } from './realtime.service.js';

const revoked: Extract<Ack, { ok: false }> = {
  ok: false,
  error: { code: ErrorCode.Unauthenticated, message: 'Session ended' },
};

/**
 * Socket events (contract). Each handler resolves the caller as of now (the
 * socket's equivalent of the HTTP auth guard), then makes one service call.
 */
@WebSocketGateway({ path: '/socket.io', cors: { origin: true, credentials: true } })
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
  async send(
    @ConnectedSocket() socket: AppSocket,
    @MessageBody() body: unknown,
  ): Promise<Ack<{ message: Message }>> {
    const caller = await this.realtime.current(socket);
    return caller ? this.chat.send(caller, body) : revoked;
  }

  @SubscribeMessage('conversation:read')
  async read(@ConnectedSocket() socket: AppSocket, @MessageBody() body: unknown): Promise<Ack> {
    const caller = await this.realtime.current(socket);
    return caller ? this.chat.markRead(caller, body) : revoked;
  }

  @SubscribeMessage('sync')
  async sync(
    @ConnectedSocket() socket: AppSocket,
    @MessageBody() body: unknown,
  ): Promise<Ack<{ messages: Message[] }>> {
    const caller = await this.realtime.current(socket);
    return caller ? this.chat.sync(caller, body) : revoked;
  }

  @SubscribeMessage('typing')
  async typing(@ConnectedSocket() socket: AppSocket, @MessageBody() body: unknown): Promise<void> {
    const caller = await this.realtime.current(socket);
    if (caller) await this.chat.typing(caller, body);
  }
}
