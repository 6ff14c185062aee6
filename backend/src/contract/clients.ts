import { z } from 'zod';
import {
  ErrorCode,
  idParamSchema,
  pageQuerySchema,
  permissionsPatchSchema,
  permissionsSchema,
} from './common.js';
import { auditListResponseSchema } from './audit.js';
import { endpoint } from './endpoint.js';

export const clientItemSchema = z.object({
  id: z.string(),
  cnpj: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  portal: z.object({
    enabled: z.boolean(),
    blocked: z.boolean(),
    /** Set while five wrong passwords keep the CNPJ locked out (ISO date). */
    lockedUntil: z.string().nullable(),
    lastLoginAt: z.string().nullable(),
  }),
  permissions: permissionsSchema,
  pendingForClient: z.number().int(),
  unreadForStaff: z.number().int(),
  conversationId: z.string().nullable(),
  /** The client has the portal open right now (any tab, any device). */
  online: z.boolean(),
  createdAt: z.string(),
  /** Guias delivered to the client that it has not opened yet. */
  unopenedGuides: z.number().int(),
});
export type ClientItem = z.infer<typeof clientItemSchema>;

export const createClientRequestSchema = z.object({
  cnpj: z.string().trim().min(1).max(40),
  name: z.string().trim().min(2).max(200),
  /** Receives the unread-message reminders; empty or null for none. */
  email: z
    .union([z.email().trim().toLowerCase(), z.literal('')])
    .nullable()
    .optional()
    .transform((v) => v || null),
});
export type CreateClientRequest = z.infer<typeof createClientRequestSchema>;

export const updateClientRequestSchema = createClientRequestSchema.partial().strict();
export type UpdateClientRequest = z.infer<typeof updateClientRequestSchema>;

export const CLIENT_FILTERS = ['all', 'enabled', 'disabled', 'blocked', 'pending'] as const;
export const listClientsQuerySchema = pageQuerySchema.extend({
  search: z.string().trim().max(200).optional(),
  filter: z.enum(CLIENT_FILTERS).default('all'),
});
export type ListClientsQuery = z.infer<typeof listClientsQuerySchema>;

export const listClientsResponseSchema = z.object({
  items: z.array(clientItemSchema),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});
export type ListClientsResponse = z.infer<typeof listClientsResponseSchema>;

export const updatePortalRequestSchema = z.object({
  enabled: z.boolean(),
  permissions: permissionsPatchSchema.optional(),
});
export type UpdatePortalRequest = z.infer<typeof updatePortalRequestSchema>;

/** The client, plus the generated password on the first enable (shown once). */
export const updatePortalResponseSchema = clientItemSchema.extend({
  password: z.string().optional(),
});
export type UpdatePortalResponse = z.infer<typeof updatePortalResponseSchema>;

export const bulkPortalRequestSchema = z.object({
  clientIds: z
    .array(z.string().regex(/^[0-9a-f]{24}$/))
    .min(1)
    .max(1000),
  enabled: z.boolean(),
  permissions: permissionsPatchSchema.optional(),
});
export type BulkPortalRequest = z.infer<typeof bulkPortalRequestSchema>;

export const bulkPortalResponseSchema = z.object({
  updated: z.number().int(),
  /**
   * Set when some clients were enabled for the first time: their passwords are
   * generated in the background (GET /api/clients/portal/bulk/:jobId); "Ver senha"
   * generates a pending one at once.
   */
  job: z.object({ id: z.string() }).nullable(),
});
export type BulkPortalResponse = z.infer<typeof bulkPortalResponseSchema>;

export const BULK_JOB_STATES = ['waiting', 'active', 'completed', 'failed'] as const;
export const bulkPortalJobResponseSchema = z.object({
  state: z.enum(BULK_JOB_STATES),
  /** Clients whose password is ready, of `total`. */
  done: z.number().int(),
  total: z.number().int(),
});
export type BulkPortalJobResponse = z.infer<typeof bulkPortalJobResponseSchema>;

export const passwordResponseSchema = z.object({ password: z.string() });
export type PasswordResponse = z.infer<typeof passwordResponseSchema>;

export const impersonateResponseSchema = z.object({ token: z.string() });
export type ImpersonateResponse = z.infer<typeof impersonateResponseSchema>;

/** CSV import: `cnpj;name` or `cnpj,name` per line, optional header. */
export const importClientsRequestSchema = z.object({ csv: z.string().min(1).max(5_000_000) });
export type ImportClientsRequest = z.infer<typeof importClientsRequestSchema>;

export const importRowErrorSchema = z.object({
  line: z.number().int(),
  cnpj: z.string(),
  name: z.string(),
  code: z.enum(ErrorCode),
  message: z.string(),
});
export type ImportRowError = z.infer<typeof importRowErrorSchema>;

export const importClientsResponseSchema = z.object({
  created: z.number().int(),
  failed: z.array(importRowErrorSchema),
});
export type ImportClientsResponse = z.infer<typeof importClientsResponseSchema>;

const clientIdParams = z.object({ id: idParamSchema });

export const clientsApi = {
  list: endpoint({
    method: 'GET',
    path: '/clients',
    summary: 'Client list (Gerenciar Permissões)',
    access: { kind: 'staff' },
    query: listClientsQuerySchema,
    response: listClientsResponseSchema,
    errors: ['VALIDATION_FAILED'],
  }),
  create: endpoint({
    method: 'POST',
    path: '/clients',
    summary: 'Create a client',
    access: { kind: 'staff' },
    body: createClientRequestSchema,
    response: clientItemSchema,
    status: 201,
    errors: ['VALIDATION_FAILED', 'INVALID_CNPJ', 'DUPLICATE_CNPJ'],
  }),
  importCsv: endpoint({
    method: 'POST',
    path: '/clients/import',
    summary: 'Import clients from CSV, with a per-row report',
    access: { kind: 'staff' },
    body: importClientsRequestSchema,
    response: importClientsResponseSchema,
    errors: ['VALIDATION_FAILED'],
  }),
  bulkPortal: endpoint({
    method: 'POST',
    path: '/clients/portal/bulk',
    summary: 'Enable/disable access and set permissions for many clients',
    access: { kind: 'staff' },
    body: bulkPortalRequestSchema,
    response: bulkPortalResponseSchema,
    errors: ['VALIDATION_FAILED'],
  }),
  bulkPortalJob: endpoint({
    method: 'GET',
    path: '/clients/portal/bulk/:jobId',
    summary: 'Progress of the passwords a bulk enable is generating',
    access: { kind: 'staff' },
    params: z.object({ jobId: z.string() }),
    response: bulkPortalJobResponseSchema,
    errors: ['NOT_FOUND'],
  }),
  get: endpoint({
    method: 'GET',
    path: '/clients/:id',
    summary: 'One client',
    access: { kind: 'staff' },
    params: clientIdParams,
    resource: 'Client',
    response: clientItemSchema,
    errors: ['NOT_FOUND'],
  }),
  update: endpoint({
    method: 'PATCH',
    path: '/clients/:id',
    summary: 'Edit a client',
    access: { kind: 'staff' },
    params: clientIdParams,
    resource: 'Client',
    body: updateClientRequestSchema,
    response: clientItemSchema,
    errors: ['VALIDATION_FAILED', 'INVALID_CNPJ', 'NOT_FOUND', 'DUPLICATE_CNPJ'],
  }),
  updatePortal: endpoint({
    method: 'PUT',
    path: '/clients/:id/portal',
    summary: 'Enable/disable access and set permissions; first enable returns the password once',
    access: { kind: 'staff' },
    params: clientIdParams,
    resource: 'Client',
    body: updatePortalRequestSchema,
    response: updatePortalResponseSchema,
    errors: ['VALIDATION_FAILED', 'NOT_FOUND'],
  }),
  viewPassword: endpoint({
    method: 'GET',
    path: '/clients/:id/portal/password',
    summary: 'Read the portal password (audited); 409 PASSWORD_SET_BY_CLIENT once the client chose its own',
    access: { kind: 'staff' },
    params: clientIdParams,
    resource: 'Client',
    response: passwordResponseSchema,
    errors: ['NOT_FOUND', 'PASSWORD_SET_BY_CLIENT'],
  }),
  resetPassword: endpoint({
    method: 'POST',
    path: '/clients/:id/portal/password/reset',
    summary: 'Generate a new portal password (ends sessions)',
    access: { kind: 'staff' },
    params: clientIdParams,
    resource: 'Client',
    response: passwordResponseSchema,
    errors: ['NOT_FOUND'],
  }),
  unlockLogin: endpoint({
    method: 'POST',
    path: '/clients/:id/portal/unlock',
    summary: 'Lift the login lock-outs and backoff of the client’s CNPJ, from every IP (audited)',
    access: { kind: 'staff' },
    params: clientIdParams,
    resource: 'Client',
    response: clientItemSchema,
    errors: ['NOT_FOUND'],
  }),
  block: endpoint({
    method: 'POST',
    path: '/clients/:id/portal/block',
    summary: 'Block access; ends sessions and sockets at once',
    access: { kind: 'staff' },
    params: clientIdParams,
    resource: 'Client',
    response: clientItemSchema,
    errors: ['NOT_FOUND'],
  }),
  unblock: endpoint({
    method: 'POST',
    path: '/clients/:id/portal/unblock',
    summary: 'Unblock access',
    access: { kind: 'staff' },
    params: clientIdParams,
    resource: 'Client',
    response: clientItemSchema,
    errors: ['NOT_FOUND'],
  }),
  impersonate: endpoint({
    method: 'POST',
    path: '/clients/:id/impersonate',
    summary: 'Read-only client session (audited)',
    access: { kind: 'staff' },
    params: clientIdParams,
    resource: 'Client',
    response: impersonateResponseSchema,
    errors: ['NOT_FOUND'],
  }),
  audit: endpoint({
    method: 'GET',
    path: '/clients/:id/audit',
    summary: 'Audit log of a client',
    access: { kind: 'staff' },
    params: clientIdParams,
    resource: 'Client',
    response: auditListResponseSchema,
    errors: ['NOT_FOUND'],
  }),
};
