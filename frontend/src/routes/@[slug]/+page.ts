import { redirect } from '@sveltejs/kit';
import { portalApi } from '$lib/api/portal';
import { getImpersonationToken } from '$lib/stores/impersonation';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ parent, url, params, fetch }) => {
  const reason = url.searchParams.get('reason');
  const { firmState } = await parent();
  // Someone already signed in to this firm's portal goes straight to the home page.
  if (!reason && firmState === 'ok' && !getImpersonationToken()) {
    const me = await portalApi.me(fetch).catch(() => null);
    if (me && me.firm.slug === params.slug) redirect(307, `/@${params.slug}/app`);
  }
  return { reason };
};
