import type {
  ConversationItem,
  ConversationListResponse,
  FileItem,
  InboxQuery,
  MessageListResponse,
  MonitorResponse,
} from '@connecthub/backend/contract';
import { api, type RequestOptions } from './client';

type Fetch = typeof fetch;
/** Staff call with their cookie; the portal sends this tab's impersonation token, if any. */
export type ChatAuth = NonNullable<RequestOptions['auth']>;

export const chatApi = {
  inbox: (query: Partial<InboxQuery>, opts: { fetch?: Fetch; signal?: AbortSignal } = {}) =>
    api.get<ConversationListResponse>('/conversations', { query, ...opts }),
  conversation: (id: string, auth: ChatAuth = 'cookie') =>
    api.get<ConversationItem>(`/conversations/${encodeURIComponent(id)}`, { auth }),
  assign: (id: string, assigneeId: string | null) =>
    api.put<ConversationItem>(`/conversations/${encodeURIComponent(id)}/assignee`, { assigneeId }),
  messages: (
    id: string,
    query: { afterSeq?: number; beforeSeq?: number; limit?: number },
    auth: ChatAuth = 'cookie',
  ) => api.get<MessageListResponse>(`/conversations/${encodeURIComponent(id)}/messages`, { query, auth }),
  monitor: (fetch?: Fetch) => api.get<MonitorResponse>('/monitor', { fetch }),
  upload: (file: File, auth: ChatAuth = 'cookie') => {
    const form = new FormData();
    form.append('file', file, file.name);
    return api.upload<FileItem>('/files', form, { auth });
  },
};

/** Where an attachment downloads from (same origin: the session cookie authenticates it). */
export function fileUrl(id: string): string {
  return `/api/files/${encodeURIComponent(id)}`;
}
