import { redirect } from '@sveltejs/kit';
import { chatApi } from '$lib/api/chat';
import { staffApi } from '$lib/api/staff';
import { isApiError } from '$lib/api/client';
import { errorMessage } from '$lib/utils/errors';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch, depends }) => {
  depends('app:monitor');
  const [monitor, staff] = await Promise.allSettled([chatApi.monitor(fetch), staffApi.list(fetch)]);
  for (const r of [monitor, staff]) {
    if (r.status === 'rejected' && isApiError(r.reason) && r.reason.status === 401) {
      redirect(307, '/login?reason=expired');
    }
  }
  return {
    monitor: monitor.status === 'fulfilled' ? monitor.value : null,
    loadError: monitor.status === 'rejected' ? errorMessage(monitor.reason) : null,
    staff: staff.status === 'fulfilled' ? staff.value.items : [],
    loadedAt: Date.now(),
  };
};
