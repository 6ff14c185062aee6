import { redirect } from '@sveltejs/kit';
import { isApiError } from '$lib/api/client';
import { servicesApi } from '$lib/api/services';
import { errorMessage } from '$lib/utils/errors';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch, depends }) => {
  depends('app:service-forms');
  try {
    const { items } = await servicesApi.forms(fetch);
    return { forms: items, loadError: null };
  } catch (e) {
    if (isApiError(e) && e.status === 401) redirect(307, '/login?reason=expired');
    return { forms: null, loadError: errorMessage(e) };
  }
};
