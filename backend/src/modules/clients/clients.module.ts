import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AuditModule } from '../audit/audit.module.js';
import { ChatModule } from '../chat/chat.module.js';
import { JobsModule } from '../jobs/jobs.module.js';
import { PresenceModule } from '../presence/presence.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { ClientRepository } from './client.repository.js';
import { CLIENT_MODEL, clientSchema } from './client.schema.js';
import { ClientsController } from './clients.controller.js';
import { ClientsService } from './clients.service.js';
import { PendingPasswordsService } from './pending-passwords.service.js';
import { PortalPasswords } from './portal-passwords.js';

@Module({
  imports: [
    MongooseModule.forFeature([{ name: CLIENT_MODEL, schema: clientSchema }]),
    AuditModule,
    ChatModule,
    JobsModule,
    PresenceModule,
    SessionsModule,
  ],
  controllers: [ClientsController],
  providers: [ClientRepository, PortalPasswords, PendingPasswordsService, ClientsService],
  exports: [ClientsService, PendingPasswordsService],
})
export class ClientsModule {}
