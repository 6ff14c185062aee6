import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { ChatModule } from '../chat/chat.module.js';
import { PresenceModule } from '../presence/presence.module.js';
import { RealtimeGateway } from './realtime.gateway.js';
import { RealtimeRepository } from './realtime.repository.js';
import { RealtimeService } from './realtime.service.js';

/** The Socket.IO side: reads sessions through auth, hands chat events to ChatService. */
@Module({
  imports: [AuthModule, ChatModule, PresenceModule],
  providers: [RealtimeRepository, RealtimeService, RealtimeGateway],
})
export class RealtimeModule {}
