import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AuditModule } from '../audit/audit.module.js';
import { ClientsModule } from '../clients/clients.module.js';
import { FirmsModule } from '../firms/firms.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { PortalController } from './portal.controller.js';
import { PortalRepository } from './portal.repository.js';
import { PortalService } from './portal.service.js';
import { SERVICE_ORDER_MODEL, serviceOrderSchema } from './service-order.schema.js';

@Module({
  imports: [
    MongooseModule.forFeature([{ name: SERVICE_ORDER_MODEL, schema: serviceOrderSchema }]),
    AuditModule,
    ClientsModule,
    FirmsModule,
    SessionsModule,
  ],
  controllers: [PortalController],
  providers: [PortalRepository, PortalService],
  exports: [PortalService],
})
export class PortalModule {}
