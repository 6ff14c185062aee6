import { Inject, Injectable } from '@nestjs/common';
import type { SessionRevokedReason } from '../../contract/index.js';
import { EventBus } from '../../common/event-bus.js';
import { newSessionToken } from '../../common/secrets.js';
import { type AppConfig, APP_CONFIG } from '../../config/config.js';
import type { Principal, StaffPrincipal } from '../auth/principal.js';
import { type FailureLimits, LoginLimitRepository } from './login-limit.repository.js';
import { SessionRepository, type StoredSession } from './session.repository.js';

export type { StoredSession };

const IMPERSONATION_TTL_SECONDS = 60 * 60;
export const STAFF_SCOPE = 'staff';
export const portalScope = (firmId: string) => `portal:${firmId}`;

/**
 * Sessions and login counters in Redis. Below the modules that own accounts (staff,
 * clients, firms): they start and end sessions here, and the auth module reads them back.
 */
@Injectable()
export class SessionsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sessions: SessionRepository,
    private readonly limits: LoginLimitRepository,
    private readonly events: EventBus,
  ) {}

  private get ttlSeconds(): number {
    return this.config.SESSION_TTL_HOURS * 3600;
  }

  private get failureLimits(): FailureLimits {
    return {
      maxPerIp: this.config.PORTAL_MAX_FAILED_LOGINS,
      lockMs: this.config.PORTAL_LOCK_MINUTES * 60_000,
      maxPerHour: this.config.LOGIN_MAX_FAILURES_PER_HOUR,
    };
  }

  async startStaffSession(doc: { _id: unknown; firmId: unknown }): Promise<string> {
    const { token, sessionId } = newSessionToken();
    await this.sessions.create(
      sessionId,
      {
        kind: 'staff',
        firmId: String(doc.firmId),
        staffId: String(doc._id),
        createdAt: new Date().toISOString(),
      },
      this.ttlSeconds,
    );
    return token;
  }

  async startClientSession(firmId: string, clientId: string): Promise<string> {
    const { token, sessionId } = newSessionToken();
    await this.sessions.create(
      sessionId,
      { kind: 'client', firmId, clientId, createdAt: new Date().toISOString() },
      this.ttlSeconds,
    );
    return token;
  }

  async startImpersonation(staff: StaffPrincipal, client: { _id: unknown }): Promise<string> {
    const { token, sessionId } = newSessionToken();
    await this.sessions.create(
      sessionId,
      {
        kind: 'client',
        firmId: staff.firmId,
        clientId: String(client._id),
        createdAt: new Date().toISOString(),
        impersonator: { staffId: staff.staffId, name: staff.name },
      },
      IMPERSONATION_TTL_SECONDS,
    );
    return token;
  }

  /** The stored session, its lifetime slid forward. */
  get(sessionId: string): Promise<Awaited<ReturnType<SessionRepository['get']>>> {
    return this.sessions.get(sessionId, this.ttlSeconds);
  }

  /** The stored session as it is now, its lifetime left as it is. */
  peek(sessionId: string): Promise<Awaited<ReturnType<SessionRepository['peek']>>> {
    return this.sessions.peek(sessionId);
  }

  delete(sessionId: string): Promise<void> {
    return this.sessions.delete(sessionId);
  }

  async logout(p: Principal): Promise<void> {
    await this.sessions.delete(p.sessionId);
    await this.events.emit('session.ended', { sessionId: p.sessionId, reason: 'logout' });
  }

  async revokeClient(firmId: string, clientId: string, reason: SessionRevokedReason): Promise<void> {
    await this.sessions.revokeAllFor('client', clientId, reason);
    await this.events.emit('client.access.revoked', { firmId, clientId, reason });
  }

  async revokeStaff(firmId: string, staffId: string, reason: SessionRevokedReason): Promise<void> {
    await this.sessions.revokeAllFor('staff', staffId, reason);
    await this.events.emit('staff.access.revoked', { firmId, staffId, reason });
  }

  /**
   * Ends every other session of the caller (a password change keeps the one that made
   * it); their sockets are told why and disconnected.
   */
  async endOtherSessions(p: Principal): Promise<void> {
    const ids =
      p.kind === 'staff'
        ? await this.sessions.revokeOthers('staff', p.staffId, p.sessionId, 'password_changed')
        : await this.sessions.revokeOthers('client', p.clientId, p.sessionId, 'password_changed');
    for (const sessionId of ids)
      await this.events.emit('session.ended', { sessionId, reason: 'password_changed' });
  }

  /** Counts a login attempt from this IP; the seconds to wait when over the rate, else 0. */
  hitIp(kind: string, ip: string): ReturnType<LoginLimitRepository['hitIp']> {
    return this.limits.hitIp(kind, ip, this.config.LOGIN_RATE_PER_MINUTE);
  }

  waitMs(scope: string, login: string, ip: string): ReturnType<LoginLimitRepository['waitMs']> {
    return this.limits.waitMs(scope, login, ip);
  }

  recordFailure(scope: string, login: string, ip: string): ReturnType<LoginLimitRepository['recordFailure']> {
    return this.limits.recordFailure(scope, login, ip, this.failureLimits);
  }

  clearIp(scope: string, login: string, ip: string): Promise<void> {
    return this.limits.clearIp(scope, login, ip);
  }

  /** Lifts a CNPJ's locks and backoff from every IP (staff unlock, or a fresh password). */
  clearLoginLock(firmId: string, cnpj: string): Promise<void> {
    return this.limits.clearLogin(portalScope(firmId), cnpj);
  }

  /** Lifts a staff e-mail's locks and backoff (an admin set a new password). */
  clearStaffLoginLock(email: string): Promise<void> {
    return this.limits.clearLogin(STAFF_SCOPE, email);
  }
}
