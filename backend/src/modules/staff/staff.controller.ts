import { Controller } from '@nestjs/common';
import { api, type EndpointInput, type EndpointResponse } from '../../contract/index.js';
import { Endpoint, Input } from '../../common/endpoint.decorator.js';
import { Caller } from '../auth/auth.decorators.js';
import type { StaffPrincipal } from '../auth/principal.js';
import { StaffService } from './staff.service.js';

const { list, create, update, updateMyNotifications, resetPassword, remove } = api.staff;

@Controller()
export class StaffController {
  constructor(private readonly staff: StaffService) {}

  @Endpoint(list)
  list(@Caller() caller: StaffPrincipal): Promise<EndpointResponse<typeof list>> {
    return this.staff.list(caller);
  }

  @Endpoint(create)
  create(
    @Caller() caller: StaffPrincipal,
    @Input() { body }: EndpointInput<typeof create>,
  ): Promise<EndpointResponse<typeof create>> {
    return this.staff.create(caller, body);
  }

  @Endpoint(update)
  update(
    @Caller() caller: StaffPrincipal,
    @Input() { params, body }: EndpointInput<typeof update>,
  ): Promise<EndpointResponse<typeof update>> {
    return this.staff.update(caller, params.id, body);
  }

  /** Each member's own alert switches: nobody sets another's. */
  @Endpoint(updateMyNotifications)
  updateMyNotifications(
    @Caller() caller: StaffPrincipal,
    @Input() { body }: EndpointInput<typeof updateMyNotifications>,
  ): Promise<EndpointResponse<typeof updateMyNotifications>> {
    return this.staff.setMyNotifications(caller, body);
  }

  /** Admins reset anyone's password; a member may change their own. */
  @Endpoint(resetPassword)
  resetPassword(
    @Caller() caller: StaffPrincipal,
    @Input() { params, body }: EndpointInput<typeof resetPassword>,
  ): Promise<void> {
    return this.staff.resetPassword(caller, params.id, body.password);
  }

  @Endpoint(remove)
  remove(@Caller() caller: StaffPrincipal, @Input() { params }: EndpointInput<typeof remove>): Promise<void> {
    return this.staff.remove(caller, params.id);
  }
}
