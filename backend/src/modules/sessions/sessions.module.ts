import { Module } from '@nestjs/common';
import { LoginLimitRepository } from './login-limit.repository.js';
import { SessionRepository } from './session.repository.js';
import { SessionsService } from './sessions.service.js';

@Module({
  providers: [SessionRepository, LoginLimitRepository, SessionsService],
  exports: [SessionsService],
})
export class SessionsModule {}
