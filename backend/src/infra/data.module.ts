import { Global, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AUDIT_MODEL, auditSchema } from '../modules/audit/audit.schema.js';
import { AuditRepository } from '../modules/audit/audit.repository.js';
import { LoginLimitRepository } from '../modules/auth/login-limit.repository.js';
import { SessionRepository } from '../modules/auth/session.repository.js';
import { ConversationRepository } from '../modules/chat/conversation.repository.js';
import { CONVERSATION_MODEL, conversationSchema } from '../modules/chat/conversation.schema.js';
import { MessageRepository } from '../modules/chat/message.repository.js';
import { MESSAGE_MODEL, messageSchema } from '../modules/chat/message.schema.js';
import { ClientRepository } from '../modules/clients/client.repository.js';
import { CLIENT_MODEL, clientSchema } from '../modules/clients/client.schema.js';
import { FirmRepository } from '../modules/firms/firm.repository.js';
import { FIRM_MODEL, firmSchema } from '../modules/firms/firm.schema.js';
import { FileRepository } from '../modules/files/file.repository.js';
import { DOCUMENT_MODEL, documentSchema } from '../modules/portal/document.schema.js';
import { PortalRepository } from '../modules/portal/portal.repository.js';
import { SERVICE_ORDER_MODEL, serviceOrderSchema } from '../modules/portal/service-order.schema.js';
import { PresenceRepository } from '../modules/presence/presence.repository.js';
import { StaffRepository } from '../modules/staff/staff.repository.js';
import { STAFF_MODEL, staffSchema } from '../modules/staff/staff.schema.js';
import { EventBus } from '../common/event-bus.js';

const repositories = [
  AuditRepository,
  ClientRepository,
  ConversationRepository,
  FileRepository,
  FirmRepository,
  LoginLimitRepository,
  MessageRepository,
  PortalRepository,
  PresenceRepository,
  SessionRepository,
  StaffRepository,
];

/**
 * Every model and repository, shared by the feature modules. Keeping them in one
 * place lets services depend on each other's data without module cycles.
 */
@Global()
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: FIRM_MODEL, schema: firmSchema },
      { name: STAFF_MODEL, schema: staffSchema },
      { name: CLIENT_MODEL, schema: clientSchema },
      { name: AUDIT_MODEL, schema: auditSchema },
      { name: CONVERSATION_MODEL, schema: conversationSchema },
      { name: MESSAGE_MODEL, schema: messageSchema },
      { name: DOCUMENT_MODEL, schema: documentSchema },
      { name: SERVICE_ORDER_MODEL, schema: serviceOrderSchema },
    ]),
  ],
  providers: [...repositories, EventBus],
  exports: [...repositories, EventBus],
})
export class DataModule {}
