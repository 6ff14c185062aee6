import { error, redirect } from '@sveltejs/kit';
import { documentsApi } from '$lib/api/documents';
import { isApiError } from '$lib/api/client';
import { errorMessage } from '$lib/utils/errors';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ params, fetch, depends }) => {
  depends('app:document');
  try {
    return { document: await documentsApi.get(params.id, fetch) };
  } catch (e) {
    if (isApiError(e) && e.status === 401) redirect(307, '/login?reason=expired');
    if (isApiError(e) && (e.status === 404 || e.status === 400)) error(404, 'Documento não encontrado.');
    error(503, errorMessage(e));
  }
};
