import { redirect } from '@sveltejs/kit';
import { documentsApi } from '$lib/api/documents';
import { PAGE_SIZE, parseFilters } from '$lib/components/staff-documents/filters';
import { isApiError } from '$lib/api/client';
import { errorMessage } from '$lib/utils/errors';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ url, fetch, depends }) => {
  depends('app:documents');
  const filters = parseFilters(url);
  try {
    const list = await documentsApi.list(
      {
        clientId: filters.clientId ?? undefined,
        category: filters.category ?? undefined,
        status: filters.status ?? undefined,
        competence: filters.competence ?? undefined,
        unopened: filters.unopened ? 'true' : undefined,
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
