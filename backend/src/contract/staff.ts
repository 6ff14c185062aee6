import { z } from 'zod';
import { notificationPrefsSchema, staffRoleSchema } from './auth.js';
import { idParamSchema } from './common.js';
import { endpoint } from './endpoint.js';

export const staffItemSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  role: staffRoleSchema,
  online: z.boolean(),
});
export type StaffItem = z.infer<typeof staffItemSchema>;

export const staffListResponseSchema = z.object({ items: z.array(staffItemSchema) });
export type StaffListResponse = z.infer<typeof staffListResponseSchema>;

export const createStaffRequestSchema = z.object({
  name: z.string().trim().min(2).max(120),
  email: z.email().trim().toLowerCase(),
  password: z.string().min(8).max(200),
  role: staffRoleSchema,
});
export type CreateStaffRequest = z.infer<typeof createStaffRequestSchema>;

export const createStaffResponseSchema = staffItemSchema.omit({ online: true });

export const updateStaffRequestSchema = z
  .object({
    name: z.string().trim().min(2).max(120),
    email: z.email().trim().toLowerCase(),
    role: staffRoleSchema,
  })
  .partial()
  .strict();
export type UpdateStaffRequest = z.infer<typeof updateStaffRequestSchema>;

export const resetStaffPasswordRequestSchema = z.object({ password: z.string().min(8).max(200) });
export type ResetStaffPasswordRequest = z.infer<typeof resetStaffPasswordRequestSchema>;

const staffIdParams = z.object({ id: idParamSchema });

/** Only the switches sent change; the answer is the whole set. */
export const updateNotificationPrefsRequestSchema = notificationPrefsSchema.partial().strict();
export type UpdateNotificationPrefsRequest = z.infer<typeof updateNotificationPrefsRequestSchema>;

export const staffApi = {
  list: endpoint({
    method: 'GET',
    path: '/staff',
    summary: 'Team members with presence',
    access: { kind: 'staff' },
    response: staffListResponseSchema,
  }),
  create: endpoint({
    method: 'POST',
    path: '/staff',
    summary: 'Add a team member',
    access: { kind: 'admin' },
    body: createStaffRequestSchema,
    response: createStaffResponseSchema,
    status: 201,
    errors: ['VALIDATION_FAILED', 'EMAIL_TAKEN'],
  }),
  update: endpoint({
    method: 'PATCH',
    path: '/staff/:id',
    summary: 'Edit a team member',
    access: { kind: 'admin' },
    params: staffIdParams,
    resource: 'Staff member',
    body: updateStaffRequestSchema,
    response: staffItemSchema,
    errors: ['VALIDATION_FAILED', 'NOT_FOUND', 'EMAIL_TAKEN', 'CONFLICT'],
  }),
  resetPassword: endpoint({
    method: 'POST',
    path: '/staff/:id/password',
    summary: 'Set a team member password (admin, or oneself)',
    access: { kind: 'staff' },
    params: staffIdParams,
    resource: 'Staff member',
    body: resetStaffPasswordRequestSchema,
    status: 204,
    errors: ['VALIDATION_FAILED', 'NOT_FOUND', 'FORBIDDEN'],
  }),
  updateMyNotifications: endpoint({
    method: 'PATCH',
    path: '/staff/me/notifications',
    summary: "The caller's own notification preferences (toasts, sound, browser notifications)",
    access: { kind: 'staff' },
    body: updateNotificationPrefsRequestSchema,
    response: notificationPrefsSchema,
    errors: ['VALIDATION_FAILED'],
  }),
  remove: endpoint({
    method: 'DELETE',
    path: '/staff/:id',
    summary: 'Remove a team member (ends their sessions)',
    access: { kind: 'admin' },
    params: staffIdParams,
    resource: 'Staff member',
    status: 204,
    errors: ['NOT_FOUND', 'CONFLICT'],
  }),
};
