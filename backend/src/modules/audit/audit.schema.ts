import { Schema, type Types } from 'mongoose';
import type { AuditAction } from '../../contract/index.js';

export interface AuditDoc {
  _id: Types.ObjectId;
  firmId: Types.ObjectId;
  action: AuditAction;
  /** Denormalized so the log still reads right after a staff member is removed. */
  actor: { kind: 'staff' | 'client' | 'system'; id: string; name: string };
  target: { kind: 'client' | 'staff' | 'firm'; id: string };
  details: Record<string, unknown>;
  createdAt: Date;
}

export const AUDIT_MODEL = 'AuditEntry';

export const auditSchema = new Schema<AuditDoc>(
  {
    firmId: { type: Schema.Types.ObjectId, required: true },
    action: { type: String, required: true },
    actor: { kind: String, id: String, name: String },
    target: { kind: String, id: String },
    details: { type: Schema.Types.Mixed, default: {} },
  },
  { collection: 'auditLog', timestamps: { createdAt: true, updatedAt: false }, minimize: false },
);
// Per-client (or per-staff) history, newest first.
auditSchema.index({ firmId: 1, 'target.id': 1, createdAt: -1 });
// The firm-wide log, newest first.
auditSchema.index({ firmId: 1, createdAt: -1 });
