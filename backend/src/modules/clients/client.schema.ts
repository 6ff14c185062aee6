import { Schema, type Types } from 'mongoose';
import { PERMISSION_KEYS, type Permissions } from '../../contract/index.js';

export interface PortalAccess {
  enabled: boolean;
  blocked: boolean;
  /** argon2id of the portal password; null until the first enable. */
  passwordHash: string | null;
  /**
   * AES-256-GCM copy under SECRET_KEY so staff can read it back (audited); null once
   * the client chose its own password, which nobody else may read.
   */
  passwordEnc: string | null;
  /** Who chose the current password; missing on documents from before it was recorded. */
  passwordSetBy?: 'staff' | 'client';
  failedLogins: number;
  lockedUntil: Date | null;
  lastLoginAt: Date | null;
}

export interface ClientDoc {
  _id: Types.ObjectId;
  firmId: Types.ObjectId;
  cnpj: string;
  name: string;
  /** Where unread reminders go; optional. */
  email: string | null;
  /** Lowercase, accent-free name + CNPJ: what the list search matches. */
  searchKey: string;
  portal: PortalAccess;
  permissions: Permissions;
  conversationId: Types.ObjectId | null;
  /** Guias delivered and not opened by the client yet (missing on documents from before guias). */
  unopenedGuides?: number;
  createdAt: Date;
  updatedAt: Date;
}

export const CLIENT_MODEL = 'Client';

const permissionsDefinition = Object.fromEntries(
  PERMISSION_KEYS.map((k) => [k, { type: Boolean, required: true, default: false }]),
);

export const clientSchema = new Schema<ClientDoc>(
  {
    firmId: { type: Schema.Types.ObjectId, required: true },
    cnpj: { type: String, required: true },
    name: { type: String, required: true },
    email: { type: String, default: null },
    searchKey: { type: String, required: true },
    portal: {
      enabled: { type: Boolean, required: true, default: false },
      blocked: { type: Boolean, required: true, default: false },
      passwordHash: { type: String, default: null },
      passwordEnc: { type: String, default: null },
      passwordSetBy: { type: String, enum: ['staff', 'client'], default: 'staff' },
      failedLogins: { type: Number, required: true, default: 0 },
      lockedUntil: { type: Date, default: null },
      lastLoginAt: { type: Date, default: null },
    },
    permissions: permissionsDefinition,
    conversationId: { type: Schema.Types.ObjectId, default: null },
    unopenedGuides: { type: Number, default: 0 },
  },
  { collection: 'clients', timestamps: true, minimize: false },
);
// Portal login and duplicate checks look clients up by CNPJ within the firm; one client per CNPJ.
clientSchema.index({ firmId: 1, cnpj: 1 }, { unique: true });
// Gerenciar Permissões: the firm's clients sorted by name.
clientSchema.index({ firmId: 1, name: 1 });
