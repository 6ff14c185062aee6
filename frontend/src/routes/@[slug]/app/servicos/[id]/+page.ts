import { isApiError } from '$lib/api/client';
import { PORTAL_SERVICES, portalApi } from '$lib/api/portal';
import { errorMessage } from '$lib/utils/errors';
import type { PageLoad } from './$types';

/** One order with its answers and history; reloaded when `service-order:updated` arrives. */
export const load: PageLoad = async ({ parent, fetch, params, depends }) => {
  depends(PORTAL_SERVICES);
  const { me } = await parent();
  if (!me.permissions.serviceForms) return { order: null, problem: null, missing: false };
  try {
    return { order: await portalApi.serviceOrder(params.id, fetch), problem: null, missing: false };
  } catch (e) {
    const missing = isApiError(e) && (e.code === 'NOT_FOUND' || e.code === 'VALIDATION_FAILED');
    return { order: null, problem: missing ? null : errorMessage(e), missing };
  }
};
