import { z } from 'zod';
import { createFirmRequestSchema, firmSchema, portalFirmResponseSchema } from './firms.js';
import { permissionsSchema } from './common.js';
import { endpoint } from './endpoint.js';

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

/** How a staff member wants to hear about new client messages (each on unless turned off). */
export const notificationPrefsSchema = z.object({
  /** A toast in the app with the client's name and the first words. */
  toasts: z.boolean(),
  /** A short chime. */
  sound: z.boolean(),
  /** A system notification while the tab is in the background (the browser also asks). */
  browser: z.boolean(),
});
export type NotificationPrefs = z.infer<typeof notificationPrefsSchema>;

/** GET /api/staff/me: who the staff session belongs to. */
export const staffMeResponseSchema = z.object({
  user: staffUserSchema.extend({ email: z.string() }),
  firm: firmSchema,
  notifications: notificationPrefsSchema,
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

/**
 * `details` of a portal login's 401 INVALID_CREDENTIALS: the wrong tries this IP has left for
 * the CNPJ typed before it is locked out (counted the same for any CNPJ, so it tells nothing
 * about which ones are clients); at 0 the lock has begun and lasts `retryAfterSeconds`.
 */
export const portalLoginFailureDetailsSchema = z.object({
  attemptsLeft: z.number().int().min(0),
  retryAfterSeconds: z.number().int().positive().optional(),
});
export type PortalLoginFailureDetails = z.infer<typeof portalLoginFailureDetailsSchema>;

/** `details` of a 429 TOO_MANY_ATTEMPTS (also in the Retry-After header). */
export const tooManyAttemptsDetailsSchema = z.object({ retryAfterSeconds: z.number().int().min(0) });
export type TooManyAttemptsDetails = z.infer<typeof tooManyAttemptsDetailsSchema>;

/** Slugs are matched lowercased (the address bar may capitalize them). */
const slugParamsSchema = z.object({ slug: z.string().transform((s) => s.toLowerCase()) });

export const authApi = {
  staffLogin: endpoint({
    method: 'POST',
    path: '/auth/staff/login',
    summary: 'Staff login (sets the session cookie)',
    access: { kind: 'anyone' },
    body: staffLoginRequestSchema,
    response: staffLoginResponseSchema,
    errors: ['VALIDATION_FAILED', 'INVALID_CREDENTIALS', 'TOO_MANY_ATTEMPTS'],
  }),
  portalLogin: endpoint({
    method: 'POST',
    path: '/portal/:slug/login',
    summary: 'Client login with CNPJ and password',
    access: { kind: 'anyone' },
    params: slugParamsSchema,
    body: portalLoginRequestSchema,
    response: portalLoginResponseSchema,
    errors: ['VALIDATION_FAILED', 'INVALID_CREDENTIALS', 'ACCESS_BLOCKED', 'TOO_MANY_ATTEMPTS'],
  }),
  logout: endpoint({
    method: 'POST',
    path: '/auth/logout',
    summary: 'End this session at once',
    access: { kind: 'anySession' },
    status: 204,
  }),
};

/** Firms: sign-up, the portal address, the staff member's own firm (here: auth.ts owns their schemas). */
export const firmsApi = {
  create: endpoint({
    method: 'POST',
    path: '/firms',
    summary: 'Sign up a firm and its first admin',
    access: { kind: 'anyone' },
    body: createFirmRequestSchema,
    response: createFirmResponseSchema,
    status: 201,
    errors: ['VALIDATION_FAILED', 'SLUG_TAKEN'],
  }),
  portal: endpoint({
    method: 'GET',
    path: '/portal/:slug',
    summary: 'The firm behind a portal address',
    access: { kind: 'anyone' },
    params: z.object({ slug: z.string() }),
    response: portalFirmResponseSchema,
    errors: ['NOT_FOUND'],
  }),
  staffMe: endpoint({
    method: 'GET',
    path: '/staff/me',
    summary: 'The logged-in staff member and firm',
    access: { kind: 'staff' },
    response: staffMeResponseSchema,
  }),
};
