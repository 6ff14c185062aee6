import { Body, Controller, Get, Inject, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import {
  createFirmRequestSchema,
  type CreateFirmRequest,
  type CreateFirmResponse,
  type PortalFirmResponse,
  type StaffMeResponse,
} from '../../contract/index.js';
import { ZodPipe } from '../../common/zod.pipe.js';
import { type AppConfig, APP_CONFIG } from '../../config/config.js';
import { Caller, Public, StaffOnly } from '../auth/auth.decorators.js';
import type { StaffPrincipal } from '../auth/principal.js';
import { setSessionCookie } from '../auth/session-cookie.js';
import { FirmsService } from './firms.service.js';

@Controller()
export class FirmsController {
  constructor(
    private readonly firms: FirmsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Public()
  @Post('firms')
  async create(
    @Body(new ZodPipe(createFirmRequestSchema)) body: CreateFirmRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CreateFirmResponse> {
    const result = await this.firms.signup(body);
    setSessionCookie(res, result.token, this.config);
    return result;
  }

  @Public()
  @Get('portal/:slug')
  portal(@Param('slug') slug: string): Promise<PortalFirmResponse> {
    return this.firms.portalFirm(slug);
  }

  @StaffOnly()
  @Get('staff/me')
  me(@Caller() caller: StaffPrincipal): Promise<StaffMeResponse> {
    return this.firms.staffMe(caller);
  }
}
