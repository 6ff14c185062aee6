import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { DOCUMENT_MODEL, type DocumentDoc } from './document.schema.js';
import { SERVICE_ORDER_MODEL, type ServiceOrderDoc } from './service-order.schema.js';

/** What a client reads about itself in the portal. */
@Injectable()
export class PortalRepository {
  constructor(
    @InjectModel(DOCUMENT_MODEL) private readonly documents: Model<DocumentDoc>,
    @InjectModel(SERVICE_ORDER_MODEL) private readonly orders: Model<ServiceOrderDoc>,
  ) {}

  listDocuments(firmId: string, clientId: string, limit: number): Promise<DocumentDoc[]> {
    return this.documents
      .find({ firmId, clientId })
      .sort({ createdAt: -1 })
      .limit(limit)
      .lean<DocumentDoc[]>()
      .exec();
  }

  listServiceOrders(firmId: string, clientId: string, limit: number): Promise<ServiceOrderDoc[]> {
    return this.orders
      .find({ firmId, clientId })
      .sort({ createdAt: -1 })
      .limit(limit)
      .lean<ServiceOrderDoc[]>()
      .exec();
  }
}
