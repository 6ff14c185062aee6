import { api, fillPath, type InboxQuery } from '@connecthub/backend/contract';
import { call, type RequestOptions } from './client';

type Fetch = typeof fetch;
/** Staff call with their cookie; the portal sends this tab's impersonation token, if any. */
export type ChatAuth = NonNullable<RequestOptions['auth']>;

export const chatApi = {
  inbox: (query: Partial<InboxQuery>, opts: { fetch?: Fetch; signal?: AbortSignal } = {}) =>
    call(api.chat.inbox, { query }, opts),
  conversation: (id: string, auth: ChatAuth = 'cookie') => call(api.chat.get, { params: { id } }, { auth }),
  assign: (id: string, assigneeId: string | null) =>
    call(api.chat.assign, { params: { id }, body: { assigneeId } }),
  messages: (
    id: string,
    query: { afterSeq?: number; beforeSeq?: number; limit?: number },
    auth: ChatAuth = 'cookie',
  ) => call(api.chat.messages, { params: { id }, query }, { auth }),
  monitor: (fetch?: Fetch) => call(api.chat.monitor, {}, { fetch }),
  upload: (file: File, auth: ChatAuth = 'cookie') => {
    const form = new FormData();
    form.append('file', file, file.name);
    return call(api.files.upload, {}, { auth, form });
  },
};

/** Where an attachment downloads from (same origin: the session cookie authenticates it). */
export function fileUrl(id: string): string {
  return `/api${fillPath(api.files.download.path, { id })}`;
}
