import {
  api,
  type BulkPortalRequest,
  type createClientRequestSchema,
  type ListClientsQuery,
  type UpdateClientRequest,
  type UpdatePortalRequest,
} from '@connecthub/backend/contract';
import type { z } from 'zod';
import { call } from './client';

type Fetch = typeof fetch;
/** What the caller sends (e-mail optional), before the schema's defaults apply. */
type CreateClientBody = z.input<typeof createClientRequestSchema>;

const c = api.clients;

export const clientsApi = {
  list: (query: Partial<ListClientsQuery>, fetch?: Fetch) => call(c.list, { query }, { fetch }),
  get: (id: string) => call(c.get, { params: { id } }),
  create: (body: CreateClientBody) => call(c.create, { body }),
  update: (id: string, body: UpdateClientRequest) => call(c.update, { params: { id }, body }),
  importCsv: (csv: string) => call(c.importCsv, { body: { csv } }),

  updatePortal: (id: string, body: UpdatePortalRequest) => call(c.updatePortal, { params: { id }, body }),
  bulkPortal: (body: BulkPortalRequest) => call(c.bulkPortal, { body }),
  bulkPortalJob: (jobId: string) => call(c.bulkPortalJob, { params: { jobId } }),
  viewPassword: (id: string) => call(c.viewPassword, { params: { id } }),
  resetPassword: (id: string) => call(c.resetPassword, { params: { id } }),
  block: (id: string) => call(c.block, { params: { id } }),
  unblock: (id: string) => call(c.unblock, { params: { id } }),
  unlockLogin: (id: string) => call(c.unlockLogin, { params: { id } }),
  impersonate: (id: string) => call(c.impersonate, { params: { id } }),
  audit: (id: string) => call(c.audit, { params: { id } }),
};
