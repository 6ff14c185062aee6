import type {
  ChangeOwnPasswordRequest,
  DocumentListResponse,
  MeResponse,
  PortalFirmResponse,
  PortalLoginRequest,
  PortalLoginResponse,
  ServiceOrderListResponse,
} from '@connecthub/backend/contract';
import { api } from './client';

type Fetch = typeof fetch;

/** Client-portal calls. Session calls use `auth: 'portal'` (impersonation token, if any). */
export const portalApi = {
  firm: (slug: string, fetch?: Fetch) =>
    api.get<PortalFirmResponse>(`/portal/${encodeURIComponent(slug)}`, { fetch }),
  login: (slug: string, body: PortalLoginRequest) =>
    api.post<PortalLoginResponse>(`/portal/${encodeURIComponent(slug)}/login`, body),
  logout: () => api.post<void>('/auth/logout', undefined, { auth: 'portal' }),
  me: (fetch?: Fetch) => api.get<MeResponse>('/me', { auth: 'portal', fetch }),
  changePassword: (body: ChangeOwnPasswordRequest) =>
    api.post<void>('/me/password', body, { auth: 'portal' }),
  documents: (fetch?: Fetch) => api.get<DocumentListResponse>('/me/documents', { auth: 'portal', fetch }),
  serviceOrders: (fetch?: Fetch) =>
    api.get<ServiceOrderListResponse>('/me/service-orders', { auth: 'portal', fetch }),
};
