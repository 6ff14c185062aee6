import type {
  AuditListResponse,
  BulkPortalJobResponse,
  BulkPortalRequest,
  BulkPortalResponse,
  ClientItem,
  createClientRequestSchema,
  ImpersonateResponse,
  ImportClientsResponse,
  ListClientsQuery,
  ListClientsResponse,
  PasswordResponse,
  UpdateClientRequest,
  UpdatePortalRequest,
  UpdatePortalResponse,
} from '@connecthub/backend/contract';
import type { z } from 'zod';
import { api } from './client';

type Fetch = typeof fetch;
/** What the caller sends (e-mail optional), before the schema's defaults apply. */
type CreateClientBody = z.input<typeof createClientRequestSchema>;

export const clientsApi = {
  list: (query: Partial<ListClientsQuery>, fetch?: Fetch) =>
    api.get<ListClientsResponse>('/clients', { query, fetch }),
  get: (id: string) => api.get<ClientItem>(`/clients/${id}`),
  create: (body: CreateClientBody) => api.post<ClientItem>('/clients', body),
  update: (id: string, body: UpdateClientRequest) => api.patch<ClientItem>(`/clients/${id}`, body),
  importCsv: (csv: string) => api.post<ImportClientsResponse>('/clients/import', { csv }),

  updatePortal: (id: string, body: UpdatePortalRequest) =>
    api.put<UpdatePortalResponse>(`/clients/${id}/portal`, body),
  bulkPortal: (body: BulkPortalRequest) => api.post<BulkPortalResponse>('/clients/portal/bulk', body),
  bulkPortalJob: (jobId: string) =>
    api.get<BulkPortalJobResponse>(`/clients/portal/bulk/${encodeURIComponent(jobId)}`),
  viewPassword: (id: string) => api.get<PasswordResponse>(`/clients/${id}/portal/password`),
  resetPassword: (id: string) => api.post<PasswordResponse>(`/clients/${id}/portal/password/reset`),
  block: (id: string) => api.post<ClientItem>(`/clients/${id}/portal/block`),
  unblock: (id: string) => api.post<ClientItem>(`/clients/${id}/portal/unblock`),
  unlockLogin: (id: string) => api.post<ClientItem>(`/clients/${id}/portal/unlock`),
  impersonate: (id: string) => api.post<ImpersonateResponse>(`/clients/${id}/impersonate`),
  audit: (id: string) => api.get<AuditListResponse>(`/clients/${id}/audit`),
};
