import { error, redirect } from '@sveltejs/kit';
import { staffApi } from '$lib/api/staff';
import { isApiError } from '$lib/api/client';
import { errorMessage } from '$lib/utils/errors';
import type { LayoutLoad } from './$types';

export const load: LayoutLoad = async ({ fetch, url, depends }) => {
  depends('app:staff-me');
  try {
    const me = await staffApi.me(fetch);
    return { me };
  } catch (e) {
    if (isApiError(e) && (e.status === 401 || e.status === 403)) {
      redirect(307, `/login?next=${encodeURIComponent(url.pathname + url.search)}`);
    }
    error(503, errorMessage(e));
  }
};
