import { redirect } from '@sveltejs/kit';
import type { PageLoad } from './$types';

/** /@slug/app opens the first tab (Início is always there). */
export const load: PageLoad = async ({ parent, params }) => {
  // After the layout: it takes the impersonation token from the address before we leave it.
  await parent();
  redirect(307, `/@${params.slug}/app/inicio`);
};
