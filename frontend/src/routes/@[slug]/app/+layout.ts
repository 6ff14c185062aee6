import { error, redirect } from '@sveltejs/kit';
import { portalApi } from '$lib/api/portal';
import { isApiError } from '$lib/api/client';
import {
  captureImpersonationFromHash,
  clearImpersonationToken,
  getImpersonationToken,
} from '$lib/stores/impersonation';
import { errorMessage } from '$lib/utils/errors';
import type { LayoutLoad } from './$types';

/** The client's session (client, firm, permissions), shared by every tab of the portal. */
export const load: LayoutLoad = async ({ params, fetch, depends }) => {
  depends('app:portal-me');
  // "Acessar como cliente" opens the portal with #imp=<token>; keep it for this tab only.
  captureImpersonationFromHash();
  const login = `/@${params.slug}`;

  let me;
  try {
    me = await portalApi.me(fetch);
  } catch (e) {
    if (isApiError(e) && (e.status === 401 || e.status === 403)) {
      const hadToken = getImpersonationToken() !== null;
      clearImpersonationToken();
      const reason = e.code === 'ACCESS_BLOCKED' ? 'blocked' : hadToken ? 'expired' : null;
      redirect(307, reason ? `${login}?reason=${reason}` : login);
    }
    error(503, errorMessage(e));
  }
  if (me.firm.slug !== params.slug) redirect(307, login);
  return { me };
};
