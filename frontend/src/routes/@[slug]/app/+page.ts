import { error, redirect } from '@sveltejs/kit';
import { portalApi } from '$lib/api/portal';
import { isApiError } from '$lib/api/client';
import {
  captureImpersonationFromHash,
  clearImpersonationToken,
  getImpersonationToken,
} from '$lib/stores/impersonation';
import { errorMessage } from '$lib/utils/errors';
import type { PageLoad } from './$types';

/** One section's data, or why it could not be loaded; one failing section never breaks the page. */
export type Section<T> = { ok: true; data: T } | { ok: false; error: string } | null;

async function section<T>(enabled: boolean, call: () => Promise<T>): Promise<Section<T>> {
  if (!enabled) return null;
  try {
    return { ok: true, data: await call() };
  } catch (e) {
    return { ok: false, error: errorMessage(e) };
  }
}

export const load: PageLoad = async ({ params, fetch, depends }) => {
  depends('app:portal-me');
  // "Acessar como cliente" opens this page with #imp=<token>; keep it for this tab only.
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

  const p = me.permissions;
  // The chat loads (and stays live) through the chat store, not here.
  const [documents, serviceOrders] = await Promise.all([
    section(p.documents, () => portalApi.documents(fetch).then((r) => r.items)),
    section(p.serviceForms, () => portalApi.serviceOrders(fetch).then((r) => r.items)),
  ]);

  return { me, documents, serviceOrders };
};
