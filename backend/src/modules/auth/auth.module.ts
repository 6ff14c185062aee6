import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { ClientsModule } from '../clients/clients.module.js';
import { FirmsModule } from '../firms/firms.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { StaffModule } from '../staff/staff.module.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';

/**
 * Logins and who a session belongs to. It sits above the modules that own accounts: they
 * start and end sessions through SessionsModule, never through this one.
 */
@Module({
  imports: [SessionsModule, StaffModule, ClientsModule, FirmsModule, AuditModule],
  controllers: [AuthController],
  providers: [AuthService],
  exports: [AuthService],
})
export class AuthModule {}
