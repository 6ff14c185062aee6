import { Controller, Inject, Ip, Res } from '@nestjs/common';
import type { Response } from 'express';
import { api, type EndpointInput, type EndpointResponse } from '../../contract/index.js';
import { Endpoint, Input } from '../../common/endpoint.decorator.js';
import { type AppConfig, APP_CONFIG } from '../../config/config.js';
import { Caller } from './auth.decorators.js';
import { AuthService } from './auth.service.js';
import type { Principal } from './principal.js';
import { clearSessionCookie, setSessionCookie } from './session-cookie.js';

const { staffLogin, portalLogin, logout } = api.auth;

@Controller()
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Endpoint(staffLogin)
  async staffLogin(
    @Input() { body }: EndpointInput<typeof staffLogin>,
    @Ip() ip: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<EndpointResponse<typeof staffLogin>> {
    const result = await this.auth.staffLogin(body.email, body.password, ip);
    setSessionCookie(res, result.token, this.config);
    return result;
  }

  @Endpoint(portalLogin)
  async portalLogin(
    @Input() { params, body }: EndpointInput<typeof portalLogin>,
    @Ip() ip: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<EndpointResponse<typeof portalLogin>> {
    const result = await this.auth.portalLogin(params.slug, body.cnpj, body.password, ip);
    setSessionCookie(res, result.token, this.config);
    return result;
  }

  @Endpoint(logout)
  async logout(@Caller() caller: Principal, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.auth.logout(caller);
    clearSessionCookie(res);
  }
}
