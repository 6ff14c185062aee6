import { loadSection, portalApi } from '$lib/api/portal';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ parent, fetch }) => {
  const { me } = await parent();
  const serviceOrders = await loadSection(me.permissions.serviceForms, () =>
    portalApi.serviceOrders(fetch).then((r) => r.items),
  );
  return { serviceOrders };
};
