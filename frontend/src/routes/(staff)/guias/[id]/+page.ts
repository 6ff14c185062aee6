import { error, redirect } from '@sveltejs/kit';
import { isApiError } from '$lib/api/client';
import { batches } from '$lib/stores/documents.svelte';
import { errorMessage } from '$lib/utils/errors';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ params }) => {
  try {
    return { model: await batches.open(params.id) };
  } catch (e) {
    if (isApiError(e) && e.status === 401) redirect(307, '/login?reason=expired');
    if (isApiError(e) && (e.status === 404 || e.status === 400)) error(404, 'Lote não encontrado.');
    error(503, errorMessage(e));
  }
};
