import { z } from 'zod';

export const AUDIT_ACTIONS = [
  'client.created',
  'client.updated',
  'client.imported',
  'client.portal.enabled',
  'client.portal.disabled',
  'client.permissions.changed',
  'client.password.viewed',
  'client.password.reset',
  'client.password.changed',
  'client.blocked',
  'client.unblocked',
  'client.impersonated',
  'client.login.locked',
  'client.login.unlocked',
  'staff.created',
  'staff.updated',
  'staff.password.reset',
  'staff.removed',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const auditEntrySchema = z.object({
  id: z.string(),
  action: z.enum(AUDIT_ACTIONS),
  actor: z.object({ kind: z.enum(['staff', 'client', 'system']), id: z.string(), name: z.string() }),
  target: z.object({ kind: z.enum(['client', 'staff', 'firm']), id: z.string() }),
  details: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const auditListResponseSchema = z.object({ items: z.array(auditEntrySchema) });
export type AuditListResponse = z.infer<typeof auditListResponseSchema>;
