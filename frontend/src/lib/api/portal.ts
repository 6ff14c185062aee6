import { api, type ChangeOwnPasswordRequest, type PortalLoginRequest } from '@connecthub/backend/contract';
import { call } from './client';

type Fetch = typeof fetch;

/** Client-portal calls. Session calls use `auth: 'portal'` (impersonation token, if any). */
export const portalApi = {
  firm: (slug: string, fetch?: Fetch) => call(api.firms.portal, { params: { slug } }, { fetch }),
  login: (slug: string, body: PortalLoginRequest) => call(api.auth.portalLogin, { params: { slug }, body }),
  logout: () => call(api.auth.logout, {}, { auth: 'portal' }),
  me: (fetch?: Fetch) => call(api.me.me, {}, { auth: 'portal', fetch }),
  changePassword: (body: ChangeOwnPasswordRequest) =>
    call(api.me.changePassword, { body }, { auth: 'portal' }),
  documents: (fetch?: Fetch) => call(api.me.documents, {}, { auth: 'portal', fetch }),
  serviceOrders: (fetch?: Fetch) => call(api.me.serviceOrders, {}, { auth: 'portal', fetch }),
};
