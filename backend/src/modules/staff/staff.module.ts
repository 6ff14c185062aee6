import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AuditModule } from '../audit/audit.module.js';
import { PresenceModule } from '../presence/presence.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { StaffController } from './staff.controller.js';
import { StaffRepository } from './staff.repository.js';
import { STAFF_MODEL, staffSchema } from './staff.schema.js';
import { StaffService } from './staff.service.js';

@Module({
  imports: [
    MongooseModule.forFeature([{ name: STAFF_MODEL, schema: staffSchema }]),
    AuditModule,
    PresenceModule,
    SessionsModule,
  ],
  controllers: [StaffController],
  providers: [StaffRepository, StaffService],
  exports: [StaffService],
})
export class StaffModule {}
