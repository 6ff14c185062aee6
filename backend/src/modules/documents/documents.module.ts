import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ChatModule } from '../chat/chat.module.js';
import { ClientsModule } from '../clients/clients.module.js';
import { FilesModule } from '../files/files.module.js';
import { FirmsModule } from '../firms/firms.module.js';
import { JobsModule } from '../jobs/jobs.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { BatchRepository } from './batch.repository.js';
import { DeliveryService } from './delivery.service.js';
import { DocumentRepository } from './document.repository.js';
import {
  BATCH_ITEM_MODEL,
  BATCH_MODEL,
  batchItemSchema,
  batchSchema,
  DOCUMENT_MODEL,
  documentSchema,
} from './document.schema.js';
import { DocumentsController } from './documents.controller.js';
import { DocumentsService } from './documents.service.js';
import { GuideJobsService } from './guide-jobs.service.js';

/** Documents and guias: the api's endpoints and the `guide-delivery` queue's processors. */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: DOCUMENT_MODEL, schema: documentSchema },
      { name: BATCH_MODEL, schema: batchSchema },
      { name: BATCH_ITEM_MODEL, schema: batchItemSchema },
    ]),
    ChatModule,
    ClientsModule,
    FilesModule,
    FirmsModule,
    JobsModule,
    NotificationsModule,
  ],
  controllers: [DocumentsController],
  providers: [DocumentRepository, BatchRepository, DeliveryService, DocumentsService, GuideJobsService],
  exports: [GuideJobsService, DocumentsService],
})
export class DocumentsModule {}
