import { Schema, type Types } from 'mongoose';

export interface FirmDoc {
  _id: Types.ObjectId;
  name: string;
  slug: string;
  createdAt: Date;
  updatedAt: Date;
}

export const FIRM_MODEL = 'Firm';

export const firmSchema = new Schema<FirmDoc>(
  {
    name: { type: String, required: true },
    slug: { type: String, required: true },
  },
  { collection: 'firms', timestamps: true },
);
// Portal address /@slug → firm; also enforces one firm per slug.
firmSchema.index({ slug: 1 }, { unique: true });
