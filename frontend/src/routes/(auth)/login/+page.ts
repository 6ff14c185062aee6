import { redirect } from '@sveltejs/kit';
import { staffApi } from '$lib/api/staff';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch, url }) => {
  const reason = url.searchParams.get('reason');
  if (!reason) {
    const me = await staffApi.me(fetch).catch(() => null);
    if (me) redirect(307, '/clientes');
  }
  return { reason, next: url.searchParams.get('next') };
};
