import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
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
import { sessionIdOf } from '../../common/secrets.js';
import { AppError } from '../../common/errors.js';
import { unavailable } from '../../infra/unavailable.js';
import { type DomainEvents, EventBus } from '../../common/event-bus.js';
import { type AppConfig, APP_CONFIG } from '../../config/config.js';
import { AuthService } from '../auth/auth.service.js';
import type { StoredSession } from '../sessions/sessions.service.js';
import type { Principal } from '../auth/principal.js';
import { SESSION_COOKIE } from '../auth/session-cookie.js';
import { subscribeBroadcasts } from './broadcasts.js';
import { PresenceService } from '../presence/presence.service.js';
import {
  type AppServer,
  type AppSocket,
  type LocalSession,
  RealtimeRepository,
  rooms,
} from './realtime.repository.js';
import type { SocketHandler, SocketHandlers } from './socket-handlers.js';
import { type BucketRate, BucketMap, FirmScheduler, TokenBucket } from './socket-limits.js';

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

const perMinute = (n: number) => ({ perSecond: n / 60, burst: n });

/** The rooms a caller's socket joins at connect. */
function roomsOf(p: Principal): string[] {
  const joined = [rooms.session(p.sessionId)];
  if (p.kind === 'staff') {
    joined.push(rooms.staff(p.staffId), rooms.firmStaff(p.firmId));
  } else {
    joined.push(rooms.client(p.clientId));
    if (p.permissions.chat) joined.push(rooms.clientChat(p.clientId));
    if (p.permissions.onlineStatus) joined.push(rooms.firmPresence(p.firmId));
  }
  return joined;
}

/**
 * What a socket event's listener receives, as Nest's message handlers read it: the last
 * argument is the ack when it is a function; one argument is the payload, several are an array.
 */
function payloadOf(args: unknown[]): { body: unknown; ack?: (reply: unknown) => void } {
  if (args.length <= 1) {
    const [only] = args;
    return typeof only === 'function'
      ? { body: undefined, ack: only as (r: unknown) => void }
      : { body: only };
  }
  const last = args[args.length - 1];
  if (typeof last !== 'function') return { body: args };
  const size = args.length - 1;
  return { body: size === 1 ? args[0] : args.slice(0, size), ack: last as (r: unknown) => void };
}

/**
 * Turns a connect away. A session that is gone is said so (the page goes to the login);
 * any other failure (a dependency down) is a bare disconnect, which the page answers by
 * reconnecting later.
 */
function refuse(socket: AppSocket, err: unknown): void {
  const code = err instanceof AppError ? err.code : ErrorCode.Internal;
  if (code === ErrorCode.AccessBlocked) socket.emit('session:revoked', { reason: 'blocked' });
  else if (code === ErrorCode.Unauthenticated) socket.emit('session:revoked', { reason: 'logout' });
  socket.disconnect(true);
}

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
  private readonly eventRate: BucketRate;
  private readonly refusalRate: BucketRate;
  /** Sessions with open sockets on this node, shared by those sockets (see LocalSession). */
  private readonly sessions = new Map<string, LocalSession>();
  /** Session reads in flight for connects: concurrent connects of one session (its tabs) share one. */
  private readonly reading = new Map<string, Promise<Principal>>();
  private readonly scheduler: FirmScheduler;
  /** The gateway's handlers by event name (a Map: `constructor` or `__proto__` are unknown events). */
  private handlers = new Map<string, SocketHandler>();
  /**
   * The one listener of every socket's events (Socket.IO calls it with the socket as
   * `this`): no closure, observable or bucket is made per socket until it sends something.
   */
  private readonly onEvent: (this: AppSocket, event: string, ...args: unknown[]) => void;

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
    this.eventRate = config.SOCKET_EVENT_LIMIT;
    this.refusalRate = perMinute(config.SOCKET_MAX_REFUSED_PER_MINUTE);
    this.scheduler = new FirmScheduler(config.SOCKET_FIRM_CONCURRENCY, config.SOCKET_FIRM_QUEUE);
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const service = this;
    this.onEvent = function (this: AppSocket, event: string, ...args: unknown[]): void {
      service.gate(this, event, args);
    };
  }

  onModuleInit(): void {
    subscribeBroadcasts(this.events, this.realtime.fanout);
    this.events.on('conversation.read', (e) => {
      this.realtime.fanout.toConversation(e.firmId, e.clientId, 'conversation:read', {
        conversationId: e.conversationId,
        side: e.side,
        seq: e.seq,
      });
      this.realtime.fanout.toFirmStaff(e.firmId, 'unread', e.unread);
    });
    this.events.on('conversation.typing', (e) => {
      const payload = { conversationId: e.conversationId, typing: e.typing };
      if (e.from === 'staff') this.realtime.fanout.toClientChat(e.clientId, 'typing', payload);
      else this.realtime.fanout.toFirmStaff(e.firmId, 'typing', payload);
    });
    this.events.on('conversation.assigned', (e) =>
      this.realtime.fanout.toFirmStaff(e.firmId, 'conversation:assigned', {
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
      this.realtime.fanout.toClient(e.clientId, 'presence:firm', { online });
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
      for (const socket of this.realtime.localSockets()) {
        const s = socket.data.session;
        if (!s?.present) continue;
        await this.presence.remove(s.kind, s.firmId, s.subjectId, socket.id);
        if (s.kind === 'staff') firms.add(s.firmId);
      }
      for (const firmId of firms) await this.refreshFirm(firmId);
    } catch (err) {
      this.logger.warn(`presence cleanup at shutdown failed: ${String(err)}`);
    }
  }

  attach(server: AppServer, handlers: SocketHandlers): void {
    this.realtime.attach(server);
    this.handlers = new Map(Object.entries(handlers) as [string, SocketHandler][]);
    this.timers = [
      setInterval(() => void this.heartbeat(), this.presence.heartbeatMs),
      setInterval(() => void this.sweep(), SWEEP_MS),
    ];
  }

  connect(socket: AppSocket): void {
    // Before any packet is read: every event, known or not, passes the gate first.
    socket.onAny(this.onEvent);
    // The client may emit as soon as it is connected; events wait for this.
    socket.data.admitted = this.admit(socket);
  }

  /**
   * Lets an event through to its handler only within the socket's and the sender's
   * limits. Over one, an event with an ack is answered RATE_LIMITED with when to retry,
   * one without (typing) is dropped; an unknown event is dropped. Each refusal counts,
   * and a socket that keeps being refused is disconnected.
   */
  private gate(socket: AppSocket, event: string, args: unknown[]): void {
    const admitting = socket.data.admitted;
    if (admitting) void admitting.then(() => this.pass(socket, event, args));
    else this.pass(socket, event, args);
  }

  private pass(socket: AppSocket, event: string, args: unknown[]): void {
    const s = socket.data.session;
    // Not admitted: it is being disconnected, and its events go nowhere.
    if (!s || !socket.connected) return;
    const now = Date.now();
    const handler = this.handlers.get(event);
    const limits = handler ? this.senderLimits[event as ClientEventName] : null;
    socket.data.events ??= new TokenBucket(this.eventRate, now);
    const wait = socket.data.events.take(now) || (limits?.take(s.sender, now) ?? 0);
    if (handler && !wait) return this.run(socket, handler, args);
    const ack = args.at(-1);
    if (handler && typeof ack === 'function') {
      const reply: AckError = {
        ok: false,
        error: { code: ErrorCode.RateLimited, message: 'Too many events, slow down', retryAfterMs: wait },
      };
      (ack as (r: AckError) => void)(reply);
    }
    socket.data.refusals ??= new TokenBucket(this.refusalRate, now);
    if (socket.data.refusals.take(now)) {
      this.logger.warn(`disconnecting a ${s.kind} socket (firm ${s.firmId}): too many refused events`);
      socket.disconnect(true);
    }
  }

  /** Runs an admitted event's handler and acks what it resolves (an unexpected failure as its error). */
  private run(socket: AppSocket, handler: SocketHandler, args: unknown[]): void {
    const { body, ack } = payloadOf(args);
    handler(socket, body).then(
      (reply) => {
        if (reply != null && ack) ack(reply);
      },
      (err: unknown) => {
        const reply = ackFailure(err, this.logger);
        if (ack) ack(reply);
      },
    );
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
    const firmId = socket.data.session?.firmId;
    if (!firmId) return revoked;
    const turn = this.scheduler.run(firmId, async () => {
      // A socket's events reach their handlers in the order they arrived (a sender's messages
      // take their seqs in that order): each one's session check waits for the one before to
      // have started its handler. Several of a firm's events still run at once. The wait is
      // inside the firm's turn on purpose: events waiting for it count against the firm's
      // queue (SOCKET_FIRM_QUEUE), so a flooding socket is answered OVERLOADED, not buffered.
      const before = socket.data.checking;
      let started!: () => void;
      const mine = new Promise<void>((resolve) => (started = resolve));
      socket.data.checking = mine;
      try {
        await before;
        const caller = await this.current(socket).catch(() => 'unavailable' as const);
        // The session could not be checked (Redis or the database is down): retry, don't log out.
        if (caller === 'unavailable') return ackFailure(unavailable(), this.logger);
        const result = caller ? run(caller) : revoked;
        started();
        return await result;
      } finally {
        started();
        if (socket.data.checking === mine) socket.data.checking = undefined;
      }
    });
    return turn ?? overloaded;
  }

  /** Admits the socket, or disconnects it; settles once done either way. */
  private async admit(socket: AppSocket): Promise<void> {
    try {
      await this.setUp(socket);
    } catch (err) {
      this.logger.warn(`socket setup failed: ${String(err)}`);
      socket.disconnect(true);
    } finally {
      socket.data.admitted = undefined;
    }
  }

  private async setUp(socket: AppSocket): Promise<void> {
    if (this.closing) throw new Error('node is shutting down');
    const token = tokenFromHandshake(socket);
    let sessionId: string;
    let stored: StoredSession;
    try {
      if (!token) throw new AppError(401, ErrorCode.Unauthenticated, 'Authentication required');
      sessionId = sessionIdOf(token);
      stored = await this.auth.storedSession(sessionId);
    } catch (err) {
      return refuse(socket, err);
    }
    if (!socket.connected) return;
    // Another socket of this session here already holds exactly the access the session has
    // now: its rooms followed every permission change since (setClientRooms reaches it, on
    // every node), and a block or logout would have ended it. This one takes the same rooms,
    // in the same tick (no change can slip in between), instead of reading the account again.
    let joined = this.siblingRooms(sessionId);
    let seesFirm: boolean;
    if (joined) {
      seesFirm = stored.kind === 'client' && joined.includes(rooms.firmPresence(stored.firmId));
    } else {
      let principal: Principal;
      try {
        principal = await this.principalOf(sessionId, stored);
      } catch (err) {
        return refuse(socket, err);
      }
      if (!socket.connected) return;
      joined = roomsOf(principal);
      seesFirm = principal.kind === 'client' && principal.permissions.onlineStatus;
    }
    const s = this.countSocket(socket, sessionId, stored);
    if (!s) {
      socket.disconnect(true);
      return;
    }
    await socket.join(joined);
    // The session was read before the join (maybe by a concurrent connect of the same
    // session): one that ended since is caught here, now that the socket is in its rooms.
    // Sent with the presence update, in the same pipeline (see RedisBatch).
    const ended = this.auth.assertNotEnded(s.sessionId).then(
      () => null,
      (err: unknown) => err,
    );
    // Staff looking through a client's eyes must not make that client appear online.
    if (!s.present) {
      const endedBy = await ended;
      if (endedBy) return refuse(socket, endedBy);
      if (seesFirm) {
        const online = (await this.presence.online('staff', s.firmId)).size > 0;
        socket.emit('presence:firm', { online });
      }
      return;
    }
    // One round trip: its presence entry, whether it is its subject's first socket, the
    // firm's state for staff, and (read after the join, so a change in between reaches the
    // client in this value or as an event) whether any staff is online.
    const [endedBy, presence] = await Promise.all([
      ended,
      this.presence.touch('join', s.kind, s.firmId, s.subjectId, socket.id),
    ]);
    // Its disconnect takes the entry out again (and finds it the subject's last, or not).
    if (endedBy) return refuse(socket, endedBy);
    if (seesFirm) socket.emit('presence:firm', { online: presence.staffOnline });
    if (!socket.connected) {
      // It went away while we were setting it up: its disconnect may have run before the join.
      await this.presence.remove(s.kind, s.firmId, s.subjectId, socket.id);
      return;
    }
    if (presence.subjectSockets === 1) this.announce(s, true);
    if (presence.firmChanged !== null) this.realtime.emitPresence(s.firmId, presence.firmChanged);
  }

  /**
   * The caller of a session whose record was just read, for a connect. Concurrent connects
   * of one session (its tabs coming back after a reconnect) share one read of the account;
   * whatever ended the session since is caught after the join (AuthService.assertNotEnded).
   */
  private principalOf(sessionId: string, stored: StoredSession): Promise<Principal> {
    let read = this.reading.get(sessionId);
    if (!read) {
      read = this.auth.principalOf(sessionId, stored);
      this.reading.set(sessionId, read);
      const forget = () => void this.reading.delete(sessionId);
      read.then(forget, forget);
    }
    return read;
  }

  /**
   * The rooms of an admitted socket of this session on this node, its own room left out;
   * null when there is none.
   */
  private siblingRooms(sessionId: string): string[] | null {
    const s = this.sessions.get(sessionId);
    if (!s) return null;
    for (const id of this.realtime.localRoom(s.sessionRoom)) {
      const sibling = this.realtime.localSocket(id);
      if (!sibling?.connected || sibling.data.admitted || sibling.data.session !== s) continue;
      const joined: string[] = [];
      for (const room of sibling.rooms) if (room !== sibling.id) joined.push(room);
      return joined;
    }
    return null;
  }

  /**
   * The caller as of now: re-read for every event, so a block, a logout or a
   * permission change applies to open sockets at once, not at reconnect. Null when the
   * session has ended; throws when it cannot be read now (Redis or the database is down),
   * which says nothing about the session.
   */
  async current(socket: AppSocket): Promise<Principal | null> {
    await socket.data.admitted;
    const sessionId = socket.data.session?.sessionId;
    if (!sessionId) return null;
    try {
      return await this.auth.authenticateSocketEvent(sessionId);
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
   * Returns the session's entry, shared by its sockets here.
   */
  private countSocket(socket: AppSocket, sessionId: string, stored: StoredSession): LocalSession | null {
    let s = this.sessions.get(sessionId);
    if (this.connects.take(sessionId) > 0 || (s?.open ?? 0) >= this.config.SOCKET_MAX_PER_SESSION)
      return null;
    if (!s) {
      const subjectId = stored.kind === 'staff' ? stored.staffId : stored.clientId;
      s = {
        kind: stored.kind,
        sessionId,
        firmId: stored.firmId,
        subjectId,
        present: !(stored.kind === 'client' && stored.impersonator),
        sender: `${stored.kind}:${subjectId}`,
        sessionRoom: rooms.session(sessionId),
        open: 0,
      };
      this.sessions.set(sessionId, s);
    }
    s.open++;
    socket.data.session = s;
    return s;
  }

  disconnect(socket: AppSocket): Promise<void> {
    const s = socket.data.session;
    if (s && --s.open <= 0 && this.sessions.get(s.sessionId) === s) this.sessions.delete(s.sessionId);
    const work = this.leave(socket).finally(() => this.inFlight.delete(work));
    this.inFlight.add(work);
    return work;
  }

  private async leave(socket: AppSocket): Promise<void> {
    const s = socket.data.session;
    if (this.closing || !s?.present) return;
    try {
      const presence = await this.presence.touch('leave', s.kind, s.firmId, s.subjectId, socket.id);
      if (presence.subjectSockets === 0) this.announce(s, false);
      if (presence.firmChanged !== null) this.realtime.emitPresence(s.firmId, presence.firmChanged);
    } catch (err) {
      // During shutdown Redis may already be gone; the entry then ages out by itself.
      this.logger.warn(`presence update on disconnect failed: ${String(err)}`);
    }
  }

  /** Tells the firm's staff when a colleague or a client comes online (first socket) or goes (last). */
  private announce(s: LocalSession, online: boolean): void {
    if (s.kind === 'staff')
      this.realtime.fanout.toFirmStaff(s.firmId, 'presence:staff', { staffId: s.subjectId, online });
    else this.realtime.fanout.toFirmStaff(s.firmId, 'presence:client', { clientId: s.subjectId, online });
  }

  private async refreshFirm(firmId: string): Promise<void> {
    const changed = await this.presence.refreshFirm(firmId);
    if (changed !== null) this.realtime.emitPresence(firmId, changed);
  }

  /**
   * Keeps this node's sockets alive in Redis, one round trip per firm and side; a node
   * that dies stops, and its entries expire.
   */
  private async heartbeat(): Promise<void> {
    const groups = new Map<string, { s: LocalSession; sockets: AppSocket[] }>();
    for (const socket of this.realtime.localSockets()) {
      const s = socket.data.session;
      if (!s?.present) continue;
      const key = `${s.kind}:${s.firmId}`;
      const group = groups.get(key);
      if (group) group.sockets.push(socket);
      else groups.set(key, { s, sockets: [socket] });
    }
    try {
      await Promise.all(
        [...groups.values()].map(({ s, sockets }) =>
          this.presence.refreshMany(
            s.kind,
            s.firmId,
            sockets.map((socket) => ({ subjectId: socket.data.session!.subjectId, socketId: socket.id })),
            (i) => sockets[i].connected,
          ),
        ),
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
