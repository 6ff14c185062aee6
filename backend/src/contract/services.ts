import { z } from 'zod';
import { idParamSchema } from './common.js';
import { parseCnpj } from './cnpj.js';
import { endpoint } from './endpoint.js';

/**
 * Serviços: forms a client fills to ask the firm for a service, and the ordens de serviço
 * that follow (contract: "Serviços contract" in ARCHITECTURE.md). The answer validation
 * below runs in the portal (inline, as the client types) and on the server (the truth),
 * so both say the same pt-BR sentence.
 */

export const FIELD_TYPES = [
  'text',
  'longtext',
  'number',
  'money',
  'date',
  'select',
  'yesno',
  'cnpj',
  'cpf',
  'email',
  'phone',
  'file',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export const FIELD_TYPE_LABELS: Record<FieldType, string> = {
  text: 'Texto curto',
  longtext: 'Texto longo',
  number: 'Número',
  money: 'Valor (R$)',
  date: 'Data',
  select: 'Lista de opções',
  yesno: 'Sim ou não',
  cnpj: 'CNPJ',
  cpf: 'CPF',
  email: 'E-mail',
  phone: 'Telefone',
  file: 'Arquivo',
};

export const SERVICE_ORDER_STATUSES = ['open', 'in_progress', 'waiting_client', 'done', 'cancelled'] as const;
export type ServiceOrderStatus = (typeof SERVICE_ORDER_STATUSES)[number];
export const SERVICE_ORDER_STATUS_LABELS: Record<ServiceOrderStatus, string> = {
  open: 'Aberta',
  in_progress: 'Em andamento',
  waiting_client: 'Aguardando cliente',
  done: 'Concluída',
  cancelled: 'Cancelada',
};
/** Statuses after which nothing is expected of anyone (no SLA, not overdue). */
export const CLOSED_STATUSES: readonly ServiceOrderStatus[] = ['done', 'cancelled'];

export const FORM_LIMITS = {
  fields: 60,
  options: 50,
  text: 500,
  longtext: 5000,
  /** Largest money value, in cents (R$ 10 bilhões). */
  moneyCents: 1_000_000_000_000,
  number: 1e12,
} as const;

export const fieldKeySchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,39}$/, 'use letras minúsculas, números e _ (até 40), começando por letra');

export const formFieldSchema = z
  .object({
    key: fieldKeySchema,
    label: z.string().trim().min(1, 'informe o rótulo').max(120),
    type: z.enum(FIELD_TYPES),
    required: z.boolean().default(false),
    help: z.string().trim().max(300).default(''),
    /** Choices of a `select` (1–50); empty for every other type. */
    options: z.array(z.string().trim().min(1).max(100)).max(FORM_LIMITS.options).default([]),
  })
  .superRefine((f, ctx) => {
    if (f.type === 'select' && f.options.length === 0)
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'uma lista precisa de ao menos uma opção' });
    if (f.type !== 'select' && f.options.length > 0)
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'só listas de opções têm opções' });
    if (new Set(f.options).size !== f.options.length)
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'opções repetidas' });
  });
export type FormField = z.output<typeof formFieldSchema>;
export type FormFieldInput = z.input<typeof formFieldSchema>;

export const serviceFormSchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  fields: z.array(formFieldSchema),
  version: z.number().int(),
  audience: z.enum(['all', 'selected']),
  clientIds: z.array(z.string()),
  /** Business days the firm promises from the order's opening (null: no promise). */
  slaDays: z.number().int().nullable(),
  active: z.boolean(),
  updatedAt: z.string(),
});
export type ServiceForm = z.infer<typeof serviceFormSchema>;

export const serviceFormRequestSchema = z
  .object({
    title: z.string().trim().min(1, 'informe o título').max(120),
    description: z.string().trim().max(1000).default(''),
    fields: z.array(formFieldSchema).min(1, 'inclua ao menos um campo').max(FORM_LIMITS.fields),
    audience: z.enum(['all', 'selected']).default('all'),
    clientIds: z.array(idParamSchema).max(5000).default([]),
    slaDays: z.number().int().min(1).max(120).nullable().default(null),
    active: z.boolean().default(true),
  })
  .superRefine((f, ctx) => {
    const seen = new Set<string>();
    f.fields.forEach((field, i) => {
      if (seen.has(field.key))
        ctx.addIssue({ code: 'custom', path: ['fields', i, 'key'], message: 'chave repetida no formulário' });
      seen.add(field.key);
    });
    if (f.audience === 'selected' && f.clientIds.length === 0)
      ctx.addIssue({ code: 'custom', path: ['clientIds'], message: 'escolha ao menos um cliente' });
  });
export type ServiceFormRequest = z.input<typeof serviceFormRequestSchema>;

/** What the order answered, by field key; validated against the form version (below). */
export const answersSchema = z
  .record(z.string().max(40), z.unknown())
  .refine((a) => Object.keys(a).length <= FORM_LIMITS.fields, 'respostas demais');
export type Answers = Record<string, unknown>;

export const serviceOrderSchema = z.object({
  id: z.string(),
  /** Sequential per firm (OS nº). */
  number: z.number().int(),
  formId: z.string().nullable(),
  formVersion: z.number().int().nullable(),
  title: z.string(),
  clientId: z.string(),
  status: z.enum(SERVICE_ORDER_STATUSES),
  assigneeId: z.string().nullable(),
  answers: z.record(z.string(), z.unknown()),
  /** YYYY-MM-DD: the SLA's last day (or the date the firm set); null without one. */
  dueDate: z.string().nullable(),
  origin: z.enum(['client', 'firm']),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Open past its due date (computed by the server on São Paulo's calendar). */
  overdue: z.boolean(),
  clientName: z.string(),
});
export type ServiceOrder = z.infer<typeof serviceOrderSchema>;

/** What the client sees of an order: who at the firm handles it is internal. */
export function orderForClient<T extends ServiceOrder>(order: T): T {
  return { ...order, assigneeId: null };
}

export const timelineEntrySchema = z.object({
  at: z.string(),
  by: z.object({ kind: z.enum(['staff', 'client', 'system']), id: z.string(), name: z.string() }),
  /** The status after this entry (unchanged when it only carries a note or an assignment). */
  status: z.enum(SERVICE_ORDER_STATUSES),
  note: z.string().nullable(),
  /** What happened: opened, status, note, assigned, reply (the client answered), cancelled. */
  event: z.enum(['opened', 'status', 'note', 'assigned', 'reply']),
  assigneeId: z.string().nullable().optional(),
  /** Files sent with a reply. */
  fileIds: z.array(z.string()).optional(),
});
export type TimelineEntry = z.infer<typeof timelineEntrySchema>;

export const orderFileSchema = z.object({
  id: z.string(),
  name: z.string(),
  contentType: z.string(),
  size: z.number().int(),
});

export const serviceOrderDetailSchema = serviceOrderSchema.extend({
  timeline: z.array(timelineEntrySchema),
  /** The form version the order was filled with (labels and types of its answers). */
  fields: z.array(formFieldSchema),
  /** The files its answers and replies name. */
  files: z.array(orderFileSchema),
  conversationId: z.string().nullable(),
});
export type ServiceOrderDetail = z.infer<typeof serviceOrderDetailSchema>;

export const serviceOrderCountsSchema = z.object(
  Object.fromEntries(SERVICE_ORDER_STATUSES.map((s) => [s, z.number().int()])) as Record<
    ServiceOrderStatus,
    z.ZodNumber
  >,
);

const ymd = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'use AAAA-MM-DD')
  .refine((s) => validDate(s), 'data inexistente');

export const createServiceOrderRequestSchema = z.object({
  clientId: idParamSchema,
  title: z.string().trim().min(1, 'informe o título').max(160),
  formId: idParamSchema.optional(),
  answers: answersSchema.optional(),
  dueDate: ymd.optional(),
  assigneeId: idParamSchema.optional(),
  /** A first note to the client (shown in the conversation). */
  note: z.string().trim().max(2000).optional(),
});
export type CreateServiceOrderRequest = z.input<typeof createServiceOrderRequestSchema>;

export const listServiceOrdersQuerySchema = z.object({
  status: z.enum(SERVICE_ORDER_STATUSES).optional(),
  clientId: idParamSchema.optional(),
  /** A staff id, or `none` for unassigned orders. */
  assigneeId: z.union([idParamSchema, z.literal('none')]).optional(),
  formId: idParamSchema.optional(),
  overdue: z.enum(['true', 'false']).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
export type ListServiceOrdersQuery = z.input<typeof listServiceOrdersQuerySchema>;

export const serviceOrderListResponseSchema = z.object({
  items: z.array(serviceOrderSchema),
  total: z.number().int(),
  /** Orders per status under the same filters except status (the filter chips). */
  counts: serviceOrderCountsSchema,
  /** Open orders past their due date under the same filters except status. */
  overdueCount: z.number().int(),
});
export type ServiceOrderListResponse = z.infer<typeof serviceOrderListResponseSchema>;

export const updateServiceOrderRequestSchema = z
  .object({
    status: z.enum(SERVICE_ORDER_STATUSES).optional(),
    assigneeId: idParamSchema.nullable().optional(),
    /** A note to the client (with `waiting_client`: what the firm needs from it). */
    note: z.string().trim().min(1).max(2000).optional(),
  })
  .refine((b) => b.status !== undefined || b.assigneeId !== undefined || b.note !== undefined, {
    message: 'nada a alterar',
  });
export type UpdateServiceOrderRequest = z.input<typeof updateServiceOrderRequestSchema>;

export const submitServiceOrderRequestSchema = z.object({ formId: idParamSchema, answers: answersSchema });
export type SubmitServiceOrderRequest = z.input<typeof submitServiceOrderRequestSchema>;

export const replyServiceOrderRequestSchema = z
  .object({
    note: z.string().trim().max(2000).default(''),
    fileIds: z.array(idParamSchema).max(10).default([]),
  })
  .refine((b) => b.note.length > 0 || b.fileIds.length > 0, {
    message: 'escreva uma resposta ou anexe um arquivo',
  });
export type ReplyServiceOrderRequest = z.input<typeof replyServiceOrderRequestSchema>;

export const serviceDraftSchema = z.object({
  formId: z.string(),
  formVersion: z.number().int(),
  answers: z.record(z.string(), z.unknown()),
  updatedAt: z.string(),
});
export type ServiceDraft = z.infer<typeof serviceDraftSchema>;
export const saveDraftRequestSchema = z.object({ answers: answersSchema });

/** In a chat message that follows an order (a status change, a note, a submission). */
export const messageServiceOrderSchema = z.object({
  id: z.string(),
  number: z.number().int(),
  status: z.enum(SERVICE_ORDER_STATUSES),
  title: z.string(),
});
export type MessageServiceOrder = z.infer<typeof messageServiceOrderSchema>;

const orderParams = z.object({ id: idParamSchema });
const formParams = z.object({ id: idParamSchema });
const itemsOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });

export const servicesApi = {
  createForm: endpoint({
    method: 'POST',
    path: '/service-forms',
    summary: 'Create a service form (version 1)',
    access: { kind: 'staff' },
    body: serviceFormRequestSchema,
    response: serviceFormSchema,
    status: 201,
    errors: ['VALIDATION_FAILED'],
  }),
  forms: endpoint({
    method: 'GET',
    path: '/service-forms',
    summary: 'The firm’s service forms',
    access: { kind: 'staff' },
    response: itemsOf(serviceFormSchema),
  }),
  form: endpoint({
    method: 'GET',
    path: '/service-forms/:id',
    summary: 'One service form, current version',
    access: { kind: 'staff' },
    params: formParams,
    resource: 'Service form',
    response: serviceFormSchema,
    errors: ['NOT_FOUND'],
  }),
  updateForm: endpoint({
    method: 'PUT',
    path: '/service-forms/:id',
    summary: 'Replace a service form: version + 1 (orders keep the version they were filled with)',
    access: { kind: 'staff' },
    params: formParams,
    resource: 'Service form',
    body: serviceFormRequestSchema,
    response: serviceFormSchema,
    errors: ['VALIDATION_FAILED', 'NOT_FOUND'],
  }),
  myForms: endpoint({
    method: 'GET',
    path: '/me/service-forms',
    summary: 'Active service forms offered to this client (needs `serviceForms`)',
    access: { kind: 'client', permission: 'serviceForms' },
    response: itemsOf(serviceFormSchema),
    errors: ['PERMISSION_DENIED'],
  }),
  myDrafts: endpoint({
    method: 'GET',
    path: '/me/service-drafts',
    summary: 'The client’s saved drafts, one per form (needs `serviceForms`)',
    access: { kind: 'client', permission: 'serviceForms' },
    response: itemsOf(serviceDraftSchema),
    errors: ['PERMISSION_DENIED'],
  }),
  saveDraft: endpoint({
    method: 'PUT',
    path: '/me/service-drafts/:id',
    summary: 'Save the client’s draft of a form (`:id` is the form); nothing is required yet',
    access: { kind: 'client', permission: 'serviceForms' },
    params: formParams,
    resource: 'Service form',
    body: saveDraftRequestSchema,
    response: serviceDraftSchema,
    errors: ['VALIDATION_FAILED', 'PERMISSION_DENIED', 'NOT_FOUND', 'READ_ONLY_SESSION'],
  }),
  deleteDraft: endpoint({
    method: 'DELETE',
    path: '/me/service-drafts/:id',
    summary: 'Discard the client’s draft of a form',
    access: { kind: 'client', permission: 'serviceForms' },
    params: formParams,
    resource: 'Service form',
    status: 204,
    errors: ['PERMISSION_DENIED', 'READ_ONLY_SESSION'],
  }),
  submit: endpoint({
    method: 'POST',
    path: '/me/service-orders',
    summary: 'Client submits a form: a new ordem de serviço (answers checked against the form version)',
    access: { kind: 'client', permission: 'serviceForms' },
    body: submitServiceOrderRequestSchema,
    response: serviceOrderSchema,
    status: 201,
    errors: ['VALIDATION_FAILED', 'PERMISSION_DENIED', 'NOT_FOUND', 'READ_ONLY_SESSION'],
  }),
  myOrders: endpoint({
    method: 'GET',
    path: '/me/service-orders',
    summary: 'The client’s orders, newest first, including those the firm opened (needs `serviceForms`)',
    access: { kind: 'client', permission: 'serviceForms' },
    response: itemsOf(serviceOrderSchema),
    errors: ['PERMISSION_DENIED'],
  }),
  myOrder: endpoint({
    method: 'GET',
    path: '/me/service-orders/:id',
    summary: 'One of the client’s orders with its answers and history',
    access: { kind: 'client', permission: 'serviceForms' },
    params: orderParams,
    resource: 'Service order',
    response: serviceOrderDetailSchema,
    errors: ['PERMISSION_DENIED', 'NOT_FOUND'],
  }),
  reply: endpoint({
    method: 'POST',
    path: '/me/service-orders/:id/reply',
    summary: 'Client answers the firm on an order (files allowed); a waiting order goes back to em andamento',
    access: { kind: 'client', permission: 'serviceForms' },
    params: orderParams,
    resource: 'Service order',
    body: replyServiceOrderRequestSchema,
    response: serviceOrderDetailSchema,
    errors: ['VALIDATION_FAILED', 'PERMISSION_DENIED', 'NOT_FOUND', 'CONFLICT', 'READ_ONLY_SESSION'],
  }),
  cancelMine: endpoint({
    method: 'POST',
    path: '/me/service-orders/:id/cancel',
    summary: 'Client withdraws an order nobody started (status aberta)',
    access: { kind: 'client', permission: 'serviceForms' },
    params: orderParams,
    resource: 'Service order',
    response: serviceOrderDetailSchema,
    errors: ['PERMISSION_DENIED', 'NOT_FOUND', 'CONFLICT', 'READ_ONLY_SESSION'],
  }),
  create: endpoint({
    method: 'POST',
    path: '/service-orders',
    summary: 'The firm opens an order for a client (shown on the client’s Início)',
    access: { kind: 'staff' },
    body: createServiceOrderRequestSchema,
    response: serviceOrderSchema,
    status: 201,
    errors: ['VALIDATION_FAILED', 'NOT_FOUND'],
  }),
  list: endpoint({
    method: 'GET',
    path: '/service-orders',
    summary: 'Ordens de serviço, newest first, with counts per status',
    access: { kind: 'staff' },
    query: listServiceOrdersQuerySchema,
    response: serviceOrderListResponseSchema,
    errors: ['VALIDATION_FAILED'],
  }),
  get: endpoint({
    method: 'GET',
    path: '/service-orders/:id',
    summary: 'One order with its answers, files and timeline',
    access: { kind: 'staff' },
    params: orderParams,
    resource: 'Service order',
    response: serviceOrderDetailSchema,
    errors: ['NOT_FOUND'],
  }),
  update: endpoint({
    method: 'PATCH',
    path: '/service-orders/:id',
    summary: 'Change status, assignee, or send a note to the client',
    access: { kind: 'staff' },
    params: orderParams,
    resource: 'Service order',
    body: updateServiceOrderRequestSchema,
    response: serviceOrderSchema,
    errors: ['VALIDATION_FAILED', 'NOT_FOUND'],
  }),
};

// ---- answers: one validation for the portal and the server ----

export function validDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1900 || y > 2200) return false;
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

/** CPF digits (11) when valid (check digits, not all equal), else null. */
export function parseCpf(input: string): string | null {
  const digits = input.replace(/[\s.\-/]/g, '');
  if (!/^\d{11}$/.test(digits) || /^(\d)\1{10}$/.test(digits)) return null;
  const n = [...digits].map(Number);
  for (const len of [9, 10]) {
    let sum = 0;
    for (let i = 0; i < len; i++) sum += n[i] * (len + 1 - i);
    const check = ((sum * 10) % 11) % 10;
    if (check !== n[len]) return null;
  }
  return digits;
}

export function formatCpf(digits: string): string {
  return digits.replace(/^(\d{3})(\d{3})(\d{3})(\d{2})$/, '$1.$2.$3-$4');
}

/** Brazilian phone: DDD + 8 or 9 digits (optionally +55), returned as digits without 55. */
export function parsePhone(input: string): string | null {
  let digits = input.replace(/[\s().\-+]/g, '');
  if (!/^\d+$/.test(digits)) return null;
  if (digits.length >= 12 && digits.startsWith('55')) digits = digits.slice(2);
  if (!/^[1-9][1-9]\d{8,9}$/.test(digits)) return null;
  if (digits.length === 11 && digits[2] !== '9') return null;
  return digits;
}

export function formatPhone(digits: string): string {
  return digits.length === 11
    ? digits.replace(/^(\d{2})(\d{5})(\d{4})$/, '($1) $2-$3')
    : digits.replace(/^(\d{2})(\d{4})(\d{4})$/, '($1) $2-$3');
}

const EMAIL = /^[^\s@]{1,64}@[^\s@.]+(\.[^\s@.]+)+$/;

export interface AnswerIssue {
  path: string;
  message: string;
}

/**
 * Checks answers against a form version and returns them normalized (CNPJ/CPF/phone as
 * digits, strings trimmed, empty optional fields left out) with one pt-BR message per field
 * that fails (`path` = `answers.<key>`). File answers are checked for shape here; that the
 * file exists and belongs to the caller is the server's part. `partial` (a draft) skips
 * "required" and keeps values as typed.
 */
export function checkAnswers(
  fields: readonly FormField[],
  answers: Record<string, unknown>,
  opts: { partial?: boolean } = {},
): { answers: Record<string, unknown>; issues: AnswerIssue[] } {
  const out: Record<string, unknown> = {};
  const issues: AnswerIssue[] = [];
  const known = new Set(fields.map((f) => f.key));
  for (const key of Object.keys(answers)) {
    if (!known.has(key))
      issues.push({ path: `answers.${key}`, message: 'Campo que não existe neste formulário' });
  }
  for (const field of fields) {
    const raw = answers[field.key];
    const empty = raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '');
    if (empty) {
      if (field.required && !opts.partial)
        issues.push({ path: `answers.${field.key}`, message: 'Preenchimento obrigatório' });
      continue;
    }
    const result = checkValue(field, raw);
    if ('error' in result) {
      if (opts.partial && typeof raw === 'string' && raw.length <= FORM_LIMITS.longtext) out[field.key] = raw;
      else issues.push({ path: `answers.${field.key}`, message: result.error });
    } else out[field.key] = result.value;
  }
  return { answers: out, issues };
}

/** One answer checked against its field: the normalized value or a pt-BR error. */
export function checkValue(field: FormField, raw: unknown): { value: unknown } | { error: string } {
  const str = typeof raw === 'string' ? raw.trim() : null;
  switch (field.type) {
    case 'text':
    case 'longtext': {
      if (str === null) return { error: 'Informe um texto' };
      const max = field.type === 'text' ? FORM_LIMITS.text : FORM_LIMITS.longtext;
      if (str.length > max) return { error: `Use no máximo ${max} caracteres` };
      return { value: str };
    }
    case 'number': {
      const n = typeof raw === 'number' ? raw : str !== null ? Number(str.replace(',', '.')) : NaN;
      if (!Number.isFinite(n)) return { error: 'Informe um número' };
      if (Math.abs(n) > FORM_LIMITS.number) return { error: 'Número grande demais' };
      return { value: n };
    }
    case 'money': {
      if (typeof raw !== 'number' || !Number.isInteger(raw)) return { error: 'Informe um valor em reais' };
      if (raw < 0) return { error: 'O valor não pode ser negativo' };
      if (raw > FORM_LIMITS.moneyCents) return { error: 'Valor grande demais' };
      return { value: raw };
    }
    case 'date':
      if (str === null || !validDate(str)) return { error: 'Informe uma data válida' };
      return { value: str };
    case 'select':
      if (str === null || !field.options.includes(str)) return { error: 'Escolha uma das opções' };
      return { value: str };
    case 'yesno':
      if (typeof raw !== 'boolean') return { error: 'Responda sim ou não' };
      return { value: raw };
    case 'cnpj': {
      const cnpj = str === null ? null : parseCnpj(str);
      if (!cnpj) return { error: 'CNPJ inválido: confira os dígitos' };
      return { value: cnpj };
    }
    case 'cpf': {
      const cpf = str === null ? null : parseCpf(str);
      if (!cpf) return { error: 'CPF inválido: confira os dígitos' };
      return { value: cpf };
    }
    case 'email':
      if (str === null || str.length > 254 || !EMAIL.test(str)) return { error: 'E-mail inválido' };
      return { value: str.toLowerCase() };
    case 'phone': {
      const phone = str === null ? null : parsePhone(str);
      if (!phone) return { error: 'Telefone inválido: use DDD + número' };
      return { value: phone };
    }
    case 'file':
      if (str === null || !/^[0-9a-f]{24}$/.test(str)) return { error: 'Anexe o arquivo' };
      return { value: str };
  }
}

// ---- business days (SLA) ----

/** National holidays with fixed dates (MM-DD); moveable ones (Carnaval, Sexta-feira Santa, Corpus Christi) are computed. */
const FIXED_HOLIDAYS = ['01-01', '04-21', '05-01', '09-07', '10-12', '11-02', '11-15', '11-20', '12-25'];

function easter(year: number): Date {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return new Date(Date.UTC(year, month - 1, day));
}

const iso = (d: Date) => d.toISOString().slice(0, 10);
const addDays = (d: Date, n: number) => new Date(d.getTime() + n * 86_400_000);

export function isBusinessDay(day: string): boolean {
  const d = new Date(`${day}T00:00:00Z`);
  const wd = d.getUTCDay();
  if (wd === 0 || wd === 6) return false;
  if (FIXED_HOLIDAYS.includes(day.slice(5))) return false;
  const e = easter(d.getUTCFullYear());
  // Carnaval (Monday and Tuesday), Sexta-feira Santa, Corpus Christi.
  const moveable = [-48, -47, -2, 60].map((n) => iso(addDays(e, n)));
  return !moveable.includes(day);
}

/** The day `n` business days after `from` (YYYY-MM-DD); national holidays skipped. */
export function addBusinessDays(from: string, n: number): string {
  let d = new Date(`${from}T00:00:00Z`);
  let left = n;
  while (left > 0) {
    d = addDays(d, 1);
    if (isBusinessDay(iso(d))) left--;
  }
  return iso(d);
}

/** Today's date in São Paulo (YYYY-MM-DD), where the firms work. */
export function todayInBrazil(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Sao_Paulo' }).format(now);
}

/** Ready-made forms: the demo firm starts with them; the builder offers them as templates. */
export const SERVICE_FORM_TEMPLATES: {
  title: string;
  description: string;
  slaDays: number;
  fields: FormFieldInput[];
}[] = [
  {
    title: 'Admissão de funcionário',
    description:
      'Dados do novo funcionário para o registro e o eSocial. Envie até 2 dias úteis antes do início.',
    slaDays: 3,
    fields: [
      { key: 'nome', label: 'Nome completo', type: 'text', required: true },
      { key: 'cpf', label: 'CPF', type: 'cpf', required: true },
      { key: 'nascimento', label: 'Data de nascimento', type: 'date', required: true },
      { key: 'inicio', label: 'Data de início', type: 'date', required: true },
      { key: 'cargo', label: 'Cargo', type: 'text', required: true },
      { key: 'salario', label: 'Salário', type: 'money', required: true },
      {
        key: 'jornada',
        label: 'Jornada',
        type: 'select',
        required: true,
        options: ['44 horas semanais', '40 horas semanais', '30 horas semanais', 'Intermitente'],
      },
      { key: 'experiencia', label: 'Contrato de experiência?', type: 'yesno', required: false },
      { key: 'email', label: 'E-mail do funcionário', type: 'email', required: false },
      { key: 'telefone', label: 'Telefone do funcionário', type: 'phone', required: false },
      {
        key: 'documentos',
        label: 'Documentos (RG, CTPS, comprovante de endereço)',
        type: 'file',
        required: false,
        help: 'Um PDF ou foto com os documentos.',
      },
    ],
  },
  {
    title: 'Alteração contratual',
    description: 'Mudança de endereço, sócios, capital ou atividade da empresa.',
    slaDays: 10,
    fields: [
      {
        key: 'tipo',
        label: 'O que vai mudar',
        type: 'select',
        required: true,
        options: [
          'Endereço',
          'Quadro societário',
          'Capital social',
          'Atividade (CNAE)',
          'Nome empresarial',
          'Outro',
        ],
      },
      { key: 'descricao', label: 'Descreva a alteração', type: 'longtext', required: true },
      { key: 'vigencia', label: 'A partir de', type: 'date', required: false },
      { key: 'anexo', label: 'Documento de apoio', type: 'file', required: false },
    ],
  },
  {
    title: 'Emissão de nota fiscal',
    description: 'Pedido de emissão de NFS-e ou NF-e pelo escritório.',
    slaDays: 1,
    fields: [
      { key: 'tomador_cnpj', label: 'CNPJ do tomador', type: 'cnpj', required: true },
      { key: 'tomador_nome', label: 'Razão social do tomador', type: 'text', required: true },
      { key: 'valor', label: 'Valor da nota', type: 'money', required: true },
      { key: 'descricao', label: 'Descrição do serviço', type: 'longtext', required: true },
      { key: 'competencia', label: 'Data de competência', type: 'date', required: true },
      { key: 'email', label: 'Enviar a nota para o e-mail', type: 'email', required: false },
    ],
  },
  {
    title: 'Rescisão',
    description: 'Desligamento de funcionário: cálculo das verbas e guias.',
    slaDays: 5,
    fields: [
      { key: 'nome', label: 'Nome do funcionário', type: 'text', required: true },
      { key: 'cpf', label: 'CPF do funcionário', type: 'cpf', required: true },
      {
        key: 'motivo',
        label: 'Motivo',
        type: 'select',
        required: true,
        options: [
          'Sem justa causa',
          'Pedido de demissão',
          'Justa causa',
          'Acordo (art. 484-A)',
          'Fim do contrato',
        ],
      },
      { key: 'ultimo_dia', label: 'Último dia trabalhado', type: 'date', required: true },
      { key: 'aviso_trabalhado', label: 'Aviso prévio trabalhado?', type: 'yesno', required: true },
      { key: 'observacoes', label: 'Observações', type: 'longtext', required: false },
    ],
  },
];
