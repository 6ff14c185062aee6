import { redirect } from '@sveltejs/kit';
import { staffApi } from '$lib/api/staff';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch }) => {
  let loggedIn = false;
  try {
    await staffApi.me(fetch);
    loggedIn = true;
  } catch {
    loggedIn = false;
  }
  redirect(307, loggedIn ? '/clientes' : '/login');
};
