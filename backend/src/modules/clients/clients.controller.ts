import { Controller } from '@nestjs/common';
import { api, type EndpointInput, type EndpointResponse } from '../../contract/index.js';
import { Endpoint, Input } from '../../common/endpoint.decorator.js';
import { Caller } from '../auth/auth.decorators.js';
import type { StaffPrincipal } from '../auth/principal.js';
import { ClientsService } from './clients.service.js';

const c = api.clients;

@Controller()
export class ClientsController {
  constructor(private readonly clients: ClientsService) {}

  @Endpoint(c.list)
  list(
    @Caller() caller: StaffPrincipal,
    @Input() { query }: EndpointInput<typeof c.list>,
  ): Promise<EndpointResponse<typeof c.list>> {
    return this.clients.list(caller, query);
  }

  @Endpoint(c.create)
  create(
    @Caller() caller: StaffPrincipal,
    @Input() { body }: EndpointInput<typeof c.create>,
  ): Promise<EndpointResponse<typeof c.create>> {
    return this.clients.create(caller, body);
  }

  @Endpoint(c.importCsv)
  import(
    @Caller() caller: StaffPrincipal,
    @Input() { body }: EndpointInput<typeof c.importCsv>,
  ): Promise<EndpointResponse<typeof c.importCsv>> {
    return this.clients.importCsv(caller, body.csv);
  }

  @Endpoint(c.bulkPortal)
  bulk(
    @Caller() caller: StaffPrincipal,
    @Input() { body }: EndpointInput<typeof c.bulkPortal>,
  ): Promise<EndpointResponse<typeof c.bulkPortal>> {
    return this.clients.bulkPortal(caller, body);
  }

  @Endpoint(c.bulkPortalJob)
  bulkJob(
    @Caller() caller: StaffPrincipal,
    @Input() { params }: EndpointInput<typeof c.bulkPortalJob>,
  ): Promise<EndpointResponse<typeof c.bulkPortalJob>> {
    return this.clients.bulkPortalJob(caller, params.jobId);
  }

  @Endpoint(c.get)
  get(
    @Caller() caller: StaffPrincipal,
    @Input() { params }: EndpointInput<typeof c.get>,
  ): Promise<EndpointResponse<typeof c.get>> {
    return this.clients.get(caller, params.id);
  }

  @Endpoint(c.update)
  update(
    @Caller() caller: StaffPrincipal,
    @Input() { params, body }: EndpointInput<typeof c.update>,
  ): Promise<EndpointResponse<typeof c.update>> {
    return this.clients.update(caller, params.id, body);
  }

  @Endpoint(c.updatePortal)
  setPortal(
    @Caller() caller: StaffPrincipal,
    @Input() { params, body }: EndpointInput<typeof c.updatePortal>,
  ): Promise<EndpointResponse<typeof c.updatePortal>> {
    return this.clients.setPortal(caller, params.id, body);
  }

  @Endpoint(c.viewPassword)
  viewPassword(
    @Caller() caller: StaffPrincipal,
    @Input() { params }: EndpointInput<typeof c.viewPassword>,
  ): Promise<EndpointResponse<typeof c.viewPassword>> {
    return this.clients.viewPassword(caller, params.id);
  }

  @Endpoint(c.resetPassword)
  resetPassword(
    @Caller() caller: StaffPrincipal,
    @Input() { params }: EndpointInput<typeof c.resetPassword>,
  ): Promise<EndpointResponse<typeof c.resetPassword>> {
    return this.clients.resetPassword(caller, params.id);
  }

  @Endpoint(c.unlockLogin)
  unlock(
    @Caller() caller: StaffPrincipal,
    @Input() { params }: EndpointInput<typeof c.unlockLogin>,
  ): Promise<EndpointResponse<typeof c.unlockLogin>> {
    return this.clients.unlockLogin(caller, params.id);
  }

  @Endpoint(c.block)
  block(
    @Caller() caller: StaffPrincipal,
    @Input() { params }: EndpointInput<typeof c.block>,
  ): Promise<EndpointResponse<typeof c.block>> {
    return this.clients.setBlocked(caller, params.id, true);
  }

  @Endpoint(c.unblock)
  unblock(
    @Caller() caller: StaffPrincipal,
    @Input() { params }: EndpointInput<typeof c.unblock>,
  ): Promise<EndpointResponse<typeof c.unblock>> {
    return this.clients.setBlocked(caller, params.id, false);
  }

  @Endpoint(c.impersonate)
  impersonate(
    @Caller() caller: StaffPrincipal,
    @Input() { params }: EndpointInput<typeof c.impersonate>,
  ): Promise<EndpointResponse<typeof c.impersonate>> {
    return this.clients.impersonate(caller, params.id);
  }

  @Endpoint(c.audit)
  audit(
    @Caller() caller: StaffPrincipal,
    @Input() { params }: EndpointInput<typeof c.audit>,
  ): Promise<EndpointResponse<typeof c.audit>> {
    return this.clients.auditLog(caller, params.id);
  }
}
