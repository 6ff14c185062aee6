import { z } from 'zod';

/**
 * Every code the server sends, in an HTTP error body or a socket ack; the pt-BR sentence
 * the UI shows for each is beside it in errors.ts.
 */
export const ErrorCode = {
  ValidationFailed: 'VALIDATION_FAILED',
  InvalidCnpj: 'INVALID_CNPJ',
  Unauthenticated: 'UNAUTHENTICATED',
  InvalidCredentials: 'INVALID_CREDENTIALS',
  AccessBlocked: 'ACCESS_BLOCKED',
  TooManyAttempts: 'TOO_MANY_ATTEMPTS',
  PermissionDenied: 'PERMISSION_DENIED',
  ReadOnlySession: 'READ_ONLY_SESSION',
  Forbidden: 'FORBIDDEN',
  NotFound: 'NOT_FOUND',
  SlugTaken: 'SLUG_TAKEN',
  EmailTaken: 'EMAIL_TAKEN',
  DuplicateCnpj: 'DUPLICATE_CNPJ',
  Conflict: 'CONFLICT',
  /** The client chose its portal password itself: staff cannot read it, only generate a new one. */
  PasswordSetByClient: 'PASSWORD_SET_BY_CLIENT',
  PayloadTooLarge: 'PAYLOAD_TOO_LARGE',
  UnsupportedFile: 'UNSUPPORTED_FILE',
  /** Redis or the database did not answer in time: nothing was done, the same request may be retried. */
  Unavailable: 'UNAVAILABLE',
  /** Over a socket event rate limit: nothing was done; `retryAfterMs` says when to try again. */
  RateLimited: 'RATE_LIMITED',
  /** The firm has too many socket events waiting on this node: nothing was done, retry later. */
  Overloaded: 'OVERLOADED',
  /** A framework HTTP error with no code of its own (e.g. 405): the status says which. */
  HttpError: 'HTTP_ERROR',
  Internal: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Every error the API returns, HTTP or socket ack, has this shape. */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.enum(ErrorCode),
    message: z.string(),
    errorId: z.string().optional(),
    details: z.unknown().optional(),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** The thirteen permission keys (contract). Order is the order the UI lists them in. */
export const PERMISSION_KEYS = [
  'chat',
  'documents',
  'serviceForms',
  'fiscalStatus',
  'onlineStatus',
  'recalculation',
  'sendGuides',
  'installmentPlans',
  'dctfweb',
  'taxClearances',
  'dasSimples',
  'dasMei',
  'mailbox',
] as const;
export type PermissionKey = (typeof PERMISSION_KEYS)[number];

export const permissionsSchema = z.object(
  Object.fromEntries(PERMISSION_KEYS.map((k) => [k, z.boolean()])) as Record<PermissionKey, z.ZodBoolean>,
);
export type Permissions = z.infer<typeof permissionsSchema>;

/** A partial update: keys left out keep their value. Unknown keys are refused. */
export const permissionsPatchSchema = permissionsSchema.partial().strict();
export type PermissionsPatch = z.infer<typeof permissionsPatchSchema>;

export const NO_PERMISSIONS: Permissions = Object.fromEntries(
  PERMISSION_KEYS.map((k) => [k, false]),
) as Permissions;

/** pt-BR labels, shared so the staff screen and the portal say the same thing. */
export const PERMISSION_LABELS: Record<PermissionKey, string> = {
  chat: 'Chat com o escritório',
  documents: 'Guias e documentos',
  serviceForms: 'Formulários de serviço',
  fiscalStatus: 'Situação fiscal',
  onlineStatus: 'Estou Online?',
  recalculation: 'Recálculos',
  sendGuides: 'Enviar Guias',
  installmentPlans: 'Parcelamentos',
  dctfweb: 'DCTFWeb',
  taxClearances: 'Certidões e Relatórios Fiscais',
  dasSimples: 'DAS do Simples',
  dasMei: 'DAS do MEI',
  mailbox: 'Caixa Postal',
};

export const idParamSchema = z.string().regex(/^[0-9a-f]{24}$/, 'invalid id');

export const pageQuerySchema = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

/** Granted on a client's first integration when the staff did not choose permissions. */
export const DEFAULT_PORTAL_PERMISSIONS: Permissions = {
  ...NO_PERMISSIONS,
  chat: true,
  documents: true,
  serviceForms: true,
  fiscalStatus: true,
  onlineStatus: true,
};
