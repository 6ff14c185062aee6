import { redirect } from '@sveltejs/kit';
import { documentsApi } from '$lib/api/documents';
import { isApiError } from '$lib/api/client';
import { errorMessage } from '$lib/utils/errors';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch, depends }) => {
  depends('app:batches');
  try {
    const { items } = await documentsApi.batches(fetch);
    return { batches: items, loadError: null };
  } catch (e) {
    if (isApiError(e) && e.status === 401) redirect(307, '/login?reason=expired');
    return { batches: null, loadError: errorMessage(e) };
  }
};
