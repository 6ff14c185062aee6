import type { AckedEventName, AckOf, ClientEventName } from '../../contract/index.js';
import { clientToServerEvents } from '../../contract/index.js';
import type { AppSocket } from './realtime.repository.js';

/**
 * One handler per client→server event of the contract, given the socket and the payload as
 * sent (the service validates it): an acked event's handler resolves its ack, a signal's
 * (typing) nothing. Typed by the contract's event map, so a new event does not compile
 * without its handler.
 */
export type SocketHandlers = {
  [E in ClientEventName]: (
    socket: AppSocket,
    body: unknown,
  ) => Promise<E extends AckedEventName ? AckOf<E> : void>;
};

/** A handler of any event, as the dispatcher calls it. */
export type SocketHandler = (socket: AppSocket, body: unknown) => Promise<object | void>;

/** The events a handler table answers. */
export function handledEvents(handlers: object): string[] {
  return Object.keys(handlers);
}

/**
 * Fails unless the table handles exactly the contract's client→server events: an event in
 * the contract without a handler would be dropped as unknown, a handler without an entry
 * would take payloads no schema checks.
 */
export function assertHandlesContract(owner: string, handlers: object): void {
  const handled = handledEvents(handlers);
  const inContract = Object.keys(clientToServerEvents);
  const missing = inContract.filter((e) => !handled.includes(e));
  const unknown = handled.filter((e) => !inContract.includes(e));
  const problems = [
    ...(missing.length ? [`no handler for ${missing.join(', ')}`] : []),
    ...(unknown.length ? [`no contract entry for ${unknown.join(', ')}`] : []),
  ];
  if (problems.length) {
    throw new Error(`${owner} does not match the socket contract: ${problems.join('; ')}`);
  }
}
