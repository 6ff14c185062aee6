import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectConnection, InjectModel } from '@nestjs/mongoose';
import { type Connection, type Model, Types } from 'mongoose';
import { IdDirectory } from '../../infra/id-directory.js';
import type { NotificationPrefs, StaffRole } from '../../contract/index.js';
import { findByIdInFirm, isDuplicateKey } from '../../infra/mongo.util.js';
import { STAFF_MODEL, type StaffDoc } from './staff.schema.js';

export interface NewStaff {
  name: string;
  email: string;
  role: StaffRole;
  passwordHash: string;
}

@Injectable()
export class StaffRepository implements OnApplicationBootstrap {
  /** The firm's staff ids: its team is listed by _id (see IdDirectory). */
  private readonly directory: IdDirectory;

  constructor(
    @InjectModel(STAFF_MODEL) private readonly staff: Model<StaffDoc>,
    @InjectConnection() connection: Connection,
  ) {
    this.directory = IdDirectory.of(connection, 'staff_directory', this.staff as unknown as Model<never>);
  }

  onApplicationBootstrap(): Promise<void> {
    return this.directory.build();
  }

  /** Returns null when the e-mail is taken. */
  async create(firmId: string, input: NewStaff): Promise<StaffDoc | null> {
    try {
      const doc = await this.staff.create({ _id: new Types.ObjectId(), firmId, ...input });
      await this.directory.add(firmId, [String(doc._id)]);
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

  /** The firm's team by name: its directory, then each by _id. */
  async list(firmId: string): Promise<StaffDoc[]> {
    const ids = await this.directory.list(firmId);
    const docs = (await Promise.all(ids.map((id) => this.findById(firmId, id)))).filter(
      (d): d is StaffDoc => d !== null,
    );
    return docs.sort(
      (a, b) => a.name.localeCompare(b.name, 'pt-BR') || String(a._id).localeCompare(String(b._id)),
    );
  }

  async countAdmins(firmId: string): Promise<number> {
    return (await this.list(firmId)).filter((s) => s.role === 'admin').length;
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

  /** Sets the given alert switches only; null when not found. */
  setNotifications(
    firmId: string,
    staffId: string,
    patch: Partial<NotificationPrefs>,
  ): Promise<StaffDoc | null> {
    const set = Object.fromEntries(Object.entries(patch).map(([k, v]) => [`notifications.${k}`, v]));
    return this.staff
      .findOneAndUpdate({ _id: staffId, firmId }, { $set: set }, { returnDocument: 'after' })
      .lean<StaffDoc>()
      .exec();
  }

  async delete(firmId: string, staffId: string): Promise<boolean> {
    const res = await this.staff.deleteOne({ _id: staffId, firmId }).exec();
    if (res.deletedCount === 1) await this.directory.remove(firmId, [staffId]);
    return res.deletedCount === 1;
  }
}
