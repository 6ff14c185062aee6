import { SERVICE_ORDER_STATUSES, type ServiceOrderStatus } from '@connecthub/backend/contract';
import { resolve } from '$app/paths';

export const PAGE_SIZE = 50;

export interface OrderFilters {
  status: ServiceOrderStatus | null;
  /** Open orders past their due date (the "Atrasadas" chip). */
  overdue: boolean;
  formId: string | null;
  clientId: string | null;
  /** A staff id, or `none` for orders nobody took. */
  assigneeId: string | null;
  page: number;
}

const ID = /^[0-9a-f]{24}$/;

/** The filters live in the address: reload keeps them, Back goes to the previous ones. */
export function parseFilters(url: URL): OrderFilters {
  const q = url.searchParams;
  const status = q.get('status');
  const id = (k: string) => {
    const v = q.get(k);
    return v && ID.test(v) ? v : null;
  };
  const assignee = q.get('assigneeId');
  return {
    status: (SERVICE_ORDER_STATUSES as readonly string[]).includes(status ?? '')
      ? (status as ServiceOrderStatus)
      : null,
    overdue: q.get('overdue') === 'true',
    formId: id('formId'),
    clientId: id('clientId'),
    assigneeId: assignee === 'none' || (assignee && ID.test(assignee)) ? assignee : null,
    page: Math.max(1, Math.floor(Number(q.get('page'))) || 1),
  };
}

/** The address of the list with these filters (page back to 1 unless given). */
export function filtersHref(f: Partial<OrderFilters>): string {
  const q = new URLSearchParams();
  if (f.status) q.set('status', f.status);
  if (f.overdue) q.set('overdue', 'true');
  if (f.formId) q.set('formId', f.formId);
  if (f.clientId) q.set('clientId', f.clientId);
  if (f.assigneeId) q.set('assigneeId', f.assigneeId);
  if (f.page && f.page > 1) q.set('page', String(f.page));
  const qs = q.toString();
  return qs ? `${resolve('/servicos')}?${qs}` : resolve('/servicos');
}
