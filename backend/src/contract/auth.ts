import { z } from 'zod';
import { firmSchema } from './firms.js';
import { permissionsSchema } from './common.js';

export const STAFF_ROLES = ['admin', 'accountant'] as const;
export const staffRoleSchema = z.enum(STAFF_ROLES);
export type StaffRole = z.infer<typeof staffRoleSchema>;

export const staffLoginRequestSchema = z.object({
  email: z.string().trim().toLowerCase().min(1).max(320),
  password: z.string().min(1).max(200),
});
export type StaffLoginRequest = z.infer<typeof staffLoginRequestSchema>;

export const staffUserSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: staffRoleSchema,
  firmId: z.string(),
});
export type StaffUser = z.infer<typeof staffUserSchema>;

export const staffLoginResponseSchema = z.object({ token: z.string(), user: staffUserSchema });
export type StaffLoginResponse = z.infer<typeof staffLoginResponseSchema>;

export const createFirmResponseSchema = z.object({
  firm: firmSchema,
  token: z.string(),
  user: staffUserSchema,
});
export type CreateFirmResponse = z.infer<typeof createFirmResponseSchema>;

/** GET /api/staff/me: who the staff session belongs to. */
export const staffMeResponseSchema = z.object({
  user: staffUserSchema.extend({ email: z.string() }),
  firm: firmSchema,
});
export type StaffMeResponse = z.infer<typeof staffMeResponseSchema>;

export const portalLoginRequestSchema = z.object({
  cnpj: z.string().trim().min(1).max(40),
  password: z.string().min(1).max(200),
});
export type PortalLoginRequest = z.infer<typeof portalLoginRequestSchema>;

export const portalClientSchema = z.object({
  id: z.string(),
  cnpj: z.string(),
  name: z.string(),
  permissions: permissionsSchema,
});
export type PortalClient = z.infer<typeof portalClientSchema>;

export const portalLoginResponseSchema = z.object({
  token: z.string(),
  client: portalClientSchema,
});
export type PortalLoginResponse = z.infer<typeof portalLoginResponseSchema>;
