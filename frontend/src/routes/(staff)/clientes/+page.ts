import { redirect } from '@sveltejs/kit';
import { CLIENT_FILTERS } from '@connecthub/backend/contract';
import { clientsApi } from '$lib/api/clients';
import { isApiError } from '$lib/api/client';
import { errorMessage } from '$lib/utils/errors';
import type { PageLoad } from './$types';

export type ClientFilter = (typeof CLIENT_FILTERS)[number];
const PAGE_SIZE = 50;

function parseFilter(v: string | null): ClientFilter {
  return (CLIENT_FILTERS as readonly string[]).includes(v ?? '') ? (v as ClientFilter) : 'all';
}

export const load: PageLoad = async ({ url, fetch, depends }) => {
  depends('app:clients');
  const search = url.searchParams.get('q')?.trim() ?? '';
  const filter = parseFilter(url.searchParams.get('filter'));
  const page = Math.max(1, Math.floor(Number(url.searchParams.get('page'))) || 1);
  try {
    const list = await clientsApi.list({ search, filter, page, pageSize: PAGE_SIZE }, fetch);
    return { list, search, filter, page, loadError: null };
  } catch (e) {
    if (isApiError(e) && e.status === 401) redirect(307, '/login?reason=expired');
    return { list: null, search, filter, page, loadError: errorMessage(e) };
  }
};
