import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { type Model, Types } from 'mongoose';
import { FIRM_MODEL, type FirmDoc } from './firm.schema.js';
import { isDuplicateKey } from '../../infra/mongo.util.js';

/** Firms are the tenants themselves, so lookups here are by id or slug, not scoped by firmId. */
@Injectable()
export class FirmRepository {
  constructor(@InjectModel(FIRM_MODEL) private readonly firms: Model<FirmDoc>) {}

  /** Returns null when the slug is taken. */
  async create(input: { name: string; slug: string }): Promise<FirmDoc | null> {
    try {
      const doc = await this.firms.create({ _id: new Types.ObjectId(), ...input });
      return doc.toObject();
    } catch (err) {
      if (isDuplicateKey(err)) return null;
      throw err;
    }
  }

  findById(firmId: string): Promise<FirmDoc | null> {
    return this.firms.findById(firmId).lean<FirmDoc>().exec();
  }

  findBySlug(slug: string): Promise<FirmDoc | null> {
    return this.firms.findOne({ slug }).lean<FirmDoc>().exec();
  }

  async delete(firmId: string): Promise<void> {
    await this.firms.deleteOne({ _id: firmId }).exec();
  }
}
