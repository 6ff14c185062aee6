import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { type Model, Types } from 'mongoose';
import { AUDIT_MODEL, type AuditDoc } from './audit.schema.js';

export type NewAuditEntry = Omit<AuditDoc, '_id' | 'firmId' | 'createdAt'>;

@Injectable()
export class AuditRepository {
  constructor(@InjectModel(AUDIT_MODEL) private readonly entries: Model<AuditDoc>) {}

  async insert(firmId: string, entry: NewAuditEntry): Promise<void> {
    await this.entries.create({ _id: new Types.ObjectId(), firmId, ...entry });
  }

  async insertMany(firmId: string, entries: NewAuditEntry[]): Promise<void> {
    if (!entries.length) return;
    await this.entries.insertMany(entries.map((e) => ({ _id: new Types.ObjectId(), firmId, ...e })));
  }

  listForTarget(firmId: string, targetId: string, limit: number): Promise<AuditDoc[]> {
    return this.entries
      .find({ firmId, 'target.id': targetId })
      .sort({ createdAt: -1, _id: -1 })
      .limit(limit)
      .lean<AuditDoc[]>()
      .exec();
  }
}
