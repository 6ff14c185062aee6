import { Injectable } from '@nestjs/common';
import {
  type CreateFirmRequest,
  type CreateFirmResponse,
  ErrorCode,
  type PortalFirmResponse,
  type StaffMeResponse,
} from '../../contract/index.js';
import { AppError, notFound, unauthenticated } from '../../common/errors.js';
import { hashPassword } from '../../common/secrets.js';
import { Inject } from '@nestjs/common';
import { type AppConfig, APP_CONFIG } from '../../config/config.js';
import type { StaffPrincipal } from '../auth/principal.js';
import { SessionsService } from '../sessions/sessions.service.js';
import { StaffService, toNotificationPrefs, toStaffUser } from '../staff/staff.service.js';
import { FirmRepository } from './firm.repository.js';
import type { FirmDoc } from './firm.schema.js';

export const toFirmDto = (doc: FirmDoc) => ({ id: String(doc._id), name: doc.name, slug: doc.slug });

const emailTaken = () => new AppError(409, ErrorCode.EmailTaken, 'Este e-mail já está em uso');

@Injectable()
export class FirmsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly firms: FirmRepository,
    private readonly staff: StaffService,
    private readonly sessions: SessionsService,
  ) {}

  /** The firm at a portal address (portal login). */
  findBySlug(slug: string): Promise<FirmDoc | null> {
    return this.firms.findBySlug(slug);
  }

  findById(firmId: string): Promise<FirmDoc | null> {
    return this.firms.findById(firmId);
  }

  async signup(input: CreateFirmRequest): Promise<CreateFirmResponse> {
    if (await this.staff.findByEmailForLogin(input.admin.email)) throw emailTaken();
    const firm = await this.firms.create(input.firm);
    if (!firm) throw new AppError(409, ErrorCode.SlugTaken, 'Este endereço já está em uso');
    const admin = await this.staff.createAccount(String(firm._id), {
      name: input.admin.name,
      email: input.admin.email,
      role: 'admin',
      passwordHash: await hashPassword(input.admin.password, this.config.ARGON2_MEMORY_KIB),
    });
    if (!admin) {
      // No transactions on our MongoDB-wire servers: undo the firm so the slug is free again.
      await this.firms.delete(String(firm._id));
      throw emailTaken();
    }
    const token = await this.sessions.startStaffSession(admin);
    return { firm: toFirmDto(firm), token, user: toStaffUser(admin) };
  }

  async portalFirm(slug: string): Promise<PortalFirmResponse> {
    const firm = await this.firms.findBySlug(slug.toLowerCase());
    if (!firm) throw notFound('Firm');
    return { firm: { name: firm.name, slug: firm.slug } };
  }

  async staffMe(caller: StaffPrincipal): Promise<StaffMeResponse> {
    const [firm, me] = await Promise.all([
      this.firms.findById(caller.firmId),
      this.staff.findById(caller.firmId, caller.staffId),
    ]);
    if (!firm || !me) throw unauthenticated();
    return {
      user: { ...toStaffUser(me), email: me.email },
      firm: toFirmDto(firm),
      notifications: toNotificationPrefs(me),
    };
  }
}
