import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { EndpointCheck } from './common/endpoint-check.js';
import { ErrorFilter } from './common/error.filter.js';
import type { AppConfig } from './config/config.js';
import { InfraModule } from './infra/infra.module.js';
import { AuthGuard } from './modules/auth/auth.guard.js';
import { AuthModule } from './modules/auth/auth.module.js';
import { ChatModule } from './modules/chat/chat.module.js';
import { ClientsModule } from './modules/clients/clients.module.js';
import { FilesModule } from './modules/files/files.module.js';
import { DocumentsModule } from './modules/documents/documents.module.js';
import { FirmsModule } from './modules/firms/firms.module.js';
import { HealthModule } from './modules/health/health.module.js';
import { JobsModule } from './modules/jobs/jobs.module.js';
import { NotificationsModule } from './modules/notifications/notifications.module.js';
import { PortalModule } from './modules/portal/portal.module.js';
import { RealtimeModule } from './modules/realtime/realtime.module.js';
import { ServicesModule } from './modules/services/services.module.js';
import { StaffModule } from './modules/staff/staff.module.js';
import { WorkerBroadcasts } from './modules/realtime/worker-broadcasts.js';

/** The api process: every feature module's controllers, and the Socket.IO gateway. */
@Module({})
export class ApiModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        InfraModule.forRoot(config),
        HealthModule,
        FirmsModule,
        AuthModule,
        StaffModule,
        ClientsModule,
        PortalModule,
        ChatModule,
        FilesModule,
        DocumentsModule,
        ServicesModule,
        // Reminders are scheduled from the api (on message.created / conversation.read).
        NotificationsModule,
        RealtimeModule,
        DiscoveryModule,
      ],
      providers: [
        // Boot fails unless every mapped route is in the contract table and vice versa.
        EndpointCheck,
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: ErrorFilter },
      ],
    };
  }
}

/** The worker process: the job queues and the services their handlers call, no HTTP. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [InfraModule.forRoot(config), JobsModule, ClientsModule, NotificationsModule, DocumentsModule],
      // What the worker stores reaches the api nodes' sockets through Redis.
      providers: [WorkerBroadcasts],
    };
  }
}
