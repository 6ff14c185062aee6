import { Inject, Injectable } from '@nestjs/common';
import {
  type CreateStaffRequest,
  ErrorCode,
  type NotificationPrefs,
  type StaffItem,
  type StaffListResponse,
  type StaffUser,
  type UpdateNotificationPrefsRequest,
  type UpdateStaffRequest,
} from '../../contract/index.js';
import { AppError, forbidden, notFound } from '../../common/errors.js';
import { hashPassword } from '../../common/secrets.js';
import { type AppConfig, APP_CONFIG } from '../../config/config.js';
import { AuditService, actorOf } from '../audit/audit.service.js';
import type { StaffPrincipal } from '../auth/principal.js';
import { PresenceService } from '../presence/presence.service.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { type NewStaff, StaffRepository } from './staff.repository.js';
import type { StaffDoc } from './staff.schema.js';

export function toStaffUser(doc: StaffDoc): StaffUser {
  return { id: String(doc._id), name: doc.name, role: doc.role, firmId: String(doc.firmId) };
}

export function toStaffItem(doc: StaffDoc, online: boolean): StaffItem {
  return { id: String(doc._id), name: doc.name, email: doc.email, role: doc.role, online };
}

/** The stored switches over the defaults: everything on until the person turns it off. */
export function toNotificationPrefs(doc: StaffDoc): NotificationPrefs {
  const set = doc.notifications ?? {};
  return { toasts: set.toasts ?? true, sound: set.sound ?? true, browser: set.browser ?? true };
}

const emailTaken = () => new AppError(409, ErrorCode.EmailTaken, 'Este e-mail já está em uso');
const lastAdmin = () =>
  new AppError(409, ErrorCode.Conflict, 'O escritório precisa de pelo menos um administrador');

@Injectable()
export class StaffService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly staff: StaffRepository,
    private readonly presence: PresenceService,
    private readonly audit: AuditService,
    private readonly sessions: SessionsService,
  ) {}

  /** The account behind a login e-mail, password hash included (auth, and signup's check). */
  findByEmailForLogin(email: string): Promise<StaffDoc | null> {
    return this.staff.findByEmailForLogin(email);
  }

  findById(firmId: string, staffId: string): Promise<StaffDoc | null> {
    return this.staff.findById(firmId, staffId);
  }

  /** Every staff member of the firm (chat's monitor, reminder recipients). */
  listAccounts(firmId: string): Promise<StaffDoc[]> {
    return this.staff.list(firmId);
  }

  /** A firm's first admin (signup); null when the e-mail is taken. */
  createAccount(firmId: string, input: NewStaff): Promise<StaffDoc | null> {
    return this.staff.create(firmId, input);
  }

  async setMyNotifications(
    caller: StaffPrincipal,
    patch: UpdateNotificationPrefsRequest,
  ): Promise<NotificationPrefs> {
    const doc = await this.staff.setNotifications(caller.firmId, caller.staffId, patch);
    if (!doc) throw notFound('Staff member');
    return toNotificationPrefs(doc);
  }

  async list(caller: StaffPrincipal): Promise<StaffListResponse> {
    const [docs, online] = await Promise.all([
      this.staff.list(caller.firmId),
      this.presence.online('staff', caller.firmId),
    ]);
    return { items: docs.map((d) => toStaffItem(d, online.has(String(d._id)))) };
  }

  async create(caller: StaffPrincipal, input: CreateStaffRequest): Promise<Omit<StaffItem, 'online'>> {
    const doc = await this.staff.create(caller.firmId, {
      name: input.name,
      email: input.email,
      role: input.role,
      passwordHash: await hashPassword(input.password, this.config.ARGON2_MEMORY_KIB),
    });
    if (!doc) throw emailTaken();
    await this.audit.record(
      caller.firmId,
      actorOf(caller),
      'staff.created',
      { kind: 'staff', id: String(doc._id) },
      {
        name: doc.name,
        role: doc.role,
      },
    );
    const { online: _, ...item } = toStaffItem(doc, false);
    return item;
  }

  private async mustFind(caller: StaffPrincipal, staffId: string): Promise<StaffDoc> {
    const doc = await this.staff.findById(caller.firmId, staffId);
    if (!doc) throw notFound('Staff member');
    return doc;
  }

  async update(caller: StaffPrincipal, staffId: string, patch: UpdateStaffRequest): Promise<StaffItem> {
    const current = await this.mustFind(caller, staffId);
    if (
      current.role === 'admin' &&
      patch.role === 'accountant' &&
      (await this.staff.countAdmins(caller.firmId)) <= 1
    ) {
      throw lastAdmin();
    }
    const doc = await this.staff.update(caller.firmId, staffId, patch);
    if (doc === 'duplicate') throw emailTaken();
    if (!doc) throw notFound('Staff member');
    await this.audit.record(
      caller.firmId,
      actorOf(caller),
      'staff.updated',
      { kind: 'staff', id: staffId },
      patch,
    );
    const online = await this.presence.online('staff', caller.firmId);
    return toStaffItem(doc, online.has(staffId));
  }

  async resetPassword(caller: StaffPrincipal, staffId: string, password: string): Promise<void> {
    if (caller.role !== 'admin' && caller.staffId !== staffId) throw forbidden('Admins only');
    const doc = await this.mustFind(caller, staffId);
    await this.staff.update(caller.firmId, staffId, {
      passwordHash: await hashPassword(password, this.config.ARGON2_MEMORY_KIB),
    });
    await this.audit.record(caller.firmId, actorOf(caller), 'staff.password.reset', {
      kind: 'staff',
      id: staffId,
    });
    // Whoever held the old password is out: every other device must log in again with the
    // new one (one's own change keeps the session that made it).
    if (caller.staffId === staffId) await this.sessions.endOtherSessions(caller);
    else await this.sessions.revokeStaff(caller.firmId, staffId, 'password_changed');
    await this.sessions.clearStaffLoginLock(doc.email);
  }

  async remove(caller: StaffPrincipal, staffId: string): Promise<void> {
    if (caller.staffId === staffId) {
      throw new AppError(409, ErrorCode.Conflict, 'Você não pode remover a si mesmo');
    }
    const current = await this.mustFind(caller, staffId);
    if (current.role === 'admin' && (await this.staff.countAdmins(caller.firmId)) <= 1) throw lastAdmin();
    await this.staff.delete(caller.firmId, staffId);
    await this.sessions.revokeStaff(caller.firmId, staffId, 'removed');
    await this.audit.record(
      caller.firmId,
      actorOf(caller),
      'staff.removed',
      { kind: 'staff', id: staffId },
      {
        name: current.name,
        email: current.email,
      },
    );
  }
}
