import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ChatModule } from '../chat/chat.module.js';
import { ClientsModule } from '../clients/clients.module.js';
import { FilesModule } from '../files/files.module.js';
import { StaffModule } from '../staff/staff.module.js';
import { Locks } from './locks.js';
import { ServicesController } from './services.controller.js';
import { ServicesRepository } from './services.repository.js';
import {
  COUNTER_MODEL,
  counterSchema,
  SERVICE_DRAFT_MODEL,
  SERVICE_FORM_MODEL,
  SERVICE_FORM_VERSION_MODEL,
  SERVICE_ORDER_MODEL,
  serviceDraftSchema,
  serviceFormSchema,
  serviceFormVersionSchema,
  serviceOrderSchema,
} from './services.schema.js';
import { ServicesService } from './services.service.js';

/** Serviços: service forms (versioned), drafts, ordens de serviço. */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: SERVICE_FORM_MODEL, schema: serviceFormSchema },
      { name: SERVICE_FORM_VERSION_MODEL, schema: serviceFormVersionSchema },
      { name: SERVICE_ORDER_MODEL, schema: serviceOrderSchema },
      { name: SERVICE_DRAFT_MODEL, schema: serviceDraftSchema },
      { name: COUNTER_MODEL, schema: counterSchema },
    ]),
    ChatModule,
    ClientsModule,
    FilesModule,
    StaffModule,
  ],
  controllers: [ServicesController],
  providers: [ServicesRepository, ServicesService, Locks],
  exports: [ServicesService],
})
export class ServicesModule {}
