import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { SERVICE_ORDER_MODEL, type ServiceOrderDoc } from './service-order.schema.js';

/** What a client reads about itself in the portal. */
@Injectable()
export class PortalRepository {
  constructor(@InjectModel(SERVICE_ORDER_MODEL) private readonly orders: Model<ServiceOrderDoc>) {}

  listServiceOrders(firmId: string, clientId: string, limit: number): Promise<ServiceOrderDoc[]> {
    return this.orders
      .find({ firmId, clientId })
      .sort({ createdAt: -1 })
      .limit(limit)
      .lean<ServiceOrderDoc[]>()
      .exec();
  }
}
