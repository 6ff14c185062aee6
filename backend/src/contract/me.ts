import { z } from 'zod';
import { permissionsSchema } from './common.js';

/** GET /api/me — the client's own session. */
export const meResponseSchema = z.object({
  client: z.object({ id: z.string(), cnpj: z.string(), name: z.string() }),
  firm: z.object({ name: z.string(), slug: z.string() }),
  permissions: permissionsSchema,
  conversationId: z.string().nullable(),
  /** True when staff opened this area through "acessar como cliente": read-only. */
  impersonation: z.object({ staffName: z.string() }).nullable(),
});
export type MeResponse = z.infer<typeof meResponseSchema>;

export const changeOwnPasswordRequestSchema = z.object({
  currentPassword: z.string().min(1).max(200),
  newPassword: z.string().min(10).max(200),
});
export type ChangeOwnPasswordRequest = z.infer<typeof changeOwnPasswordRequestSchema>;

export const documentItemSchema = z.object({
  id: z.string(),
  kind: z.string(),
  title: z.string(),
  competence: z.string().nullable(),
  dueDate: z.string().nullable(),
  amountCents: z.number().int().nullable(),
  createdAt: z.string(),
});
export type DocumentItem = z.infer<typeof documentItemSchema>;
export const documentListResponseSchema = z.object({ items: z.array(documentItemSchema) });
export type DocumentListResponse = z.infer<typeof documentListResponseSchema>;

export const serviceOrderItemSchema = z.object({
  id: z.string(),
  title: z.string(),
  status: z.string(),
  createdAt: z.string(),
});
export type ServiceOrderItem = z.infer<typeof serviceOrderItemSchema>;
export const serviceOrderListResponseSchema = z.object({ items: z.array(serviceOrderItemSchema) });
export type ServiceOrderListResponse = z.infer<typeof serviceOrderListResponseSchema>;
