import { EventEmitter } from 'node:events';
import { Injectable, Logger } from '@nestjs/common';
import type {
  BatchItem,
  Document,
  Message,
  Permissions,
  ServiceOrder,
  SessionRevokedReason,
} from '../contract/index.js';

export interface UnreadCounts {
  conversationId: string;
  unreadForStaff: number;
  pendingForClient: number;
}

/** Domain events; side effects subscribe here instead of living in CRUD code. */
export interface DomainEvents {
  /** Every live session and socket of this client must end now. */
  'client.access.revoked': { firmId: string; clientId: string; reason: SessionRevokedReason };
  /** Every live socket of this staff member must end now. */
  'staff.access.revoked': { firmId: string; staffId: string; reason: SessionRevokedReason };
  /** One session ended (logout): its sockets must end too. */
  'session.ended': { sessionId: string; reason: SessionRevokedReason };
  /** Staff changed a client's portal permissions: its open sockets must follow at once. */
  'client.permissions.changed': { firmId: string; clientId: string; before: Permissions; after: Permissions };
  /** A message was stored (never for a deduplicated retry). */
  'message.created': { message: Message; clientId: string; firmId: string; unread: UnreadCounts };
  /**
   * A retry found its message already stored: the first attempt may have died before its
   * broadcast, so the message goes out again (receivers merge by seq); nothing else reacts.
   */
  'message.redelivered': { message: Message; clientId: string; firmId: string };
  /** A side's read pointer moved. */
  'conversation.read': {
    firmId: string;
    clientId: string;
    conversationId: string;
    side: 'staff' | 'client';
    seq: number;
    unread: UnreadCounts;
  };
  /** Someone is (or stopped) typing: relayed to the other side only. */
  'conversation.typing': {
    firmId: string;
    clientId: string;
    conversationId: string;
    from: 'staff' | 'client';
    typing: boolean;
  };
  'conversation.assigned': { firmId: string; conversationId: string; assigneeId: string | null };
  /** An item of a batch of guias changed (queued, reading, delivered, review…). */
  'batch.progress': { firmId: string; batchId: string; item: BatchItem };
  /**
   * A document changed (delivered, opened, downloaded, paid, replaced): the firm sees it, and
   * its client when its permissions show it that document.
   */
  'document.updated': { firmId: string; document: Document; clientMaySee: boolean };
  /** An ordem de serviço was opened or changed: the firm sees it, the client when it has `serviceForms`. */
  'service-order.updated': { firmId: string; clientId: string; order: ServiceOrder; clientMaySee: boolean };
}

type Handler<K extends keyof DomainEvents> = (payload: DomainEvents[K]) => Promise<void> | void;

@Injectable()
export class EventBus {
  private readonly emitter = new EventEmitter();
  private readonly logger = new Logger('EventBus');

  on<K extends keyof DomainEvents>(event: K, handler: Handler<K>): void {
    this.emitter.on(event, handler);
  }

  /** Runs every handler and waits for them; a failing handler is logged, never lost silently. */
  async emit<K extends keyof DomainEvents>(event: K, payload: DomainEvents[K]): Promise<void> {
    const handlers = this.emitter.listeners(event) as Handler<K>[];
    const results = await Promise.allSettled(handlers.map((h) => h(payload)));
    for (const r of results) {
      if (r.status === 'rejected') this.logger.error(`${event} handler failed: ${String(r.reason)}`);
    }
  }
}
