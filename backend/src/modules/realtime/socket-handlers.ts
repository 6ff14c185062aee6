import { MetadataScanner } from '@nestjs/core';
import { MESSAGE_METADATA } from '@nestjs/websockets/constants.js';
import { clientToServerEvents } from '../../contract/index.js';

/** The events a gateway class subscribes to (its methods' @SubscribeMessage names). */
export function subscribedEvents(gateway: abstract new (...args: never[]) => unknown): string[] {
  const prototype = gateway.prototype as Record<string, unknown>;
  return new MetadataScanner()
    .getAllMethodNames(prototype)
    .map((name) => Reflect.getMetadata(MESSAGE_METADATA, prototype[name] as object) as unknown)
    .filter((event): event is string => typeof event === 'string');
}

/**
 * Fails unless the gateway handles exactly the contract's client→server events: an event in
 * the table without a handler would be dropped as unknown, a handler without an entry would
 * take payloads no schema checks.
 */
export function assertHandlesContract(gateway: abstract new (...args: never[]) => unknown): void {
  const handled = subscribedEvents(gateway);
  const inContract = Object.keys(clientToServerEvents);
  const missing = inContract.filter((e) => !handled.includes(e));
  const unknown = handled.filter((e) => !inContract.includes(e));
  const problems = [
    ...(missing.length ? [`no handler for ${missing.join(', ')}`] : []),
    ...(unknown.length ? [`no contract entry for ${unknown.join(', ')}`] : []),
  ];
  if (problems.length) {
    throw new Error(`${gateway.name} does not match the socket contract: ${problems.join('; ')}`);
  }
}
