import { redirect } from '@sveltejs/kit';
import { staffApi } from '$lib/api/staff';
import { isApiError } from '$lib/api/client';
import { errorMessage } from '$lib/utils/errors';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch, depends }) => {
  depends('app:staff');
  try {
    const { items } = await staffApi.list(fetch);
    return { members: items, loadError: null };
  } catch (e) {
    if (isApiError(e) && e.status === 401) redirect(307, '/login?reason=expired');
    return { members: null, loadError: errorMessage(e) };
  }
};
