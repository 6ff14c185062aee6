import 'reflect-metadata';
import { SubscribeMessage } from '@nestjs/websockets';
import { describe, expect, it } from 'vitest';
import { clientToServerEvents } from '../../contract/index.js';
import { RealtimeGateway } from './realtime.gateway.js';
import { assertHandlesContract, subscribedEvents } from './socket-handlers.js';

describe('socket handlers against the contract table', () => {
  it('the gateway handles exactly the client→server events of the contract', () => {
    expect(subscribedEvents(RealtimeGateway).sort()).toEqual(Object.keys(clientToServerEvents).sort());
    expect(() => assertHandlesContract(RealtimeGateway)).not.toThrow();
  });

  it('fails on an event without a handler and on a handler without an entry', () => {
    class Partial {
      @SubscribeMessage('message:send') send() {}
      @SubscribeMessage('conversation:read') read() {}
      @SubscribeMessage('sync') sync() {}
      @SubscribeMessage('message:delete') remove() {}
    }
    expect(() => assertHandlesContract(Partial)).toThrow(
      /no handler for typing; no contract entry for message:delete/,
    );
  });
});
