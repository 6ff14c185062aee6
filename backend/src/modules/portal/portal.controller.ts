import { Controller } from '@nestjs/common';
import { api, type EndpointInput, type EndpointResponse } from '../../contract/index.js';
import { Endpoint, Input } from '../../common/endpoint.decorator.js';
import { Caller } from '../auth/auth.decorators.js';
import type { ClientPrincipal } from '../auth/principal.js';
import { PortalService } from './portal.service.js';

const { me, changePassword } = api.me;

/** The client's own area; each feature is gated by its permission key on the server. */
@Controller()
export class PortalController {
  constructor(private readonly portal: PortalService) {}

  @Endpoint(me)
  me(@Caller() caller: ClientPrincipal): Promise<EndpointResponse<typeof me>> {
    return this.portal.me(caller);
  }

  @Endpoint(changePassword)
  changePassword(
    @Caller() caller: ClientPrincipal,
    @Input() { body }: EndpointInput<typeof changePassword>,
  ): Promise<void> {
    return this.portal.changePassword(caller, body);
  }
}
