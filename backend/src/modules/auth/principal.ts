import type { Permissions, StaffRole } from '../../contract/index.js';

export interface StaffPrincipal {
  kind: 'staff';
  sessionId: string;
  firmId: string;
  staffId: string;
  role: StaffRole;
  name: string;
}

export interface ClientPrincipal {
  kind: 'client';
  sessionId: string;
  firmId: string;
  clientId: string;
  name: string;
  permissions: Permissions;
  /** The client's one conversation, read with the rest of the session (null until integrated). */
  conversationId: string | null;
  /** Present when staff is looking through the client's eyes: read-only. */
  impersonator?: { staffId: string; name: string };
}

export type Principal = StaffPrincipal | ClientPrincipal;
