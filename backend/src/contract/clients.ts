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
    /** Wrong passwords that led to the current lock (0 when not locked). */
    failedLogins: z.number().int(),
    /** Access was given at least once (a password exists or is being generated). */
    integrated: z.boolean(),
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

/** CSV import: `cnpj;name[;email]` or with commas per line, optional header. */
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
  /** Data rows read (the header is not one). */
  rows: z.number().int(),
  /** Header names (or "Coluna N" without a header) of the columns that were not imported. */
  ignoredColumns: z.array(z.string()),
});
export type ImportClientsResponse = z.infer<typeof importClientsResponseSchema>;

/** One data row of an imported client list; `line` counts every line of the file from 1. */
export interface ClientCsvRow {
  line: number;
  cnpj: string;
  name: string;
  email?: string;
}

export interface ClientCsv {
  rows: ClientCsvRow[];
  /** Columns present in the file that are not read, by header name or "Coluna N". */
  ignoredColumns: string[];
}

function splitCsvLine(line: string, delimiter: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells.map((c) => c.trim());
}

const CSV_COLUMNS = {
  cnpj: /cnpj/i,
  name: /raz[aã]o|nome|name|empresa/i,
  email: /e-?mail/i,
} as const;

/**
 * Reads a client list as spreadsheets export it: `cnpj;razão social;e-mail` (also `,` or tab),
 * with or without a header, skipping blank lines. With a header its columns are found by
 * name in any order; without one they are CNPJ, name and e-mail. Line numbers are the
 * file's own (the spreadsheet's row numbers). Stops after `maxRows + 1` rows, so a caller
 * can refuse an oversized file without it ever being split whole. Shared by the import
 * endpoint and the import dialog, so both count the same rows.
 */
export function readClientCsv(text: string, maxRows = Infinity): ClientCsv {
  const body = text.replace(/^\uFEFF/, '');
  const lineBreak = /\r\n|\n|\r/g;
  const rows: ClientCsvRow[] = [];
  let delimiter: string | undefined;
  let columns: { cnpj: number; name: number; email: number } | undefined;
  let named: string[] | null = null;
  /** Columns with a value in some row. */
  const filled = new Set<number>();
  let start = 0;
  for (let index = 0; start <= body.length && rows.length <= maxRows; index++) {
    const match = lineBreak.exec(body);
    const raw = body.slice(start, match ? match.index : body.length);
    start = match ? match.index + match[0].length : body.length + 1;
    if (raw.trim() === '') continue;
    delimiter ??= [';', '\t', ','].find((d) => raw.includes(d)) ?? ';';
    const cells = splitCsvLine(raw, delimiter);
    // A header names its columns; a data row starts with a digit or an alphanumeric CNPJ.
    if (!columns) {
      const header = /cnpj|raz[aã]o|nome|name|e-?mail/i.test(raw) && !cells.some((c) => /\d{2}/.test(c));
      if (header) {
        named = cells;
        const find = (re: RegExp, fallback: number) => {
          const i = cells.findIndex((c) => re.test(c));
          return i >= 0 ? i : fallback;
        };
        const cnpj = find(CSV_COLUMNS.cnpj, 0);
        const name = find(CSV_COLUMNS.name, cnpj === 1 ? 0 : 1);
        columns = { cnpj, name, email: cells.findIndex((c) => CSV_COLUMNS.email.test(c)) };
        continue;
      }
      columns = { cnpj: 0, name: 1, email: 2 };
    }
    cells.forEach((c, i) => c && filled.add(i));
    const email = columns.email >= 0 ? cells[columns.email] : undefined;
    rows.push({
      line: index + 1,
      cnpj: cells[columns.cnpj] ?? '',
      name: cells[columns.name] ?? '',
      ...(email ? { email } : {}),
    });
  }
  const read = new Set(columns ? [columns.cnpj, columns.name, columns.email] : []);
  const ignoredColumns: string[] = [];
  for (let i = 0; i <= Math.max((named?.length ?? 0) - 1, ...filled); i++) {
    const title = named?.[i];
    if (read.has(i) || (!title && !filled.has(i))) continue;
    ignoredColumns.push(title || `Coluna ${i + 1}`);
  }
  return { rows, ignoredColumns };
}

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
