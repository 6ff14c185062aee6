import { z } from 'zod';
import { permissionsSchema } from './common.js';
import { endpoint } from './endpoint.js';

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

/** The client's own area; each feature is gated by its permission key. */
export const meApi = {
  me: endpoint({
    method: 'GET',
    path: '/me',
    summary: 'The client session: client, firm, permissions',
    access: { kind: 'client' },
    response: meResponseSchema,
  }),
  changePassword: endpoint({
    method: 'POST',
    path: '/me/password',
    summary: 'Client changes its own password',
    access: { kind: 'client' },
    body: changeOwnPasswordRequestSchema,
    status: 204,
    errors: ['VALIDATION_FAILED', 'READ_ONLY_SESSION'],
  }),
};
