import { loadSection, PORTAL_SERVICES, portalApi } from '$lib/api/portal';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ parent, fetch, depends }) => {
  depends(PORTAL_SERVICES);
  const { me } = await parent();
  const allowed = me.permissions.serviceForms;
  const [forms, drafts, orders] = await Promise.all([
    loadSection(allowed, () => portalApi.serviceForms(fetch).then((r) => r.items)),
    // Without drafts the cards only lose their "Rascunho salvo" badge.
    loadSection(allowed, () => portalApi.serviceDrafts(fetch).then((r) => r.items)),
    loadSection(allowed, () => portalApi.serviceOrders(fetch).then((r) => r.items)),
  ]);
  return { forms, drafts, orders };
};
