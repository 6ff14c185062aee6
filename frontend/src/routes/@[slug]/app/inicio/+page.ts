import { loadSection, PORTAL_DOCUMENTS, PORTAL_SERVICES, portalApi } from '$lib/api/portal';
import { canSeeDocuments } from '$lib/utils/documents';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ parent, fetch, depends }) => {
  depends(PORTAL_DOCUMENTS, PORTAL_SERVICES);
  const { me } = await parent();
  const p = me.permissions;
  // The chat loads (and stays live) through the chat store, not here.
  const [documents, serviceOrders] = await Promise.all([
    loadSection(canSeeDocuments(p), () => portalApi.documents(fetch).then((r) => r.items)),
    loadSection(p.serviceForms, () => portalApi.serviceOrders(fetch).then((r) => r.items)),
  ]);
  return { documents, serviceOrders };
};
