import { portalApi } from '$lib/api/portal';
import { isApiError } from '$lib/api/client';
import type { LayoutLoad } from './$types';

export type FirmState = 'ok' | 'not-found' | 'unavailable';

export const load: LayoutLoad = async ({ params, fetch, depends }) => {
  depends('app:portal-firm');
  try {
    const { firm } = await portalApi.firm(params.slug, fetch);
    return { firm, firmState: 'ok' as FirmState };
  } catch (e) {
    const notFound = isApiError(e) && (e.status === 404 || e.code === 'NOT_FOUND');
    return {
      firm: null,
      firmState: (notFound ? 'not-found' : 'unavailable') as FirmState,
    };
  }
};
