import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  changeOwnPasswordRequestSchema,
  type ChangeOwnPasswordRequest,
  type DocumentListResponse,
  type MeResponse,
  type ServiceOrderListResponse,
} from '../../contract/index.js';
import { ZodPipe } from '../../common/zod.pipe.js';
import { Caller, ClientOnly } from '../auth/auth.decorators.js';
import type { ClientPrincipal } from '../auth/principal.js';
import { PortalService } from './portal.service.js';

/** The client's own area; each feature is gated by its permission key on the server. */
@Controller('me')
export class PortalController {
  constructor(private readonly portal: PortalService) {}

  @ClientOnly()
  @Get()
  me(@Caller() caller: ClientPrincipal): Promise<MeResponse> {
    return this.portal.me(caller);
  }

  @ClientOnly()
  @Post('password')
  @HttpCode(204)
  changePassword(
    @Caller() caller: ClientPrincipal,
    @Body(new ZodPipe(changeOwnPasswordRequestSchema)) body: ChangeOwnPasswordRequest,
  ): Promise<void> {
    return this.portal.changePassword(caller, body);
  }

  @ClientOnly('documents')
  @Get('documents')
  documents(@Caller() caller: ClientPrincipal): Promise<DocumentListResponse> {
    return this.portal.documents(caller);
  }

  @ClientOnly('serviceForms')
  @Get('service-orders')
  serviceOrders(@Caller() caller: ClientPrincipal): Promise<ServiceOrderListResponse> {
    return this.portal.serviceOrders(caller);
  }
}
