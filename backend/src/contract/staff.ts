import { z } from 'zod';
import { staffRoleSchema } from './auth.js';

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
