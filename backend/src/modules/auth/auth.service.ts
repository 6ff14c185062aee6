import { Inject, Injectable } from '@nestjs/common';
import {
  ErrorCode,
  parseCnpj,
  type PortalLoginResponse,
  type SessionRevokedReason,
  type StaffLoginResponse,
  type StaffUser,
} from '../../contract/index.js';
import { AppError, unauthenticated } from '../../common/errors.js';
import { EventBus } from '../../common/event-bus.js';
import { hashPassword, newSessionToken, sessionIdOf, verifyPassword } from '../../common/secrets.js';
import { type AppConfig, APP_CONFIG } from '../../config/config.js';
import { AuditService } from '../audit/audit.service.js';
import { ClientRepository } from '../clients/client.repository.js';
import type { ClientDoc } from '../clients/client.schema.js';
import { FirmRepository } from '../firms/firm.repository.js';
import { StaffRepository } from '../staff/staff.repository.js';
import type { StaffDoc } from '../staff/staff.schema.js';
import { type FailureLimits, LoginLimitRepository } from './login-limit.repository.js';
import type { ClientPrincipal, Principal, StaffPrincipal } from './principal.js';
import { SessionRepository, type StoredSession } from './session.repository.js';

const IMPERSONATION_TTL_SECONDS = 60 * 60;
const STAFF_SCOPE = 'staff';
const portalScope = (firmId: string) => `portal:${firmId}`;

const invalidCredentials = () => new AppError(401, ErrorCode.InvalidCredentials, 'CNPJ ou senha inválidos');
const accessBlocked = () =>
  new AppError(403, ErrorCode.AccessBlocked, 'O acesso deste cliente ao portal está bloqueado');
const tooManyAttempts = (retryAfterSeconds: number) =>
  new AppError(
    429,
    ErrorCode.TooManyAttempts,
    'Muitas tentativas de login. Tente novamente mais tarde.',
    { retryAfterSeconds },
    { 'Retry-After': String(retryAfterSeconds) },
  );

export function toStaffUser(doc: StaffDoc): StaffUser {
  return { id: String(doc._id), name: doc.name, role: doc.role, firmId: String(doc.firmId) };
}

@Injectable()
export class AuthService {
  /** Compared against when the account does not exist, so both paths cost one argon2 verify. */
  private dummyHashPromise?: Promise<string>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sessions: SessionRepository,
    private readonly limits: LoginLimitRepository,
    private readonly staff: StaffRepository,
    private readonly clients: ClientRepository,
    private readonly firms: FirmRepository,
    private readonly audit: AuditService,
    private readonly events: EventBus,
  ) {}

  /** Made on first use, not at boot (the worker and seed never log anyone in). */
  private get dummyHash(): Promise<string> {
    this.dummyHashPromise ??= hashPassword('not-a-real-password', this.config.ARGON2_MEMORY_KIB);
    return this.dummyHashPromise;
  }

  private get ttlSeconds(): number {
    return this.config.SESSION_TTL_HOURS * 3600;
  }

  async startStaffSession(doc: StaffDoc): Promise<string> {
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

  private get failureLimits(): FailureLimits {
    return {
      maxPerIp: this.config.PORTAL_MAX_FAILED_LOGINS,
      lockMs: this.config.PORTAL_LOCK_MINUTES * 60_000,
      maxPerHour: this.config.LOGIN_MAX_FAILURES_PER_HOUR,
    };
  }

  /** Refuses the attempt while this IP is locked out of the login or the login is backing off. */
  private async checkLimits(scope: string, login: string, ip: string): Promise<void> {
    const waitMs = await this.limits.waitMs(scope, login, ip);
    if (waitMs) throw tooManyAttempts(Math.ceil(waitMs / 1000));
  }

  /*
   * Both logins do the same work whether the account exists or not (one lookup, one argon2
   * verify, the same Redis counters, and no database write unless the failure locks), so
   * neither the answer nor its timing tells which e-mails or CNPJs have accounts.
   */
  async staffLogin(email: string, password: string, ip: string): Promise<StaffLoginResponse> {
    const wait = await this.limits.hitIp('staff-login', ip, this.config.LOGIN_RATE_PER_MINUTE);
    if (wait) throw tooManyAttempts(wait);
    await this.checkLimits(STAFF_SCOPE, email, ip);
    const doc = await this.staff.findByEmailForLogin(email);
    const ok = await verifyPassword(doc?.passwordHash ?? (await this.dummyHash), password);
    if (!doc || !ok) {
      await this.limits.recordFailure(STAFF_SCOPE, email, ip, this.failureLimits);
      throw new AppError(401, ErrorCode.InvalidCredentials, 'E-mail ou senha inválidos');
    }
    await this.limits.clearIp(STAFF_SCOPE, email, ip);
    return { token: await this.startStaffSession(doc), user: toStaffUser(doc) };
  }

  async portalLogin(
    slug: string,
    cnpjInput: string,
    password: string,
    ip: string,
  ): Promise<PortalLoginResponse> {
    const wait = await this.limits.hitIp('portal-login', ip, this.config.LOGIN_RATE_PER_MINUTE);
    if (wait) throw tooManyAttempts(wait);
    const firm = await this.firms.findBySlug(slug);
    if (!firm) throw new AppError(404, ErrorCode.NotFound, 'Escritório não encontrado');
    const firmId = String(firm._id);
    const scope = portalScope(firmId);
    // Malformed input is counted like any other login name, so the lock can't be sidestepped,
    // and looked up like one (it matches nothing), so it costs what a real CNPJ does.
    const login = parseCnpj(cnpjInput) ?? cnpjInput.replace(/\W/g, '').toUpperCase().slice(0, 20);
    await this.checkLimits(scope, login, ip);

    const client = await this.clients.findByCnpj(firmId, login);
    const usable = client?.portal.enabled ? client : null;
    const ok = await verifyPassword(usable?.portal.passwordHash ?? (await this.dummyHash), password);
    if (!usable || !ok) {
      await this.registerPortalFailure(firmId, login, ip, client);
      throw invalidCredentials();
    }
    if (usable.portal.blocked) throw accessBlocked();

    await this.limits.clearIp(scope, login, ip);
    await this.clients.recordLoginSuccess(firmId, String(usable._id));
    const { token, sessionId } = newSessionToken();
    await this.sessions.create(
      sessionId,
      { kind: 'client', firmId, clientId: String(usable._id), createdAt: new Date().toISOString() },
      this.ttlSeconds,
    );
    return {
      token,
      client: {
        id: String(usable._id),
        cnpj: usable.cnpj,
        name: usable.name,
        permissions: usable.permissions,
      },
    };
  }

  /**
   * Counts the failure; when it locks, shows the lock to staff and audits it. Those two
   * writes run for a CNPJ that is not a client too (the update matches nothing, the entry
   * is filed under the firm), so the locking attempt doesn't tell clients apart either.
   */
  private async registerPortalFailure(
    firmId: string,
    login: string,
    ip: string,
    client: ClientDoc | null,
  ): Promise<void> {
    const { lockedUntil, failures } = await this.limits.recordFailure(
      portalScope(firmId),
      login,
      ip,
      this.failureLimits,
    );
    if (!lockedUntil) return;
    await this.clients.recordLoginLock(firmId, login, lockedUntil, failures);
    await this.audit.record(
      firmId,
      { kind: 'system', id: 'login-limit', name: 'Sistema' },
      'client.login.locked',
      client ? { kind: 'client', id: String(client._id) } : { kind: 'firm', id: firmId },
      { lockedUntil: lockedUntil.toISOString(), failuresThisHour: failures, ...(client ? {} : { login }) },
    );
  }

  /** Resolves a token to its caller, checking the account is still allowed in. */
  async authenticate(token: string): Promise<Principal> {
    return this.authenticateSession(sessionIdOf(token));
  }

  /** The same, from the stored session id (sockets keep it, not the token). */
  async authenticateSession(sessionId: string): Promise<Principal> {
    const session = await this.sessions.get(sessionId, this.ttlSeconds);
    if (!session) throw unauthenticated();
    if ('revoked' in session) {
      throw session.revoked === 'blocked' ? accessBlocked() : unauthenticated();
    }
    return session.kind === 'staff'
      ? this.staffPrincipal(sessionId, session)
      : this.clientPrincipal(sessionId, session);
  }

  private async staffPrincipal(
    sessionId: string,
    s: Extract<StoredSession, { kind: 'staff' }>,
  ): Promise<StaffPrincipal> {
    const doc = await this.staff.findById(s.firmId, s.staffId);
    if (!doc) {
      await this.sessions.delete(sessionId);
      throw unauthenticated();
    }
    return { kind: 'staff', sessionId, firmId: s.firmId, staffId: s.staffId, role: doc.role, name: doc.name };
  }

  private async clientPrincipal(
    sessionId: string,
    s: Extract<StoredSession, { kind: 'client' }>,
  ): Promise<ClientPrincipal> {
    const doc = await this.clients.findById(s.firmId, s.clientId);
    if (!doc) {
      await this.sessions.delete(sessionId);
      throw unauthenticated();
    }
    // Staff may look at a client whose access is off; the client itself may not get in.
    if (!s.impersonator && (!doc.portal.enabled || doc.portal.blocked)) {
      await this.sessions.delete(sessionId);
      throw accessBlocked();
    }
    return {
      kind: 'client',
      sessionId,
      firmId: s.firmId,
      clientId: s.clientId,
      name: doc.name,
      permissions: doc.permissions,
      conversationId: doc.conversationId ? String(doc.conversationId) : null,
      impersonator: s.impersonator,
    };
  }

  async logout(p: Principal): Promise<void> {
    await this.sessions.delete(p.sessionId);
    await this.events.emit('session.ended', { sessionId: p.sessionId, reason: 'logout' });
  }

  async startImpersonation(staff: StaffPrincipal, client: ClientDoc): Promise<string> {
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

  async revokeClient(firmId: string, clientId: string, reason: SessionRevokedReason): Promise<void> {
    await this.sessions.revokeAllFor('client', clientId, reason);
    await this.events.emit('client.access.revoked', { firmId, clientId, reason });
  }

  async revokeStaff(firmId: string, staffId: string, reason: SessionRevokedReason): Promise<void> {
    await this.sessions.revokeAllFor('staff', staffId, reason);
    await this.events.emit('staff.access.revoked', { firmId, staffId, reason });
  }

  /** Lifts a CNPJ's locks and backoff from every IP (staff unlock, or a fresh password). */
  clearLoginLock(firmId: string, cnpj: string): Promise<void> {
    return this.limits.clearLogin(portalScope(firmId), cnpj);
  }

  /** Lifts a staff e-mail's locks and backoff (an admin set a new password). */
  clearStaffLoginLock(email: string): Promise<void> {
    return this.limits.clearLogin(STAFF_SCOPE, email);
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
}
