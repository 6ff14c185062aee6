import { Body, Controller, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import {
  type AuditListResponse,
  type BulkPortalJobResponse,
  bulkPortalRequestSchema,
  type BulkPortalRequest,
  type BulkPortalResponse,
  type ClientItem,
  createClientRequestSchema,
  type CreateClientRequest,
  importClientsRequestSchema,
  type ImportClientsRequest,
  type ImportClientsResponse,
  type ImpersonateResponse,
  listClientsQuerySchema,
  type ListClientsQuery,
  type ListClientsResponse,
  type PasswordResponse,
  updateClientRequestSchema,
  type UpdateClientRequest,
  updatePortalRequestSchema,
  type UpdatePortalRequest,
  type UpdatePortalResponse,
} from '../../contract/index.js';
import { parseId } from '../../common/ids.js';
import { ZodPipe } from '../../common/zod.pipe.js';
import { Caller, StaffOnly } from '../auth/auth.decorators.js';
import type { StaffPrincipal } from '../auth/principal.js';
import { ClientsService } from './clients.service.js';

const id = (raw: string) => parseId(raw, 'Client');

@StaffOnly()
@Controller('clients')
export class ClientsController {
  constructor(private readonly clients: ClientsService) {}

  @Get()
  list(
    @Caller() caller: StaffPrincipal,
    @Query(new ZodPipe(listClientsQuerySchema)) query: ListClientsQuery,
  ): Promise<ListClientsResponse> {
    return this.clients.list(caller, query);
  }

  @Post()
  create(
    @Caller() caller: StaffPrincipal,
    @Body(new ZodPipe(createClientRequestSchema)) body: CreateClientRequest,
  ): Promise<ClientItem> {
    return this.clients.create(caller, body);
  }

  @Post('import')
  @HttpCode(200)
  import(
    @Caller() caller: StaffPrincipal,
    @Body(new ZodPipe(importClientsRequestSchema)) body: ImportClientsRequest,
  ): Promise<ImportClientsResponse> {
    return this.clients.importCsv(caller, body.csv);
  }

  @Post('portal/bulk')
  @HttpCode(200)
  bulk(
    @Caller() caller: StaffPrincipal,
    @Body(new ZodPipe(bulkPortalRequestSchema)) body: BulkPortalRequest,
  ): Promise<BulkPortalResponse> {
    return this.clients.bulkPortal(caller, body);
  }

  @Get('portal/bulk/:jobId')
  bulkJob(@Caller() caller: StaffPrincipal, @Param('jobId') jobId: string): Promise<BulkPortalJobResponse> {
    return this.clients.bulkPortalJob(caller, jobId);
  }

  @Get(':id')
  get(@Caller() caller: StaffPrincipal, @Param('id') raw: string): Promise<ClientItem> {
    return this.clients.get(caller, id(raw));
  }

  @Patch(':id')
  update(
    @Caller() caller: StaffPrincipal,
    @Param('id') raw: string,
    @Body(new ZodPipe(updateClientRequestSchema)) body: UpdateClientRequest,
  ): Promise<ClientItem> {
    return this.clients.update(caller, id(raw), body);
  }

  @Put(':id/portal')
  setPortal(
    @Caller() caller: StaffPrincipal,
    @Param('id') raw: string,
    @Body(new ZodPipe(updatePortalRequestSchema)) body: UpdatePortalRequest,
  ): Promise<UpdatePortalResponse> {
    return this.clients.setPortal(caller, id(raw), body);
  }

  @Get(':id/portal/password')
  viewPassword(@Caller() caller: StaffPrincipal, @Param('id') raw: string): Promise<PasswordResponse> {
    return this.clients.viewPassword(caller, id(raw));
  }

  @Post(':id/portal/password/reset')
  @HttpCode(200)
  resetPassword(@Caller() caller: StaffPrincipal, @Param('id') raw: string): Promise<PasswordResponse> {
    return this.clients.resetPassword(caller, id(raw));
  }

  @Post(':id/portal/unlock')
  @HttpCode(200)
  unlock(@Caller() caller: StaffPrincipal, @Param('id') raw: string): Promise<ClientItem> {
    return this.clients.unlockLogin(caller, id(raw));
  }

  @Post(':id/portal/block')
  @HttpCode(200)
  block(@Caller() caller: StaffPrincipal, @Param('id') raw: string): Promise<ClientItem> {
    return this.clients.setBlocked(caller, id(raw), true);
  }

  @Post(':id/portal/unblock')
  @HttpCode(200)
  unblock(@Caller() caller: StaffPrincipal, @Param('id') raw: string): Promise<ClientItem> {
    return this.clients.setBlocked(caller, id(raw), false);
  }

  @Post(':id/impersonate')
  @HttpCode(200)
  impersonate(@Caller() caller: StaffPrincipal, @Param('id') raw: string): Promise<ImpersonateResponse> {
    return this.clients.impersonate(caller, id(raw));
  }

  @Get(':id/audit')
  audit(@Caller() caller: StaffPrincipal, @Param('id') raw: string): Promise<AuditListResponse> {
    return this.clients.auditLog(caller, id(raw));
  }
}
