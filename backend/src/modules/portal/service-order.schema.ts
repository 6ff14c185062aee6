import { Schema, type Types } from 'mongoose';

/** A service order opened from a TaskHub form. */
export interface ServiceOrderDoc {
  _id: Types.ObjectId;
  firmId: Types.ObjectId;
  clientId: Types.ObjectId;
  title: string;
  status: string;
  createdAt: Date;
}

export const SERVICE_ORDER_MODEL = 'ServiceOrder';

export const serviceOrderSchema = new Schema<ServiceOrderDoc>(
  {
    firmId: { type: Schema.Types.ObjectId, required: true },
    clientId: { type: Schema.Types.ObjectId, required: true },
    title: { type: String, required: true },
    status: { type: String, required: true },
  },
  { collection: 'serviceOrders', timestamps: { createdAt: true, updatedAt: false } },
);
// The client's orders, newest first (Serviços).
serviceOrderSchema.index({ firmId: 1, clientId: 1, createdAt: -1 });
