import { redirect } from '@sveltejs/kit';
import { isApiError } from '$lib/api/client';
import { servicesApi } from '$lib/api/services';
import { PAGE_SIZE, parseFilters } from '$lib/components/services/filters';
import { errorMessage } from '$lib/utils/errors';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ url, fetch, depends }) => {
  depends('app:service-orders');
  const filters = parseFilters(url);
  try {
    const list = await servicesApi.list(
      {
        status: filters.status ?? undefined,
        overdue: filters.overdue ? 'true' : undefined,
        formId: filters.formId ?? undefined,
        clientId: filters.clientId ?? undefined,
        assigneeId: filters.assigneeId ?? undefined,
        page: filters.page,
        pageSize: PAGE_SIZE,
      },
      fetch,
    );
    return { list, filters, loadError: null };
  } catch (e) {
    if (isApiError(e) && e.status === 401) redirect(307, '/login?reason=expired');
    return { list: null, filters, loadError: errorMessage(e) };
  }
};
