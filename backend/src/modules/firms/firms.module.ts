import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { SessionsModule } from '../sessions/sessions.module.js';
import { StaffModule } from '../staff/staff.module.js';
import { FirmRepository } from './firm.repository.js';
import { FIRM_MODEL, firmSchema } from './firm.schema.js';
import { FirmsController } from './firms.controller.js';
import { FirmsService } from './firms.service.js';

@Module({
  imports: [
    MongooseModule.forFeature([{ name: FIRM_MODEL, schema: firmSchema }]),
    StaffModule,
    SessionsModule,
  ],
  controllers: [FirmsController],
  providers: [FirmRepository, FirmsService],
  exports: [FirmsService],
})
export class FirmsModule {}
