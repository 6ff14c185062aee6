import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Event } from 'socket.io';
import type { z } from 'zod';
import {
  type Ack,
  type AckedEventName,
  type AckError,
  type AckOf,
  type ClientEventInput,
  type ClientEventName,
  clientToServerEvents,
  ErrorCode,
} from '../../contract/index.js';
import { ackFailure } from '../../common/error-mapping.js';
import { AppError } from '../../common/errors.js';
import { unavailable } from '../../infra/unavailable.js';
import { type DomainEvents, EventBus } from '../../common/event-bus.js';
import { type AppConfig, APP_CONFIG } from '../../config/config.js';
import { AuthService } from '../auth/auth.service.js';
import type { Principal } from '../auth/principal.js';
import { SESSION_COOKIE } from '../auth/session-cookie.js';
import { PresenceService } from '../presence/presence.service.js';
import { type AppServer, type AppSocket, RealtimeRepository, rooms } from './realtime.repository.js';
import { BucketMap, FirmScheduler, TokenBucket } from './socket-limits.js';

const SWEEP_MS = 5_000;
/** When an OVERLOADED sender may try again: a firm's queue drains in well under that. */
const OVERLOADED_RETRY_MS = 1_000;

const revoked: AckError = {
  ok: false,
  error: { code: ErrorCode.Unauthenticated, message: 'Session ended' },
};
const overloaded: AckError = {
  ok: false,
  error: {
    code: ErrorCode.Overloaded,
    message: 'Too many events of this firm waiting, try again',
    retryAfterMs: OVERLOADED_RETRY_MS,
  },
};

function tokenFromHandshake(socket: AppSocket): string | undefined {
  const auth = socket.handshake.auth as { token?: unknown } | undefined;
  if (typeof auth?.token === 'string' && auth.token) return auth.token;
  const cookie = socket.handshake.headers.cookie ?? '';
  const match = cookie.split(/;\s*/).find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  return match ? decodeURIComponent(match.slice(SESSION_COOKIE.length + 1)) : undefined;
}

/** An invalid payload's ack: the first problem zod found. */
const invalid = (error: z.ZodError): AckError => ({
  ok: false,
  error: { code: ErrorCode.ValidationFailed, message: error.issues[0].message },
});

/** The contract's schema of a client→server event, as a parser of its handler's input. */
const payloadSchema = <E extends ClientEventName>(event: E) =>
  clientToServerEvents[event].payload as z.ZodType as z.ZodType<ClientEventInput<E>>;

const subjectOf = (p: Principal) => (p.kind === 'staff' ? p.staffId : p.clientId);
const perMinute = (n: number) => ({ perSecond: n / 60, burst: n });

@Injectable()
export class RealtimeService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Realtime');
  private timers: NodeJS.Timeout[] = [];
  private closing = false;
  /** Presence work of disconnects in flight: shutdown waits for it before Redis closes. */
  private readonly inFlight = new Set<Promise<void>>();
  /**
   * Per sender (a staff member or a client, all its tabs) and event kind. In memory on
   * each node, so the hot path costs no Redis round trip; a sender spread over n nodes
   * gets n times the allowance. Typed by the contract's event map: an event not in it is
   * unknown, and a new one does not compile without its limit.
   */
  private readonly senderLimits: Record<ClientEventName, BucketMap>;
  private readonly connects: BucketMap;
  /** Open sockets per session on this node. */
  private readonly sessionSockets = new Map<string, number>();
  private readonly scheduler: FirmScheduler;

  constructor(
    private readonly auth: AuthService,
    private readonly realtime: RealtimeRepository,
    private readonly presence: PresenceService,
    private readonly events: EventBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.senderLimits = {
      'message:send': new BucketMap(config.SOCKET_SEND_LIMIT),
      typing: new BucketMap(config.SOCKET_TYPING_LIMIT),
      sync: new BucketMap(config.SOCKET_SYNC_LIMIT),
      'conversation:read': new BucketMap(config.SOCKET_READ_LIMIT),
    };
    this.connects = new BucketMap(perMinute(config.SOCKET_CONNECTS_PER_MINUTE));
    this.scheduler = new FirmScheduler(config.SOCKET_FIRM_CONCURRENCY, config.SOCKET_FIRM_QUEUE);
  }

  onModuleInit(): void {
    this.events.on('message.created', (e) => {
      this.realtime.toConversation(e.firmId, e.clientId, 'message:new', e.message);
      this.realtime.toFirmStaff(e.firmId, 'unread', e.unread);
    });
    this.events.on('message.redelivered', (e) =>
      this.realtime.toConversation(e.firmId, e.clientId, 'message:new', e.message),
    );
    this.events.on('conversation.read', (e) => {
      this.realtime.toConversation(e.firmId, e.clientId, 'conversation:read', {
        conversationId: e.conversationId,
        side: e.side,
        seq: e.seq,
      });
      this.realtime.toFirmStaff(e.firmId, 'unread', e.unread);
    });
    this.events.on('conversation.typing', (e) => {
      const payload = { conversationId: e.conversationId, typing: e.typing };
      if (e.from === 'staff') this.realtime.toClientChat(e.clientId, 'typing', payload);
      else this.realtime.toFirmStaff(e.firmId, 'typing', payload);
    });
    this.events.on('conversation.assigned', (e) =>
      this.realtime.toFirmStaff(e.firmId, 'conversation:assigned', {
        conversationId: e.conversationId,
        assigneeId: e.assigneeId,
      }),
    );
    this.events.on('client.access.revoked', (e) => this.realtime.revoke(rooms.client(e.clientId), e.reason));
    this.events.on('staff.access.revoked', (e) => this.realtime.revoke(rooms.staff(e.staffId), e.reason));
    this.events.on('session.ended', (e) => this.realtime.revoke(rooms.session(e.sessionId), e.reason));
    this.events.on('client.permissions.changed', (e) => this.permissionsChanged(e));
  }

  /** What the client's open sockets receive follows its permissions, on every node. */
  private async permissionsChanged(e: DomainEvents['client.permissions.changed']): Promise<void> {
    this.realtime.setClientRooms(e.firmId, e.clientId, {
      chat: e.after.chat,
      presence: e.after.onlineStatus,
    });
    if (e.after.onlineStatus && !e.before.onlineStatus) {
      // Read after the join, so a change in between reaches them in this value or as an event.
      const online = (await this.presence.online('staff', e.firmId)).size > 0;
      this.realtime.toClient(e.clientId, 'presence:firm', { online });
    }
  }

  /**
   * A node going down on purpose takes its sockets' presence with it now
   * (while Redis is still up) instead of leaving it to expire.
   */
  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    this.timers.forEach(clearInterval);
    await Promise.allSettled([...this.inFlight]);
    const firms = new Set<string>();
    try {
      for (const s of this.realtime.localSockets()) {
        const p = s.data.principal;
        if (!p || (p.kind === 'client' && p.impersonator)) continue;
        await this.presence.remove(p.kind, p.firmId, subjectOf(p), s.id);
        if (p.kind === 'staff') firms.add(p.firmId);
      }
      for (const firmId of firms) await this.refreshFirm(firmId);
    } catch (err) {
      this.logger.warn(`presence cleanup at shutdown failed: ${String(err)}`);
    }
  }

  attach(server: AppServer): void {
    this.realtime.attach(server);
    this.timers = [
      setInterval(() => void this.heartbeat(), this.presence.heartbeatMs),
      setInterval(() => void this.sweep(), SWEEP_MS),
    ];
  }

  connect(socket: AppSocket): Promise<void> {
    socket.data.events = new TokenBucket(this.config.SOCKET_EVENT_LIMIT);
    socket.data.refusals = new TokenBucket(perMinute(this.config.SOCKET_MAX_REFUSED_PER_MINUTE));
    // Before any packet is read: every event, known or not, passes the gate first.
    socket.use((packet, next) => this.gate(socket, packet, next));
    // The client may emit as soon as it is connected; events wait for this.
    socket.data.admitted = this.admit(socket).catch((err) => {
      this.logger.warn(`socket setup failed: ${String(err)}`);
      socket.disconnect(true);
    });
    return socket.data.admitted;
  }

  /**
   * Lets an event through to its handler only within the socket's and the sender's
   * limits. Over one, an event with an ack is answered RATE_LIMITED with when to retry,
   * one without (typing) is dropped; an unknown event is dropped. Each refusal counts,
   * and a socket that keeps being refused is disconnected.
   */
  private gate(socket: AppSocket, [event, ...args]: Event, next: (err?: Error) => void): void {
    void socket.data.admitted.then(() => {
      const p = socket.data.principal;
      // Not admitted: it is being disconnected, and its events go nowhere.
      if (!p || !socket.connected) return;
      const now = Date.now();
      const limits = Object.hasOwn(this.senderLimits, event)
        ? this.senderLimits[event as ClientEventName]
        : null;
      const wait = socket.data.events.take(now) || (limits?.take(`${p.kind}:${subjectOf(p)}`, now) ?? 0);
      if (limits && !wait) return next();
      const ack = args.at(-1);
      if (limits && typeof ack === 'function') {
        const reply: AckError = {
          ok: false,
          error: { code: ErrorCode.RateLimited, message: 'Too many events, slow down', retryAfterMs: wait },
        };
        (ack as (r: AckError) => void)(reply);
      }
      if (socket.data.refusals.take(now)) {
        this.logger.warn(`disconnecting a ${p.kind} socket (firm ${p.firmId}): too many refused events`);
        socket.disconnect(true);
      }
    });
  }

  /**
   * Runs an acked event's handler for the caller as of now, in its firm's turn on this
   * node (see FirmScheduler); OVERLOADED at once when too many of the firm's wait. The
   * handler gets the payload validated by the contract's schema; an invalid one is acked
   * VALIDATION_FAILED without calling it.
   */
  handle<E extends AckedEventName>(
    socket: AppSocket,
    event: E,
    body: unknown,
    run: (caller: Principal, input: ClientEventInput<E>) => Promise<AckOf<E>>,
  ): Promise<AckOf<E>> {
    const schema = payloadSchema(event);
    return this.inTurn(socket, async (caller) => {
      const parsed = schema.safeParse(body);
      return parsed.success ? run(caller, parsed.data) : invalid(parsed.error);
    }) as Promise<AckOf<E>>;
  }

  /**
   * The same for a signal without an ack (typing): dropped when its payload is invalid,
   * when the firm's queue is full, or in an outage (it would be stale by the time it could
   * be retried).
   */
  async handleSignal<E extends Exclude<ClientEventName, AckedEventName>>(
    socket: AppSocket,
    event: E,
    body: unknown,
    run: (caller: Principal, input: ClientEventInput<E>) => Promise<void>,
  ): Promise<void> {
    const schema = payloadSchema(event);
    await this.inTurn(socket, async (caller) => {
      const parsed = schema.safeParse(body);
      if (parsed.success) await run(caller, parsed.data);
      return { ok: true };
    });
  }

  /** Runs `run` for the caller as of now, in its firm's turn on this node. */
  private async inTurn<T extends object>(
    socket: AppSocket,
    run: (caller: Principal) => Promise<Ack<T>>,
  ): Promise<Ack<T>> {
    await socket.data.admitted;
    const firmId = socket.data.principal?.firmId;
    if (!firmId) return revoked;
    const turn = this.scheduler.run(firmId, async () => {
      const caller = await this.current(socket).catch(() => 'unavailable' as const);
      // The session could not be checked (Redis or the database is down): retry, don't log out.
      if (caller === 'unavailable') return ackFailure(unavailable(), this.logger);
      return caller ? run(caller) : revoked;
    });
    return turn ?? overloaded;
  }

  private async admit(socket: AppSocket): Promise<void> {
    if (this.closing) throw new Error('node is shutting down');
    const token = tokenFromHandshake(socket);
    let principal: Principal;
    try {
      if (!token) throw new AppError(401, ErrorCode.Unauthenticated, 'Authentication required');
      principal = await this.auth.authenticate(token);
    } catch (err) {
      // A session that is gone is said so (the page goes to the login); any other failure (a
      // dependency down) is a bare disconnect, which the page answers by reconnecting later.
      const code = err instanceof AppError ? err.code : ErrorCode.Internal;
      if (code === ErrorCode.AccessBlocked) socket.emit('session:revoked', { reason: 'blocked' });
      else if (code === ErrorCode.Unauthenticated) socket.emit('session:revoked', { reason: 'logout' });
      socket.disconnect(true);
      return;
    }
    if (!socket.connected) return;
    if (!this.countSocket(socket, principal.sessionId)) {
      socket.disconnect(true);
      return;
    }
    socket.data.principal = principal;
    const joined = [rooms.session(principal.sessionId)];
    if (principal.kind === 'staff') {
      joined.push(rooms.staff(principal.staffId), rooms.firmStaff(principal.firmId));
    } else {
      joined.push(rooms.client(principal.clientId));
      if (principal.permissions.chat) joined.push(rooms.clientChat(principal.clientId));
      if (principal.permissions.onlineStatus) joined.push(rooms.firmPresence(principal.firmId));
    }
    await socket.join(joined);
    if (principal.kind === 'client' && principal.permissions.onlineStatus) {
      const online = (await this.presence.online('staff', principal.firmId)).size > 0;
      socket.emit('presence:firm', { online });
    }
    // Staff looking through a client's eyes must not make that client appear online.
    if (principal.kind === 'client' && principal.impersonator) return;
    await this.presence.add(principal.kind, principal.firmId, subjectOf(principal), socket.id);
    if (!socket.connected) {
      // It went away while we were setting it up, and its disconnect handler saw no principal yet.
      await this.presence.remove(principal.kind, principal.firmId, subjectOf(principal), socket.id);
      return;
    }
    await this.announce(principal, true);
    if (principal.kind === 'staff') await this.refreshFirm(principal.firmId);
  }

  /**
   * The caller as of now: re-read for every event, so a block, a logout or a
   * permission change applies to open sockets at once, not at reconnect. Null when the
   * session has ended; throws when it cannot be read now (Redis or the database is down),
   * which says nothing about the session.
   */
  async current(socket: AppSocket): Promise<Principal | null> {
    await socket.data.admitted;
    const sessionId = socket.data.principal?.sessionId;
    if (!sessionId) return null;
    try {
      const principal = await this.auth.authenticateSession(sessionId);
      socket.data.principal = principal;
      return principal;
    } catch (err) {
      const code = err instanceof AppError ? err.code : ErrorCode.Internal;
      if (code === ErrorCode.AccessBlocked || code === ErrorCode.Unauthenticated) {
        socket.emit('session:revoked', { reason: code === ErrorCode.AccessBlocked ? 'blocked' : 'logout' });
        socket.disconnect(true);
      }
      if (!(err instanceof AppError)) throw err;
      return null;
    }
  }

  /**
   * Counts the socket towards its session's open sockets on this node, unless the session
   * already has its maximum open or opened too many this minute (one token, 99 sockets).
   */
  private countSocket(socket: AppSocket, sessionId: string): boolean {
    const open = this.sessionSockets.get(sessionId) ?? 0;
    if (this.connects.take(sessionId) > 0 || open >= this.config.SOCKET_MAX_PER_SESSION) return false;
    this.sessionSockets.set(sessionId, open + 1);
    socket.data.countedFor = sessionId;
    return true;
  }

  disconnect(socket: AppSocket): Promise<void> {
    const sessionId = socket.data.countedFor;
    if (sessionId) {
      const open = (this.sessionSockets.get(sessionId) ?? 1) - 1;
      if (open > 0) this.sessionSockets.set(sessionId, open);
      else this.sessionSockets.delete(sessionId);
    }
    const work = this.leave(socket).finally(() => this.inFlight.delete(work));
    this.inFlight.add(work);
    return work;
  }

  private async leave(socket: AppSocket): Promise<void> {
    const p = socket.data.principal;
    if (this.closing || !p || (p.kind === 'client' && p.impersonator)) return;
    try {
      await this.presence.remove(p.kind, p.firmId, subjectOf(p), socket.id);
      await this.announce(p, false);
      if (p.kind === 'staff') await this.refreshFirm(p.firmId);
    } catch (err) {
      // During shutdown Redis may already be gone; the entry then ages out by itself.
      this.logger.warn(`presence update on disconnect failed: ${String(err)}`);
    }
  }

  /** Tells the firm's staff when a colleague or a client comes online (first socket) or goes (last). */
  private async announce(p: Principal, connected: boolean): Promise<void> {
    const count = await this.presence.socketCount(p.kind, p.firmId, subjectOf(p));
    if (connected ? count !== 1 : count !== 0) return;
    if (p.kind === 'staff')
      this.realtime.toFirmStaff(p.firmId, 'presence:staff', { staffId: p.staffId, online: connected });
    else this.realtime.toFirmStaff(p.firmId, 'presence:client', { clientId: p.clientId, online: connected });
  }

  private async refreshFirm(firmId: string): Promise<void> {
    const changed = await this.presence.refreshFirm(firmId);
    if (changed !== null) this.realtime.emitPresence(firmId, changed);
  }

  /** Keeps this node's sockets alive in Redis; a node that dies stops, and its entries expire. */
  private async heartbeat(): Promise<void> {
    try {
      await Promise.all(
        this.realtime.localSockets().map((s) => {
          const p = s.data.principal;
          if (!p || (p.kind === 'client' && p.impersonator)) return undefined;
          return this.presence.refresh(p.kind, p.firmId, subjectOf(p), s.id, () => s.connected);
        }),
      );
    } catch (err) {
      this.logger.warn(`presence heartbeat failed: ${String(err)}`);
    }
  }

  /**
   * Notices firms whose last staff socket died with its node (no clean disconnect), and
   * forgets the rate limit buckets that have refilled.
   */
  private async sweep(): Promise<void> {
    const now = Date.now();
    for (const limits of [...Object.values(this.senderLimits), this.connects]) limits.sweep(now);
    try {
      for (const firmId of await this.presence.onlineFirms()) await this.refreshFirm(firmId);
    } catch (err) {
      this.logger.warn(`presence sweep failed: ${String(err)}`);
    }
  }
}
