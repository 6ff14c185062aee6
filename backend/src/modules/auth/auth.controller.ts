import { Body, Controller, HttpCode, Inject, Ip, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import {
  portalLoginRequestSchema,
  type PortalLoginRequest,
  type PortalLoginResponse,
  staffLoginRequestSchema,
  type StaffLoginRequest,
  type StaffLoginResponse,
} from '../../contract/index.js';
import { ZodPipe } from '../../common/zod.pipe.js';
import { type AppConfig, APP_CONFIG } from '../../config/config.js';
import { AnySession, Caller, Public } from './auth.decorators.js';
import { AuthService } from './auth.service.js';
import type { Principal } from './principal.js';
import { clearSessionCookie, setSessionCookie } from './session-cookie.js';

@Controller()
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Public()
  @Post('auth/staff/login')
  @HttpCode(200)
  async staffLogin(
    @Body(new ZodPipe(staffLoginRequestSchema)) body: StaffLoginRequest,
    @Ip() ip: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StaffLoginResponse> {
    const result = await this.auth.staffLogin(body.email, body.password, ip);
    setSessionCookie(res, result.token, this.config);
    return result;
  }

  @Public()
  @Post('portal/:slug/login')
  @HttpCode(200)
  async portalLogin(
    @Param('slug') slug: string,
    @Body(new ZodPipe(portalLoginRequestSchema)) body: PortalLoginRequest,
    @Ip() ip: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PortalLoginResponse> {
    const result = await this.auth.portalLogin(slug.toLowerCase(), body.cnpj, body.password, ip);
    setSessionCookie(res, result.token, this.config);
    return result;
  }

  @AnySession()
  @Post('auth/logout')
  @HttpCode(204)
  async logout(@Caller() caller: Principal, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.auth.logout(caller);
    clearSessionCookie(res);
  }
}
