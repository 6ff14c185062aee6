import { Schema, type Types } from 'mongoose';
import type { NotificationPrefs, StaffRole } from '../../contract/index.js';

export interface StaffDoc {
  _id: Types.ObjectId;
  firmId: Types.ObjectId;
  name: string;
  email: string;
  role: StaffRole;
  passwordHash: string;
  /** Switches turned off for new-message alerts; absent means all on. */
  notifications?: Partial<NotificationPrefs>;
  createdAt: Date;
  updatedAt: Date;
}

export const STAFF_MODEL = 'Staff';

export const staffSchema = new Schema<StaffDoc>(
  {
    firmId: { type: Schema.Types.ObjectId, required: true },
    name: { type: String, required: true },
    email: { type: String, required: true },
    role: { type: String, required: true, enum: ['admin', 'accountant'] },
    passwordHash: { type: String, required: true },
    notifications: { toasts: Boolean, sound: Boolean, browser: Boolean },
  },
  { collection: 'staff', timestamps: true },
);
// Staff login is by e-mail alone, so an e-mail belongs to one staff member across firms.
staffSchema.index({ email: 1 }, { unique: true });
// Equipe list: the firm's staff by name.
staffSchema.index({ firmId: 1, name: 1 });
