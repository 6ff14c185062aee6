import { z } from 'zod';
import * as c from './contract/index.js';

type Who = 'anyone' | 'staff' | 'admin' | 'client' | 'staff or client';
interface Route {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  who: Who;
  body?: z.ZodType;
  query?: z.ZodObject;
  response?: z.ZodType;
  status?: number;
  errors?: number[];
}

/** The HTTP API, described from the same zod schemas the server validates with. */
const routes: Route[] = [
  {
    method: 'get',
    path: '/api/health',
    summary: 'Liveness of the api and its stores',
    who: 'anyone',
    errors: [503],
  },
  {
    method: 'post',
    path: '/api/firms',
    summary: 'Sign up a firm and its first admin',
    who: 'anyone',
    body: c.createFirmRequestSchema,
    response: c.createFirmResponseSchema,
    status: 201,
    errors: [400, 409],
  },
  {
    method: 'post',
    path: '/api/auth/staff/login',
    summary: 'Staff login (sets the session cookie)',
    who: 'anyone',
    body: c.staffLoginRequestSchema,
    response: c.staffLoginResponseSchema,
    errors: [401, 429],
  },
  {
    method: 'post',
    path: '/api/auth/logout',
    summary: 'End this session at once',
    who: 'staff or client',
    status: 204,
  },
  {
    method: 'get',
    path: '/api/staff/me',
    summary: 'The logged-in staff member and firm',
    who: 'staff',
    response: c.staffMeResponseSchema,
  },
  {
    method: 'get',
    path: '/api/staff',
    summary: 'Team members with presence',
    who: 'staff',
    response: c.staffListResponseSchema,
  },
  {
    method: 'post',
    path: '/api/staff',
    summary: 'Add a team member',
    who: 'admin',
    body: c.createStaffRequestSchema,
    response: c.createStaffResponseSchema,
    status: 201,
    errors: [409],
  },
  {
    method: 'patch',
    path: '/api/staff/{id}',
    summary: 'Edit a team member',
    who: 'admin',
    body: c.updateStaffRequestSchema,
    response: c.staffItemSchema,
    errors: [404, 409],
  },
  {
    method: 'post',
    path: '/api/staff/{id}/password',
    summary: 'Set a team member password (admin, or oneself)',
    who: 'staff',
    body: c.resetStaffPasswordRequestSchema,
    status: 204,
  },
  {
    method: 'delete',
    path: '/api/staff/{id}',
    summary: 'Remove a team member (ends their sessions)',
    who: 'admin',
    status: 204,
    errors: [404, 409],
  },
  {
    method: 'get',
    path: '/api/portal/{slug}',
    summary: 'The firm behind a portal address',
    who: 'anyone',
    response: c.portalFirmResponseSchema,
    errors: [404],
  },
  {
    method: 'post',
    path: '/api/portal/{slug}/login',
    summary: 'Client login with CNPJ and password',
    who: 'anyone',
    body: c.portalLoginRequestSchema,
    response: c.portalLoginResponseSchema,
    errors: [401, 403, 429],
  },
  {
    method: 'get',
    path: '/api/clients',
    summary: 'Client list (Gerenciar Permissões)',
    who: 'staff',
    query: c.listClientsQuerySchema,
    response: c.listClientsResponseSchema,
  },
  {
    method: 'post',
    path: '/api/clients',
    summary: 'Create a client',
    who: 'staff',
    body: c.createClientRequestSchema,
    response: c.clientItemSchema,
    status: 201,
    errors: [400, 409],
  },
  {
    method: 'post',
    path: '/api/clients/import',
    summary: 'Import clients from CSV, with a per-row report',
    who: 'staff',
    body: c.importClientsRequestSchema,
    response: c.importClientsResponseSchema,
  },
  {
    method: 'post',
    path: '/api/clients/portal/bulk',
    summary: 'Enable/disable access and set permissions for many clients',
    who: 'staff',
    body: c.bulkPortalRequestSchema,
    response: c.bulkPortalResponseSchema,
  },
  {
    method: 'get',
    path: '/api/clients/portal/bulk/{jobId}',
    summary: 'Progress of the passwords a bulk enable is generating',
    who: 'staff',
    response: c.bulkPortalJobResponseSchema,
    errors: [404],
  },
  {
    method: 'get',
    path: '/api/clients/{id}',
    summary: 'One client',
    who: 'staff',
    response: c.clientItemSchema,
    errors: [404],
  },
  {
    method: 'patch',
    path: '/api/clients/{id}',
    summary: 'Edit a client',
    who: 'staff',
    body: c.updateClientRequestSchema,
    response: c.clientItemSchema,
    errors: [400, 404, 409],
  },
  {
    method: 'put',
    path: '/api/clients/{id}/portal',
    summary: 'Enable/disable access and set permissions; first enable returns the password once',
    who: 'staff',
    body: c.updatePortalRequestSchema,
    response: c.updatePortalResponseSchema,
    errors: [404],
  },
  {
    method: 'get',
    path: '/api/clients/{id}/portal/password',
    summary: 'Read the portal password (audited); 409 PASSWORD_SET_BY_CLIENT once the client chose its own',
    who: 'staff',
    response: c.passwordResponseSchema,
    errors: [404, 409],
  },
  {
    method: 'post',
    path: '/api/clients/{id}/portal/password/reset',
    summary: 'Generate a new portal password (ends sessions)',
    who: 'staff',
    response: c.passwordResponseSchema,
  },
  {
    method: 'post',
    path: '/api/clients/{id}/portal/block',
    summary: 'Block access; ends sessions and sockets at once',
    who: 'staff',
    response: c.clientItemSchema,
  },
  {
    method: 'post',
    path: '/api/clients/{id}/portal/unblock',
    summary: 'Unblock access',
    who: 'staff',
    response: c.clientItemSchema,
  },
  {
    method: 'post',
    path: '/api/clients/{id}/portal/unlock',
    summary: 'Lift the login lock-outs and backoff of the client’s CNPJ, from every IP (audited)',
    who: 'staff',
    response: c.clientItemSchema,
  },
  {
    method: 'post',
    path: '/api/clients/{id}/impersonate',
    summary: 'Read-only client session (audited)',
    who: 'staff',
    response: c.impersonateResponseSchema,
  },
  {
    method: 'get',
    path: '/api/clients/{id}/audit',
    summary: 'Audit log of a client',
    who: 'staff',
    response: c.auditListResponseSchema,
  },
  {
    method: 'get',
    path: '/api/conversations',
    summary: 'Inbox',
    who: 'staff',
    response: c.conversationListResponseSchema,
  },
  {
    method: 'get',
    path: '/api/conversations/{id}/messages',
    summary: 'Message history, ascending by seq (client needs `chat`)',
    who: 'staff or client',
    query: c.messagesQuerySchema,
    response: c.messageListResponseSchema,
    errors: [403, 404],
  },
  {
    method: 'get',
    path: '/api/me',
    summary: 'The client session: client, firm, permissions',
    who: 'client',
    response: c.meResponseSchema,
  },
  {
    method: 'post',
    path: '/api/me/password',
    summary: 'Client changes its own password',
    who: 'client',
    body: c.changeOwnPasswordRequestSchema,
    status: 204,
    errors: [400, 403],
  },
  {
    method: 'get',
    path: '/api/me/documents',
    summary: 'Guias and documents (needs `documents`)',
    who: 'client',
    response: c.documentListResponseSchema,
    errors: [403],
  },
  {
    method: 'get',
    path: '/api/me/service-orders',
    summary: 'Service orders (needs `serviceForms`)',
    who: 'client',
    response: c.serviceOrderListResponseSchema,
    errors: [403],
  },
];

const schema = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });

export function buildOpenApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const params = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const query = r.query
      ? Object.entries(r.query.shape).map(([name, s]) => ({
          name,
          in: 'query',
          required: false,
          schema: schema(s as z.ZodType),
        }))
      : [];
    const responses: Record<string, unknown> = {
      [String(r.status ?? 200)]: r.response
        ? { description: 'OK', content: { 'application/json': { schema: schema(r.response) } } }
        : { description: 'OK' },
    };
    for (const e of r.errors ?? []) {
      responses[String(e)] = {
        description: 'Error',
        content: { 'application/json': { schema: schema(c.errorBodySchema) } },
      };
    }
    paths[r.path] ??= {};
    paths[r.path][r.method] = {
      summary: r.summary,
      description: `Who: ${r.who}`,
      security: r.who === 'anyone' ? [] : [{ bearer: [] }, { cookie: [] }],
      parameters: [...params, ...query],
      requestBody: r.body
        ? { required: true, content: { 'application/json': { schema: schema(r.body) } } }
        : undefined,
      responses,
    };
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
