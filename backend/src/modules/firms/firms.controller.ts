import { Controller, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { api, type EndpointInput, type EndpointResponse } from '../../contract/index.js';
import { Endpoint, Input } from '../../common/endpoint.decorator.js';
import { type AppConfig, APP_CONFIG } from '../../config/config.js';
import { Caller } from '../auth/auth.decorators.js';
import type { StaffPrincipal } from '../auth/principal.js';
import { setSessionCookie } from '../auth/session-cookie.js';
import { FirmsService } from './firms.service.js';

const { create, portal, staffMe } = api.firms;

@Controller()
export class FirmsController {
  constructor(
    private readonly firms: FirmsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Endpoint(create)
  async create(
    @Input() { body }: EndpointInput<typeof create>,
    @Res({ passthrough: true }) res: Response,
  ): Promise<EndpointResponse<typeof create>> {
    const result = await this.firms.signup(body);
    setSessionCookie(res, result.token, this.config);
    return result;
  }

  @Endpoint(portal)
  portal(@Input() { params }: EndpointInput<typeof portal>): Promise<EndpointResponse<typeof portal>> {
    return this.firms.portalFirm(params.slug);
  }

  @Endpoint(staffMe)
  me(@Caller() caller: StaffPrincipal): Promise<EndpointResponse<typeof staffMe>> {
    return this.firms.staffMe(caller);
  }
}
