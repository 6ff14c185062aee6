import { orderForClient, type ServerToClientEvents } from '../../contract/index.js';
import type { EventBus } from '../../common/event-bus.js';
import { rooms } from './realtime.repository.js';

/** Something that emits to rooms on every node: the Socket.IO server, or a Redis emitter. */
export interface RoomEmitter {
  to(room: string | string[]): { emit(event: string, ...args: unknown[]): unknown };
}

type Args<E extends keyof ServerToClientEvents> = Parameters<ServerToClientEvents[E]>;

/** Where each kind of fan-out goes: the room rules, written once for the api and the worker. */
export class Fanout {
  constructor(private readonly io: () => RoomEmitter) {}

  private send<E extends keyof ServerToClientEvents>(room: string | string[], event: E, args: Args<E>): void {
    this.io()
      .to(room)
      .emit(event, ...args);
  }

  toFirmStaff<E extends keyof ServerToClientEvents>(firmId: string, event: E, ...args: Args<E>): void {
    this.send(rooms.firmStaff(firmId), event, args);
  }

  toClient<E extends keyof ServerToClientEvents>(clientId: string, event: E, ...args: Args<E>): void {
    this.send(rooms.client(clientId), event, args);
  }

  /** The client's sockets that may see its chat. */
  toClientChat<E extends keyof ServerToClientEvents>(clientId: string, event: E, ...args: Args<E>): void {
    this.send(rooms.clientChat(clientId), event, args);
  }

  /** Both sides of a conversation, every tab, every node. */
  toConversation<E extends keyof ServerToClientEvents>(
    firmId: string,
    clientId: string,
    event: E,
    ...args: Args<E>
  ): void {
    this.send([rooms.firmStaff(firmId), rooms.clientChat(clientId)], event, args);
  }

  /**
   * The firm's staff and every socket of the client (whatever its chat permission):
   * documents are gated per request by their own permissions; a change says "read again".
   */
  toFirmAndClient<E extends keyof ServerToClientEvents>(
    firmId: string,
    clientId: string,
    event: E,
    ...args: Args<E>
  ): void {
    this.send([rooms.firmStaff(firmId), rooms.client(clientId)], event, args);
  }
}

/**
 * The domain events every process that stores something broadcasts the same way: the api
 * (through its Socket.IO server) and the worker (through a Redis emitter, guias it delivers).
 */
export function subscribeBroadcasts(events: EventBus, out: Fanout): void {
  events.on('message.created', (e) => {
    out.toConversation(e.firmId, e.clientId, 'message:new', e.message);
    out.toFirmStaff(e.firmId, 'unread', e.unread);
  });
  events.on('message.redelivered', (e) => out.toConversation(e.firmId, e.clientId, 'message:new', e.message));
  events.on('batch.progress', (e) =>
    out.toFirmStaff(e.firmId, 'batch:progress', { batchId: e.batchId, item: e.item }),
  );
  events.on('document.updated', (e) => {
    const payload = { document: e.document };
    if (e.clientMaySee) out.toFirmAndClient(e.firmId, e.document.clientId, 'document:updated', payload);
    else out.toFirmStaff(e.firmId, 'document:updated', payload);
  });
  events.on('service-order.updated', (e) => {
    out.toFirmStaff(e.firmId, 'service-order:updated', { order: e.order });
    if (e.clientMaySee) out.toClient(e.clientId, 'service-order:updated', { order: orderForClient(e.order) });
  });
}
