import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import {
  ErrorCode,
  parseCnpj,
  type PortalLoginFailureDetails,
  type PortalLoginResponse,
  type StaffLoginResponse,
} from '../../contract/index.js';
import { AppError, unauthenticated } from '../../common/errors.js';
import { EventBus } from '../../common/event-bus.js';
import { hashPassword, sessionIdOf, verifyPassword } from '../../common/secrets.js';
import { type AppConfig, APP_CONFIG } from '../../config/config.js';
import { AuditService } from '../audit/audit.service.js';
import type { ClientDoc } from '../clients/client.schema.js';
import { ClientsService } from '../clients/clients.service.js';
import { FirmsService } from '../firms/firms.service.js';
import {
  portalScope,
  SessionsService,
  STAFF_SCOPE,
  type StoredSession,
} from '../sessions/sessions.service.js';
import { StaffService, toStaffUser } from '../staff/staff.service.js';
import type { ClientPrincipal, Principal, StaffPrincipal } from './principal.js';

const invalidCredentials = (details: PortalLoginFailureDetails) =>
  new AppError(401, ErrorCode.InvalidCredentials, 'CNPJ ou senha inválidos', details);
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

/** How long a socket event may use the account as read for an earlier one (see authenticateSocketEvent). */
const RECENT_MS = 1000;
const RECENT_MAX = 100_000;

@Injectable()
export class AuthService implements OnModuleInit {
  /** Compared against when the account does not exist, so both paths cost one argon2 verify. */
  private dummyHashPromise?: Promise<string>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sessions: SessionsService,
    private readonly staff: StaffService,
    private readonly clients: ClientsService,
    private readonly firms: FirmsService,
    private readonly audit: AuditService,
    private readonly events: EventBus,
  ) {}

  /**
   * Socket events: the caller's account as read from the database, kept for a second per
   * session on this node (see authenticateSocketEvent); dropped at once here when the
   * account's access changes on this node.
   */
  private readonly recent = new Map<string, { principal: Principal; until: number }>();

  /** Bumped by every forget: a read that began before one must not be kept. */
  private generation = 0;

  onModuleInit(): void {
    const forget = (match: (p: Principal) => boolean) => {
      this.generation++;
      for (const [id, entry] of this.recent) if (match(entry.principal)) this.recent.delete(id);
    };
    this.events.on('client.permissions.changed', (e) =>
      forget((p) => p.kind === 'client' && p.clientId === e.clientId),
    );
    this.events.on('client.access.revoked', (e) =>
      forget((p) => p.kind === 'client' && p.clientId === e.clientId),
    );
    this.events.on('staff.access.revoked', (e) =>
      forget((p) => p.kind === 'staff' && p.staffId === e.staffId),
    );
    this.events.on('session.ended', (e) => {
      this.generation++;
      this.recent.delete(e.sessionId);
    });
  }

  /** Made on first use, not at boot (the worker and seed never log anyone in). */
  private get dummyHash(): Promise<string> {
    this.dummyHashPromise ??= hashPassword('not-a-real-password', this.config.ARGON2_MEMORY_KIB);
    return this.dummyHashPromise;
  }

  /** Refuses the attempt while this IP is locked out of the login or the login is backing off. */
  private async checkLimits(scope: string, login: string, ip: string): Promise<void> {
    const waitMs = await this.sessions.waitMs(scope, login, ip);
    if (waitMs) throw tooManyAttempts(Math.ceil(waitMs / 1000));
  }

  /*
   * Both logins do the same work whether the account exists or not (one lookup, one argon2
   * verify, the same Redis counters, and no database write unless the failure locks), so
   * neither the answer nor its timing tells which e-mails or CNPJs have accounts.
   */
  async staffLogin(email: string, password: string, ip: string): Promise<StaffLoginResponse> {
    const wait = await this.sessions.hitIp('staff-login', ip);
    if (wait) throw tooManyAttempts(wait);
    await this.checkLimits(STAFF_SCOPE, email, ip);
    const doc = await this.staff.findByEmailForLogin(email);
    const ok = await verifyPassword(doc?.passwordHash ?? (await this.dummyHash), password);
    if (!doc || !ok) {
      await this.sessions.recordFailure(STAFF_SCOPE, email, ip);
      throw new AppError(401, ErrorCode.InvalidCredentials, 'E-mail ou senha inválidos');
    }
    await this.sessions.clearIp(STAFF_SCOPE, email, ip);
    return { token: await this.sessions.startStaffSession(doc), user: toStaffUser(doc) };
  }

  async portalLogin(
    slug: string,
    cnpjInput: string,
    password: string,
    ip: string,
  ): Promise<PortalLoginResponse> {
    const wait = await this.sessions.hitIp('portal-login', ip);
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
      const attemptsLeft = await this.registerPortalFailure(firmId, login, ip, client);
      throw invalidCredentials(
        attemptsLeft > 0
          ? { attemptsLeft }
          : { attemptsLeft, retryAfterSeconds: this.config.PORTAL_LOCK_MINUTES * 60 },
      );
    }
    if (usable.portal.blocked) throw accessBlocked();

    await this.sessions.clearIp(scope, login, ip);
    await this.clients.recordLoginSuccess(String(usable._id));
    const token = await this.sessions.startClientSession(firmId, String(usable._id));
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
   * Returns the tries this IP has left for the login before its lock.
   */
  private async registerPortalFailure(
    firmId: string,
    login: string,
    ip: string,
    client: ClientDoc | null,
  ): Promise<number> {
    const { lockedUntil, failures, attemptsLeft } = await this.sessions.recordFailure(
      portalScope(firmId),
      login,
      ip,
    );
    if (!lockedUntil) return attemptsLeft;
    await this.clients.recordLoginLock(firmId, login, lockedUntil, failures);
    await this.audit.record(
      firmId,
      { kind: 'system', id: 'login-limit', name: 'Sistema' },
      'client.login.locked',
      client ? { kind: 'client', id: String(client._id) } : { kind: 'firm', id: firmId },
      { lockedUntil: lockedUntil.toISOString(), failuresThisHour: failures, ...(client ? {} : { login }) },
    );
    return attemptsLeft;
  }

  /** Resolves a token to its caller, checking the account is still allowed in. */
  async authenticate(token: string): Promise<Principal> {
    return this.authenticateSession(sessionIdOf(token));
  }

  /** The same, from the stored session id (sockets keep it, not the token). */
  async authenticateSession(sessionId: string): Promise<Principal> {
    return this.principalOf(sessionId, await this.storedSession(sessionId));
  }

  /**
   * authenticateSession for a socket event: the session record is read from Redis every
   * time (a logout, a block, a removal or a password change ends it at the next event, on
   * every node), the account from the database at most once a second per session on this
   * node. A permission or role change made through this node applies at the next event; one
   * made through another node within a second (its sockets have already left the rooms the
   * change took away, on every node, through the adapter).
   */
  async authenticateSocketEvent(sessionId: string): Promise<Principal> {
    const session = await this.storedSession(sessionId);
    const now = Date.now();
    const hit = this.recent.get(sessionId);
    if (hit && hit.until > now) return hit.principal;
    const generation = this.generation;
    const principal = await this.principalOf(sessionId, session);
    // An access change while the account was being read: use what was read, keep nothing.
    if (generation !== this.generation) return principal;
    if (this.recent.size >= RECENT_MAX) this.recent.clear();
    this.recent.set(sessionId, { principal, until: now + RECENT_MS });
    return principal;
  }

  /**
   * The first half of authenticateSession, from Redis alone: the live session record (its
   * lifetime slid forward), or the same error for one that is gone or was ended.
   */
  async storedSession(sessionId: string): Promise<StoredSession> {
    const session = await this.sessions.get(sessionId);
    if (!session) throw unauthenticated();
    if ('revoked' in session) {
      throw session.revoked === 'blocked' ? accessBlocked() : unauthenticated();
    }
    return session;
  }

  /** The second half: the caller of a live session record, checking its account is still allowed in. */
  principalOf(sessionId: string, session: StoredSession): Promise<Principal> {
    return session.kind === 'staff'
      ? this.staffPrincipal(sessionId, session)
      : this.clientPrincipal(sessionId, session);
  }

  /**
   * Throws as authenticateSession would if the session has ended since it was read (a
   * logout, a block, a removal, a password change): from Redis alone, where every ending
   * is stored before the session's sockets are told, so a socket that joined its rooms
   * before this check either sees the ending here or gets the disconnect broadcast.
   */
  async assertNotEnded(sessionId: string): Promise<void> {
    const session = await this.sessions.peek(sessionId);
    if (!session) throw unauthenticated();
    if ('revoked' in session) throw session.revoked === 'blocked' ? accessBlocked() : unauthenticated();
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

  logout(p: Principal): Promise<void> {
    return this.sessions.logout(p);
  }
}
