import { redirect } from '@sveltejs/kit';
import { isApiError } from '$lib/api/client';
import { servicesApi } from '$lib/api/services';
import { staffApi } from '$lib/api/staff';
import { errorMessage } from '$lib/utils/errors';
import type { LayoutLoad } from './$types';

/**
 * The firm's forms and team, read once for every Serviços page: a filter change or a live
 * update reloads only the orders. A saved form invalidates `app:service-forms`.
 */
export const load: LayoutLoad = async ({ fetch, depends }) => {
  depends('app:service-forms');
  try {
    const [forms, staff] = await Promise.all([servicesApi.forms(fetch), staffApi.list(fetch)]);
    return { forms: forms.items, staff: staff.items, formsError: null };
  } catch (e) {
    if (isApiError(e) && e.status === 401) redirect(307, '/login?reason=expired');
    return { forms: [], staff: [], formsError: errorMessage(e) };
  }
};
