import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { type Model, Types } from 'mongoose';
import type { StaffRole } from '../../contract/index.js';
import { findByIdInFirm, isDuplicateKey } from '../../infra/mongo.util.js';
import { STAFF_MODEL, type StaffDoc } from './staff.schema.js';

export interface NewStaff {
  name: string;
  email: string;
  role: StaffRole;
  passwordHash: string;
}

@Injectable()
export class StaffRepository {
  constructor(@InjectModel(STAFF_MODEL) private readonly staff: Model<StaffDoc>) {}

  /** Returns null when the e-mail is taken. */
  async create(firmId: string, input: NewStaff): Promise<StaffDoc | null> {
    try {
      const doc = await this.staff.create({ _id: new Types.ObjectId(), firmId, ...input });
      return doc.toObject();
    } catch (err) {
      if (isDuplicateKey(err)) return null;
      throw err;
    }
  }

  /** Login is the one lookup without a firm: the e-mail identifies the firm. */
  findByEmailForLogin(email: string): Promise<StaffDoc | null> {
    return this.staff.findOne({ email }).lean<StaffDoc>().exec();
  }

  findById(firmId: string, staffId: string): Promise<StaffDoc | null> {
    return findByIdInFirm(this.staff, staffId, firmId);
  }

  list(firmId: string): Promise<StaffDoc[]> {
    return this.staff.find({ firmId }).sort({ name: 1 }).lean<StaffDoc[]>().exec();
  }

  countAdmins(firmId: string): Promise<number> {
    return this.staff.countDocuments({ firmId, role: 'admin' }).exec();
  }

  /** Returns 'duplicate' when the new e-mail is taken, null when not found. */
  async update(
    firmId: string,
    staffId: string,
    patch: Partial<Pick<StaffDoc, 'name' | 'email' | 'role' | 'passwordHash'>>,
  ): Promise<StaffDoc | null | 'duplicate'> {
    try {
      return await this.staff
        .findOneAndUpdate({ _id: staffId, firmId }, { $set: patch }, { returnDocument: 'after' })
        .lean<StaffDoc>()
        .exec();
    } catch (err) {
      if (isDuplicateKey(err)) return 'duplicate';
      throw err;
    }
  }

  async delete(firmId: string, staffId: string): Promise<boolean> {
    const res = await this.staff.deleteOne({ _id: staffId, firmId }).exec();
    return res.deletedCount === 1;
  }
}
