import { z } from 'zod';
import {
  type Access,
  allEndpoints,
  type EndpointDef,
  type ErrorCode,
  errorBodySchema,
} from './contract/index.js';

/** The HTTP status each error code is sent with (AppError's status for it). */
const ERROR_STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  INVALID_CNPJ: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  ACCESS_BLOCKED: 403,
  TOO_MANY_ATTEMPTS: 429,
  PERMISSION_DENIED: 403,
  READ_ONLY_SESSION: 403,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  SLUG_TAKEN: 409,
  EMAIL_TAKEN: 409,
  DUPLICATE_CNPJ: 409,
  CONFLICT: 409,
  PASSWORD_SET_BY_CLIENT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_FILE: 400,
  UNAVAILABLE: 503,
  RATE_LIMITED: 429,
  OVERLOADED: 503,
  HTTP_ERROR: 400,
  INTERNAL: 500,
};

const WHO: Record<Access['kind'], string> = {
  anyone: 'anyone',
  staff: 'staff',
  admin: 'admin',
  client: 'client',
  staffOrClient: 'staff or client',
  anySession: 'staff or client (also a read-only session)',
};

function who(access: Access): string {
  const permission =
    'permission' in access && access.permission ? ` (client needs \`${access.permission}\`)` : '';
  return `${WHO[access.kind]}${permission}`;
}

const schema = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });
const shapeOf = (s: z.ZodType | undefined) =>
  s instanceof z.ZodObject ? (Object.entries(s.shape) as [string, z.ZodType][]) : [];

/** `/clients/:id` → `/api/clients/{id}`. */
export const openApiPath = (path: string) => `/api${path.replace(/:(\w+)/g, '{$1}')}`;

function operation(name: string, def: EndpointDef): Record<string, unknown> {
  const responses: Record<string, unknown> = {
    [String(def.status ?? 200)]: def.response
      ? { description: 'OK', content: { 'application/json': { schema: schema(def.response) } } }
      : def.file
        ? { description: 'The file', content: { 'application/octet-stream': {} } }
        : { description: 'OK' },
  };
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of def.errors ?? []) {
    const status = ERROR_STATUS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  for (const [status, codes] of byStatus) {
    responses[String(status)] = {
      description: `Error: ${codes.join(', ')}`,
      content: { 'application/json': { schema: schema(errorBodySchema) } },
    };
  }
  const requestBody = def.body
    ? { required: true, content: { 'application/json': { schema: schema(def.body) } } }
    : def.multipart
      ? {
          required: true,
          content: {
            'multipart/form-data': {
              schema: {
                type: 'object',
                properties: Object.fromEntries(
                  Object.entries(def.multipart.fields).map(([k, description]) => [
                    k,
                    { type: 'string', format: 'binary', description },
                  ]),
                ),
              },
            },
          },
        }
      : undefined;
  return {
    operationId: name,
    summary: def.summary,
    description: `Who: ${who(def.access)}`,
    'x-access': def.access,
    security: def.access.kind === 'anyone' ? [] : [{ bearer: [] }, { cookie: [] }],
    parameters: [
      ...shapeOf(def.params).map(([p, s]) => ({ name: p, in: 'path', required: true, schema: schema(s) })),
      ...shapeOf(def.query).map(([q, s]) => ({ name: q, in: 'query', required: false, schema: schema(s) })),
    ],
    requestBody,
    responses,
  };
}

/** The HTTP API, built from the contract table the server registers and validates its routes with. */
export function buildOpenApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const { name, def } of allEndpoints()) {
    const path = openApiPath(def.path);
    paths[path] ??= {};
    paths[path][def.method.toLowerCase()] = operation(name, def);
  }
  return {
    openapi: '3.1.0',
    info: { title: 'ConnectHub API', version: '0.1.0', description: 'Errors: {"error":{"code","message"}}.' },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        cookie: { type: 'apiKey', in: 'cookie', name: 'session' },
      },
    },
    paths,
  };
}
