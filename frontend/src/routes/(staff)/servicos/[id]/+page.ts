import { error, redirect } from '@sveltejs/kit';
import { isApiError } from '$lib/api/client';
import { servicesApi } from '$lib/api/services';
import { errorMessage } from '$lib/utils/errors';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ params, fetch, depends }) => {
  depends('app:service-order');
  try {
    return { order: await servicesApi.get(params.id, fetch) };
  } catch (e) {
    if (isApiError(e) && e.status === 401) redirect(307, '/login?reason=expired');
    if (isApiError(e) && (e.status === 404 || e.status === 400))
      error(404, 'Ordem de serviço não encontrada.');
    error(503, errorMessage(e));
  }
};
