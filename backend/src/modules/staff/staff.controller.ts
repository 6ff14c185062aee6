import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  createStaffRequestSchema,
  type CreateStaffRequest,
  resetStaffPasswordRequestSchema,
  type ResetStaffPasswordRequest,
  type StaffItem,
  type StaffListResponse,
  updateStaffRequestSchema,
  type UpdateStaffRequest,
} from '../../contract/index.js';
import { parseId } from '../../common/ids.js';
import { ZodPipe } from '../../common/zod.pipe.js';
import { AdminOnly, Caller, StaffOnly } from '../auth/auth.decorators.js';
import type { StaffPrincipal } from '../auth/principal.js';
import { StaffService } from './staff.service.js';

@Controller('staff')
export class StaffController {
  constructor(private readonly staff: StaffService) {}

  @StaffOnly()
  @Get()
  list(@Caller() caller: StaffPrincipal): Promise<StaffListResponse> {
    return this.staff.list(caller);
  }

  @AdminOnly()
  @Post()
  create(
    @Caller() caller: StaffPrincipal,
    @Body(new ZodPipe(createStaffRequestSchema)) body: CreateStaffRequest,
  ): Promise<Omit<StaffItem, 'online'>> {
    return this.staff.create(caller, body);
  }

  @AdminOnly()
  @Patch(':id')
  update(
    @Caller() caller: StaffPrincipal,
    @Param('id') id: string,
    @Body(new ZodPipe(updateStaffRequestSchema)) body: UpdateStaffRequest,
  ): Promise<StaffItem> {
    return this.staff.update(caller, parseId(id, 'Staff member'), body);
  }

  /** Admins reset anyone's password; a member may change their own. */
  @StaffOnly()
  @Post(':id/password')
  @HttpCode(204)
  resetPassword(
    @Caller() caller: StaffPrincipal,
    @Param('id') id: string,
    @Body(new ZodPipe(resetStaffPasswordRequestSchema)) body: ResetStaffPasswordRequest,
  ): Promise<void> {
    return this.staff.resetPassword(caller, parseId(id, 'Staff member'), body.password);
  }

  @AdminOnly()
  @Delete(':id')
  @HttpCode(204)
  remove(@Caller() caller: StaffPrincipal, @Param('id') id: string): Promise<void> {
    return this.staff.remove(caller, parseId(id, 'Staff member'));
  }
}
