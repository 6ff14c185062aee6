import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ErrorCode } from '../../contract/index.js';
import { AppError } from '../../common/errors.js';
import { EventBus } from '../../common/event-bus.js';
import { AuthService } from '../auth/auth.service.js';
import type { Principal } from '../auth/principal.js';
import { SESSION_COOKIE } from '../auth/session-cookie.js';
import { PresenceRepository } from '../presence/presence.repository.js';
import { type AppServer, type AppSocket, RealtimeRepository, rooms } from './realtime.repository.js';

const SWEEP_MS = 5_000;

function tokenFromHandshake(socket: AppSocket): string | undefined {
  const auth = socket.handshake.auth as { token?: unknown } | undefined;
  if (typeof auth?.token === 'string' && auth.token) return auth.token;
  const cookie = socket.handshake.headers.cookie ?? '';
  const match = cookie.split(/;\s*/).find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  return match ? decodeURIComponent(match.slice(SESSION_COOKIE.length + 1)) : undefined;
}

const subjectOf = (p: Principal) => (p.kind === 'staff' ? p.staffId : p.clientId);

@Injectable()
export class RealtimeService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Realtime');
  private timers: NodeJS.Timeout[] = [];
  private closing = false;
  /** Presence work of disconnects in flight: shutdown waits for it before Redis closes. */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly auth: AuthService,
    private readonly realtime: RealtimeRepository,
    private readonly presence: PresenceRepository,
    private readonly events: EventBus,
  ) {}

  onModuleInit(): void {
    this.events.on('message.created', (e) => {
      this.realtime.toConversation(e.firmId, e.clientId, 'message:new', e.message);
      this.realtime.toFirmStaff(e.firmId, 'unread', e.unread);
    });
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
      if (e.from === 'staff') this.realtime.toClient(e.clientId, 'typing', payload);
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
    // The client may emit as soon as it is connected; events wait for this.
    socket.data.admitted = this.admit(socket).catch((err) => {
      this.logger.warn(`socket setup failed: ${String(err)}`);
      socket.disconnect(true);
    });
    return socket.data.admitted;
  }

  private async admit(socket: AppSocket): Promise<void> {
    if (this.closing) throw new Error('node is shutting down');
    const token = tokenFromHandshake(socket);
    let principal: Principal;
    try {
      if (!token) throw new AppError(401, ErrorCode.Unauthenticated, 'Authentication required');
      principal = await this.auth.authenticate(token);
    } catch (err) {
      const code = err instanceof AppError ? err.code : ErrorCode.Internal;
      if (code === ErrorCode.AccessBlocked) socket.emit('session:revoked', { reason: 'blocked' });
      socket.disconnect(true);
      return;
    }
    socket.data.principal = principal;
    const joined = [rooms.session(principal.sessionId)];
    if (principal.kind === 'staff') {
      joined.push(rooms.staff(principal.staffId), rooms.firmStaff(principal.firmId));
    } else {
      joined.push(rooms.client(principal.clientId));
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
   * permission change applies to open sockets at once, not at reconnect.
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
      return null;
    }
  }

  disconnect(socket: AppSocket): Promise<void> {
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

  /** Notices firms whose last staff socket died with its node (no clean disconnect). */
  private async sweep(): Promise<void> {
    try {
      for (const firmId of await this.presence.onlineFirms()) await this.refreshFirm(firmId);
    } catch (err) {
      this.logger.warn(`presence sweep failed: ${String(err)}`);
    }
  }
}
