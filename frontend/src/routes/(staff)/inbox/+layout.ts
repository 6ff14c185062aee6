import { redirect } from '@sveltejs/kit';
import { chatApi } from '$lib/api/chat';
import { staffApi } from '$lib/api/staff';
import { isApiError } from '$lib/api/client';
import { errorMessage } from '$lib/utils/errors';
import type { LayoutLoad } from './$types';

export const load: LayoutLoad = async ({ fetch }) => {
  const [conversations, staff] = await Promise.allSettled([
    chatApi.inbox({ filter: 'all' }, { fetch }),
    staffApi.list(fetch),
  ]);
  for (const r of [conversations, staff]) {
    if (r.status === 'rejected' && isApiError(r.reason) && r.reason.status === 401) {
      redirect(307, '/login?reason=expired');
    }
  }
  return {
    conversations: conversations.status === 'fulfilled' ? conversations.value.items : null,
    loadError: conversations.status === 'rejected' ? errorMessage(conversations.reason) : null,
    staff: staff.status === 'fulfilled' ? staff.value.items : [],
  };
};
