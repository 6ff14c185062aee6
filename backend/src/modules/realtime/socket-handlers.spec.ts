import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { clientToServerEvents } from '../../contract/index.js';
import { socketHandlers } from './realtime.gateway.js';
import { assertHandlesContract, handledEvents } from './socket-handlers.js';

describe('socket handlers against the contract table', () => {
  it('the gateway handles exactly the client→server events of the contract', () => {
    const handlers = socketHandlers(null as never, null as never);
    expect(handledEvents(handlers).sort()).toEqual(Object.keys(clientToServerEvents).sort());
    expect(() => assertHandlesContract('RealtimeGateway', handlers)).not.toThrow();
  });

  it('fails on an event without a handler and on a handler without an entry', () => {
    const partial = {
      'message:send': () => Promise.resolve(),
      'conversation:read': () => Promise.resolve(),
      sync: () => Promise.resolve(),
      'message:delete': () => Promise.resolve(),
    };
    expect(() => assertHandlesContract('Partial', partial)).toThrow(
      /no handler for typing; no contract entry for message:delete/,
    );
  });
});
