import type { ServerToClientEvents } from '../../contract/index.js';
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

  toFirmStaff<E extends keyof ServerToClientEvents>(firmId: string, event: E, ...args: Args<E>): void {
    this.io()
      .to(rooms.firmStaff(firmId))
      .emit(event, ...args);
  }

  toClient<E extends keyof ServerToClientEvents>(clientId: string, event: E, ...args: Args<E>): void {
    this.io()
      .to(rooms.client(clientId))
      .emit(event, ...args);
  }

  /** The client's sockets that may see its chat. */
  toClientChat<E extends keyof ServerToClientEvents>(clientId: string, event: E, ...args: Args<E>): void {
    this.io()
      .to(rooms.clientChat(clientId))
      .emit(event, ...args);
  }

  /** Both sides of a conversation, every tab, every node. */
  toConversation<E extends keyof ServerToClientEvents>(
    firmId: string,
    clientId: string,
    event: E,
    ...args: Args<E>
  ): void {
    this.io()
      .to([rooms.firmStaff(firmId), rooms.clientChat(clientId)])
      .emit(event, ...args);
  }

  /** A firm staff member and the client both see a document change. */
  toDocumentParties<E extends keyof ServerToClientEvents>(
    firmId: string,
    clientId: string,
    event: E,
    ...args: Args<E>
  ): void {
    this.io()
      .to([rooms.firmStaff(firmId), rooms.client(clientId)])
      .emit(event, ...args);
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
  events.on('document.updated', (e) =>
    out.toDocumentParties(e.firmId, e.document.clientId, 'document:updated', { document: e.document }),
  );
}
