import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ErrorFilter } from './common/error.filter.js';
import type { AppConfig } from './config/config.js';
import { ConfigModule } from './infra/config.module.js';
import { DataModule } from './infra/data.module.js';
import { DatabaseModule } from './infra/database.module.js';
import { RedisModule } from './infra/redis.provider.js';
import { AuditService } from './modules/audit/audit.service.js';
import { AuthController } from './modules/auth/auth.controller.js';
import { AuthGuard } from './modules/auth/auth.guard.js';
import { AuthService } from './modules/auth/auth.service.js';
import { ChatController } from './modules/chat/chat.controller.js';
import { ChatService } from './modules/chat/chat.service.js';
import { ClientsController } from './modules/clients/clients.controller.js';
import { ClientsService } from './modules/clients/clients.service.js';
import { PendingPasswordsService } from './modules/clients/pending-passwords.service.js';
import { PortalPasswords } from './modules/clients/portal-passwords.js';
import { FirmsController } from './modules/firms/firms.controller.js';
import { FirmsService } from './modules/firms/firms.service.js';
import { FilesController } from './modules/files/files.controller.js';
import { FilesService } from './modules/files/files.service.js';
import { JobRepository } from './modules/jobs/job.repository.js';
import { MailRepository } from './modules/notifications/mail.repository.js';
import { UnreadReminderService } from './modules/notifications/unread-reminder.service.js';
import { HealthController } from './modules/health/health.controller.js';
import { HealthService } from './modules/health/health.service.js';
import { PortalController } from './modules/portal/portal.controller.js';
import { PortalService } from './modules/portal/portal.service.js';
import { RealtimeGateway } from './modules/realtime/realtime.gateway.js';
import { RealtimeRepository } from './modules/realtime/realtime.repository.js';
import { RealtimeService } from './modules/realtime/realtime.service.js';
import { StaffController } from './modules/staff/staff.controller.js';
import { StaffService } from './modules/staff/staff.service.js';

/** Stores and shared services: what both the api and the worker need. */
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CoreModule,
      global: true,
      imports: [ConfigModule.forRoot(config), RedisModule, DatabaseModule, DataModule],
      providers: [
        AuditService,
        AuthService,
        JobRepository,
        MailRepository,
        PendingPasswordsService,
        PortalPasswords,
        UnreadReminderService,
      ],
      exports: [
        AuditService,
        AuthService,
        JobRepository,
        MailRepository,
        PendingPasswordsService,
        PortalPasswords,
        UnreadReminderService,
      ],
    };
  }
}

/** The api process: HTTP controllers and the Socket.IO gateway. */
@Module({})
export class ApiModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [CoreModule.forRoot(config)],
      controllers: [
        HealthController,
        FirmsController,
        AuthController,
        StaffController,
        ClientsController,
        PortalController,
        ChatController,
        FilesController,
      ],
      providers: [
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: ErrorFilter },
        HealthService,
        FirmsService,
        StaffService,
        ClientsService,
        PortalService,
        ChatService,
        FilesService,
        RealtimeRepository,
        RealtimeService,
        RealtimeGateway,
      ],
    };
  }
}
