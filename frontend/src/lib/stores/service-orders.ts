import type { ServiceOrder, ServiceOrderStatus } from '@connecthub/backend/contract';
import { orderNumber, statusLabel } from '$lib/utils/services';

/**
 * The status this tab last saw of each of the client's orders: a `service-order:updated`
 * only gets a toast when it tells the client something new (the client's own submit, reply
 * or cancel come back as events too).
 */
export const knownOrderStatus = new Map<string, ServiceOrderStatus>();

/** Orders this tab is changing right now (reply, cancel): their event may beat the HTTP answer. */
const ownChanges = new Map<string, number>();
const OWN_CHANGE_MS = 15_000;

/** Call before the client's own change to an order: its echo is not news. */
export function expectOwnChange(id: string): void {
  ownChanges.set(id, Date.now() + OWN_CHANGE_MS);
}

export function rememberOrders(items: readonly Pick<ServiceOrder, 'id' | 'status'>[]): void {
  for (const o of items) knownOrderStatus.set(o.id, o.status);
}

/** What to tell the client about an updated order, or null when it is old news. */
export function orderUpdateText(order: ServiceOrder): string | null {
  const before = knownOrderStatus.get(order.id);
  knownOrderStatus.set(order.id, order.status);
  const own = ownChanges.get(order.id);
  if (own !== undefined) {
    ownChanges.delete(order.id);
    if (own > Date.now()) return null;
  }
  if (before === order.status) return null;
  if (before === undefined) {
    // The client's own submission (maybe from another tab) needs no news; a firm's new order does.
    if (order.origin === 'client' && order.status === 'open') return null;
    if (order.origin === 'firm' && order.status === 'open')
      return `Nova ordem de serviço: ${orderNumber(order.number)} · ${order.title}`;
  }
  return `${orderNumber(order.number)}: situação “${statusLabel(order.status)}”`;
}
