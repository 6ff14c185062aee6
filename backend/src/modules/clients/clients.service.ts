import { Injectable } from '@nestjs/common';
import {
  type BulkPortalJobResponse,
  type BulkPortalRequest,
  type BulkPortalResponse,
  type ClientItem,
  createClientRequestSchema,
  type CreateClientRequest,
  DEFAULT_PORTAL_PERMISSIONS,
  ErrorCode,
  type ImportClientsResponse,
  type ImportRowError,
  type ImpersonateResponse,
  type ListClientsQuery,
  type ListClientsResponse,
  type PasswordResponse,
  type Permissions,
  type PermissionsPatch,
  parseCnpj,
  readClientCsv,
  type UpdateClientRequest,
  type UpdatePortalRequest,
  type UpdatePortalResponse,
  type AuditListResponse,
} from '../../contract/index.js';
import { AppError, notFound } from '../../common/errors.js';
import { EventBus } from '../../common/event-bus.js';
import { generatePortalPassword } from '../../common/secrets.js';
import { matchesSearch, parseSearch } from '../../common/search.js';
import { AuditService, actorOf } from '../audit/audit.service.js';
import type { StaffPrincipal } from '../auth/principal.js';
import { ConversationsService } from '../chat/conversations.service.js';
import { PresenceService } from '../presence/presence.service.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { ClientRepository } from './client.repository.js';
import { PendingPasswordsService } from './pending-passwords.service.js';
import { PortalPasswords } from './portal-passwords.js';
import type { ClientDoc } from './client.schema.js';

const MAX_IMPORT_ROWS = 5000;

export function toClientItem(
  doc: ClientDoc,
  conv?: { pendingForClient: number; unreadForStaff: number },
  online = false,
): ClientItem {
  const locked =
    doc.portal.lockedUntil && doc.portal.lockedUntil > new Date() ? doc.portal.lockedUntil : null;
  return {
    id: String(doc._id),
    cnpj: doc.cnpj,
    name: doc.name,
    email: doc.email ?? null,
    portal: {
      enabled: doc.portal.enabled,
      blocked: doc.portal.blocked,
      lockedUntil: locked ? locked.toISOString() : null,
      failedLogins: locked ? Math.max(0, doc.portal.failedLogins ?? 0) : 0,
      integrated: doc.portal.enabled || !!doc.portal.passwordHash,
      lastLoginAt: doc.portal.lastLoginAt ? doc.portal.lastLoginAt.toISOString() : null,
    },
    permissions: doc.permissions,
    pendingForClient: conv?.pendingForClient ?? 0,
    unreadForStaff: conv?.unreadForStaff ?? 0,
    conversationId: doc.conversationId ? String(doc.conversationId) : null,
    online,
    createdAt: doc.createdAt.toISOString(),
    unopenedGuides: Math.max(0, doc.unopenedGuides ?? 0),
  };
}

const invalidCnpj = () => new AppError(400, ErrorCode.InvalidCnpj, 'CNPJ inválido');
const passwordSetByClient = () =>
  new AppError(
    409,
    ErrorCode.PasswordSetByClient,
    'O cliente definiu a própria senha, que não pode ser exibida. Gere uma nova senha se ele precisar.',
  );
const duplicateCnpj = () => new AppError(409, ErrorCode.DuplicateCnpj, 'Já existe um cliente com este CNPJ');

/** The keys whose value a patch actually changes: what the audit log records. */
function permissionChanges(before: Permissions, patch: PermissionsPatch | undefined): PermissionsPatch {
  return Object.fromEntries(
    Object.entries(patch ?? {}).filter(([k, v]) => before[k as keyof Permissions] !== v),
  ) as PermissionsPatch;
}

@Injectable()
export class ClientsService {
  constructor(
    private readonly clients: ClientRepository,
    private readonly passwords: PortalPasswords,
    private readonly pendingPasswords: PendingPasswordsService,
    private readonly conversations: ConversationsService,
    private readonly presence: PresenceService,
    private readonly audit: AuditService,
    private readonly sessions: SessionsService,
    private readonly events: EventBus,
  ) {}

  /** The client, portal secrets included (auth checks them; the worker and reminders read it). */
  findById(firmId: string, clientId: string): Promise<ClientDoc | null> {
    return this.clients.findById(firmId, clientId);
  }

  /** The client with this CNPJ in the firm (portal login). */
  findByCnpj(firmId: string, cnpj: string): Promise<ClientDoc | null> {
    return this.clients.findByCnpj(firmId, cnpj);
  }

  /** By _id alone: the login found this client in its firm (FerretDB looks up nothing else by index). */
  recordLoginSuccess(clientId: string): Promise<void> {
    return this.clients.recordLoginSuccess(clientId);
  }

  /** Shows a login lock to staff; matches nothing for a CNPJ that is not a client. */
  recordLoginLock(firmId: string, cnpj: string, lockedUntil: Date, failures: number): Promise<void> {
    return this.clients.recordLoginLock(firmId, cnpj, lockedUntil, failures);
  }

  /** The client chose its own password: only its hash is kept (staff can't read it). */
  async setOwnPassword(firmId: string, clientId: string, password: string): Promise<void> {
    await this.clients.setPortal(firmId, clientId, await this.passwords.protectClientChosen(password));
  }

  /** The firm's client ids, in one read (its directory). */
  idsOf(firmId: string): Promise<string[]> {
    return this.clients.idsOf(firmId);
  }

  /** These clients of the firm, each by _id; unknown ids are left out. */
  findEachById(firmId: string, ids: string[]): Promise<ClientDoc[]> {
    return this.clients.findEachById(firmId, ids);
  }

  async mustFind(firmId: string, clientId: string): Promise<ClientDoc> {
    const doc = await this.clients.findById(firmId, clientId);
    if (!doc) throw notFound('Client');
    return doc;
  }

  private async item(doc: ClientDoc): Promise<ClientItem> {
    const convId = doc.conversationId ? String(doc.conversationId) : null;
    const [convs, online] = await Promise.all([
      convId ? this.conversations.liveByIds(String(doc.firmId), [convId]) : new Map<string, never>(),
      this.presence.online('client', String(doc.firmId)),
    ]);
    return toClientItem(doc, convId ? convs.get(convId) : undefined, online.has(String(doc._id)));
  }

  /**
   * The firm's clients by directory and _id, filtered, sorted and paged here: the cost
   * follows the firm's own size, never other firms' data (see IdDirectory).
   */
  async list(caller: StaffPrincipal, q: ListClientsQuery): Promise<ListClientsResponse> {
    let docs = await this.clients.listAll(caller.firmId);
    const terms = parseSearch(q.search ?? '');
    if (terms.length) docs = docs.filter((d) => matchesSearch(terms, d));
    if (q.filter === 'enabled') docs = docs.filter((d) => d.portal.enabled && !d.portal.blocked);
    if (q.filter === 'disabled') docs = docs.filter((d) => !d.portal.enabled);
    if (q.filter === 'blocked') docs = docs.filter((d) => d.portal.blocked);
    const convIds = (list: ClientDoc[]) =>
      list.flatMap((d) => (d.conversationId ? [String(d.conversationId)] : []));
    const counts =
      q.filter === 'pending' ? await this.conversations.liveByIds(caller.firmId, convIds(docs)) : null;
    if (counts) {
      const waiting = counts;
      docs = docs.filter((d) => {
        const c = d.conversationId ? waiting.get(String(d.conversationId)) : undefined;
        return !!c && (c.pendingForClient > 0 || c.unreadForStaff > 0);
      });
    }
    docs.sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : String(a._id).localeCompare(String(b._id)),
    );
    const total = docs.length;
    const items = docs.slice((q.page - 1) * q.pageSize, q.page * q.pageSize);
    const [pageCounts, online] = await Promise.all([
      counts ?? this.conversations.liveByIds(caller.firmId, convIds(items)),
      this.presence.online('client', caller.firmId),
    ]);
    return {
      items: items.map((c) =>
        toClientItem(
          c,
          c.conversationId ? pageCounts.get(String(c.conversationId)) : undefined,
          online.has(String(c._id)),
        ),
      ),
      total,
      page: q.page,
      pageSize: q.pageSize,
    };
  }

  async get(caller: StaffPrincipal, clientId: string): Promise<ClientItem> {
    return this.item(await this.mustFind(caller.firmId, clientId));
  }

  async create(caller: StaffPrincipal, input: CreateClientRequest, via = 'form'): Promise<ClientItem> {
    const cnpj = parseCnpj(input.cnpj);
    if (!cnpj) throw invalidCnpj();
    const doc = await this.clients.create(caller.firmId, {
      cnpj,
      name: input.name,
      email: input.email ?? null,
    });
    if (!doc) throw duplicateCnpj();
    await this.audit.record(
      caller.firmId,
      actorOf(caller),
      'client.created',
      { kind: 'client', id: String(doc._id) },
      {
        cnpj,
        name: doc.name,
        via,
      },
    );
    return toClientItem(doc);
  }

  async update(caller: StaffPrincipal, clientId: string, patch: UpdateClientRequest): Promise<ClientItem> {
    const current = await this.mustFind(caller.firmId, clientId);
    const next: { cnpj?: string; name?: string; email?: string | null } = {};
    if (patch.name !== undefined) next.name = patch.name;
    if (patch.email !== undefined) next.email = patch.email;
    if (patch.cnpj !== undefined) {
      const cnpj = parseCnpj(patch.cnpj);
      if (!cnpj) throw invalidCnpj();
      next.cnpj = cnpj;
    }
    const doc = await this.clients.updateIdentity(caller.firmId, clientId, next, current);
    if (doc === 'duplicate') throw duplicateCnpj();
    if (!doc) throw notFound('Client');
    if (doc.conversationId && (doc.name !== current.name || doc.cnpj !== current.cnpj)) {
      await this.conversations.setClient(String(doc.conversationId), doc);
    }
    await this.audit.record(
      caller.firmId,
      actorOf(caller),
      'client.updated',
      { kind: 'client', id: clientId },
      {
        before: { cnpj: current.cnpj, name: current.name },
        after: { cnpj: doc.cnpj, name: doc.name },
      },
    );
    return this.item(doc);
  }

  async importCsv(caller: StaffPrincipal, csv: string): Promise<ImportClientsResponse> {
    const { rows, ignoredColumns } = readClientCsv(csv, MAX_IMPORT_ROWS);
    if (rows.length > MAX_IMPORT_ROWS) {
      throw new AppError(
        400,
        ErrorCode.ValidationFailed,
        `No máximo ${MAX_IMPORT_ROWS} linhas por importação`,
      );
    }
    const failed: ImportRowError[] = [];
    const seen = new Set<string>();
    let created = 0;
    for (const { email: rawEmail, ...row } of rows) {
      const fail = (code: ErrorCode, message: string) => failed.push({ ...row, code, message });
      const cnpj = parseCnpj(row.cnpj);
      const name = row.name.trim();
      const email = createClientRequestSchema.shape.email.safeParse(rawEmail ?? null);
      if (!cnpj) fail(ErrorCode.InvalidCnpj, 'CNPJ inválido');
      else if (name.length < 2) fail(ErrorCode.ValidationFailed, 'Nome (razão social) ausente');
      else if (!email.success) fail(ErrorCode.ValidationFailed, 'E-mail inválido');
      else if (seen.has(cnpj)) fail(ErrorCode.DuplicateCnpj, 'CNPJ repetido no arquivo');
      else {
        seen.add(cnpj);
        try {
          await this.create(caller, { cnpj, name: name.slice(0, 200), email: email.data }, 'import');
          created++;
        } catch (err) {
          if (!(err instanceof AppError)) throw err;
          fail(err.code, err.message);
        }
      }
    }
    return { created, failed, rows: rows.length, ignoredColumns };
  }

  /**
   * The client's conversation, created and linked when it has none yet (a document delivered
   * before the portal was enabled still goes into the chat the client will see).
   */
  async conversationOf(doc: ClientDoc): Promise<string> {
    if (doc.conversationId) return String(doc.conversationId);
    const id = await this.ensureConversation(doc);
    await this.clients.linkConversation(String(doc._id), id);
    return id;
  }

  /** The firm's clients whose CNPJ starts with this 8-character root (matriz and filiais). */
  findByCnpjRoot(firmId: string, root: string): Promise<ClientDoc[]> {
    return this.clients.findByCnpjRoot(firmId, root);
  }

  /** Moves the client's count of unopened guias (delivery +1, first open −1). */
  countUnopenedGuides(clientId: string, delta: number): Promise<void> {
    return this.clients.incUnopenedGuides(clientId, delta);
  }

  private async ensureConversation(doc: ClientDoc): Promise<string> {
    if (doc.conversationId) return String(doc.conversationId);
    const conv = await this.conversations.ensureForClient(String(doc.firmId), {
      id: String(doc._id),
      name: doc.name,
      cnpj: doc.cnpj,
    });
    return String(conv._id);
  }

  /** Applies one client's access change; returns the new doc and, on first enable, the password. */
  private async applyPortal(
    caller: StaffPrincipal,
    current: ClientDoc,
    enabled: boolean,
    permissionsPatch: PermissionsPatch | undefined,
  ): Promise<{ doc: ClientDoc; password?: string }> {
    const firmId = caller.firmId;
    const clientId = String(current._id);
    let password: string | undefined;
    let base = current;
    let permissions = permissionsPatch;
    if (enabled) {
      const firstTime = !current.portal.passwordHash;
      ({ doc: base, password } = await this.pendingPasswords.ensure(firmId, current));
      if (firstTime && !Object.keys(permissions ?? {}).length) permissions = DEFAULT_PORTAL_PERMISSIONS;
    }
    const conversationId = enabled ? await this.ensureConversation(base) : undefined;
    const doc = await this.clients.setPortal(
      firmId,
      clientId,
      { enabled },
      permissions,
      conversationId ? { conversationId } : {},
    );
    if (!doc) throw notFound('Client');

    const actor = actorOf(caller);
    const target = { kind: 'client' as const, id: clientId };
    if (current.portal.enabled !== enabled) {
      await this.audit.record(
        firmId,
        actor,
        enabled ? 'client.portal.enabled' : 'client.portal.disabled',
        target,
      );
    }
    const changes = permissionChanges(current.permissions, permissions);
    if (Object.keys(changes).length) {
      await this.audit.record(firmId, actor, 'client.permissions.changed', target, { changes });
      await this.events.emit('client.permissions.changed', {
        firmId,
        clientId,
        before: current.permissions,
        after: doc.permissions,
      });
    }
    if (current.portal.enabled && !enabled) await this.sessions.revokeClient(firmId, clientId, 'disabled');
    return { doc, password };
  }

  async setPortal(
    caller: StaffPrincipal,
    clientId: string,
    input: UpdatePortalRequest,
  ): Promise<UpdatePortalResponse> {
    const current = await this.mustFind(caller.firmId, clientId);
    const { doc, password } = await this.applyPortal(caller, current, input.enabled, input.permissions);
    const item = await this.item(doc);
    return password ? { ...item, password } : item;
  }

  /**
   * The same change as setPortal for up to a thousand clients, in a few writes per fifty
   * clients, each by `_id`. First passwords are left to a job (see
   * PendingPasswordsService): the clients are enabled when this returns.
   */
  async bulkPortal(caller: StaffPrincipal, input: BulkPortalRequest): Promise<BulkPortalResponse> {
    const firmId = caller.firmId;
    const docs = await this.clients.findManyByIds(firmId, [...new Set(input.clientIds)]);
    const ids = (list: ClientDoc[]) => list.map((d) => String(d._id));
    const chosen = Object.keys(input.permissions ?? {}).length > 0;
    // As in applyPortal: a first enable without chosen permissions grants the defaults.
    const firstTime = (d: ClientDoc) => input.enabled && !chosen && !d.portal.passwordHash;
    const permissionsOf = (d: ClientDoc) => (firstTime(d) ? DEFAULT_PORTAL_PERMISSIONS : input.permissions);

    if (input.enabled) {
      // Conversations first, so no enabled client is ever without one.
      const unlinked = docs.filter((d) => !d.conversationId);
      const convs = await this.conversations.ensureForClients(
        firmId,
        unlinked.map((d) => ({ id: String(d._id), name: d.name, cnpj: d.cnpj })),
      );
      await this.clients.linkConversations(
        [...convs].map(([clientId, conversationId]) => ({ clientId, conversationId })),
      );
    }
    const defaults = docs.filter(firstTime);
    const others = docs.filter((d) => !firstTime(d));
    if (defaults.length) {
      await this.clients.setPortalMany(ids(defaults), { enabled: true }, DEFAULT_PORTAL_PERMISSIONS);
    }
    if (others.length) {
      await this.clients.setPortalMany(ids(others), { enabled: input.enabled }, input.permissions);
    }

    const entries: Parameters<AuditService['recordMany']>[2] = [];
    for (const d of docs) {
      const target = { kind: 'client' as const, id: String(d._id) };
      if (d.portal.enabled !== input.enabled) {
        entries.push({ action: input.enabled ? 'client.portal.enabled' : 'client.portal.disabled', target });
      }
      const changes = permissionChanges(d.permissions, permissionsOf(d));
      if (Object.keys(changes).length) {
        entries.push({ action: 'client.permissions.changed', target, details: { changes } });
      }
    }
    await this.audit.recordMany(firmId, actorOf(caller), entries);
    for (const d of docs) {
      const clientId = String(d._id);
      const changes = permissionChanges(d.permissions, permissionsOf(d));
      if (Object.keys(changes).length) {
        const after = { ...d.permissions, ...changes };
        await this.events.emit('client.permissions.changed', {
          firmId,
          clientId,
          before: d.permissions,
          after,
        });
      }
      if (d.portal.enabled && !input.enabled) await this.sessions.revokeClient(firmId, clientId, 'disabled');
    }

    const pending = input.enabled ? ids(docs.filter((d) => !d.portal.passwordHash)) : [];
    const job = pending.length ? { id: await this.pendingPasswords.enqueue(firmId, pending) } : null;
    return { updated: docs.length, job };
  }

  bulkPortalJob(caller: StaffPrincipal, jobId: string): Promise<BulkPortalJobResponse> {
    return this.pendingPasswords.status(caller.firmId, jobId);
  }

  /** Reads the password back (audited); one a bulk enable left pending is generated now. */
  async viewPassword(caller: StaffPrincipal, clientId: string): Promise<PasswordResponse> {
    let doc = await this.mustFind(caller.firmId, clientId);
    if (doc.portal.enabled) ({ doc } = await this.pendingPasswords.ensure(caller.firmId, doc));
    if (doc.portal.passwordSetBy === 'client') throw passwordSetByClient();
    if (!doc.portal.passwordEnc) {
      throw new AppError(409, ErrorCode.Conflict, 'Este cliente ainda não tem acesso ao portal');
    }
    await this.audit.record(caller.firmId, actorOf(caller), 'client.password.viewed', {
      kind: 'client',
      id: clientId,
    });
    return { password: this.passwords.reveal(doc.portal.passwordEnc) };
  }

  async resetPassword(caller: StaffPrincipal, clientId: string): Promise<PasswordResponse> {
    const doc = await this.mustFind(caller.firmId, clientId);
    const password = generatePortalPassword();
    await this.clients.setPortal(caller.firmId, clientId, {
      ...(await this.passwords.protect(password)),
      passwordSetBy: 'staff',
      failedLogins: 0,
      lockedUntil: null,
    });
    await this.sessions.clearLoginLock(caller.firmId, doc.cnpj);
    // Whoever held the old password is out.
    await this.sessions.revokeClient(caller.firmId, clientId, 'password_changed');
    await this.audit.record(caller.firmId, actorOf(caller), 'client.password.reset', {
      kind: 'client',
      id: clientId,
    });
    return { password };
  }

  /** Lifts the login locks and backoff of the client's CNPJ, from every IP (audited). */
  async unlockLogin(caller: StaffPrincipal, clientId: string): Promise<ClientItem> {
    const current = await this.mustFind(caller.firmId, clientId);
    await this.sessions.clearLoginLock(caller.firmId, current.cnpj);
    const doc = await this.clients.setPortal(caller.firmId, clientId, { failedLogins: 0, lockedUntil: null });
    if (!doc) throw notFound('Client');
    await this.audit.record(caller.firmId, actorOf(caller), 'client.login.unlocked', {
      kind: 'client',
      id: clientId,
    });
    return this.item(doc);
  }

  async setBlocked(caller: StaffPrincipal, clientId: string, blocked: boolean): Promise<ClientItem> {
    const current = await this.mustFind(caller.firmId, clientId);
    const doc = await this.clients.setPortal(caller.firmId, clientId, { blocked });
    if (!doc) throw notFound('Client');
    if (blocked) await this.sessions.revokeClient(caller.firmId, clientId, 'blocked');
    if (current.portal.blocked !== blocked) {
      await this.audit.record(
        caller.firmId,
        actorOf(caller),
        blocked ? 'client.blocked' : 'client.unblocked',
        {
          kind: 'client',
          id: clientId,
        },
      );
    }
    return this.item(doc);
  }

  async impersonate(caller: StaffPrincipal, clientId: string): Promise<ImpersonateResponse> {
    const doc = await this.mustFind(caller.firmId, clientId);
    const token = await this.sessions.startImpersonation(caller, doc);
    await this.audit.record(caller.firmId, actorOf(caller), 'client.impersonated', {
      kind: 'client',
      id: clientId,
    });
    return { token };
  }

  async auditLog(caller: StaffPrincipal, clientId: string): Promise<AuditListResponse> {
    await this.mustFind(caller.firmId, clientId);
    return this.audit.listForTarget(caller.firmId, clientId);
  }
}
