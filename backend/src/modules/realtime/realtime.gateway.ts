import {
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { AppServer, AppSocket } from './realtime.repository.js';
import { RealtimeService } from './realtime.service.js';

@WebSocketGateway({ path: '/socket.io', cors: { origin: true, credentials: true } })
export class RealtimeGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  constructor(private readonly realtime: RealtimeService) {}

  afterInit(server: AppServer): void {
    this.realtime.attach(server);
  }

  handleConnection(socket: AppSocket): Promise<void> {
    return this.realtime.connect(socket);
  }

  handleDisconnect(socket: AppSocket): Promise<void> {
    return this.realtime.disconnect(socket);
  }
}
