import { Module } from '@nestjs/common';
import { JobRepository } from './job.repository.js';
import { JobsService } from './jobs.service.js';

@Module({
  providers: [JobRepository, JobsService],
  exports: [JobsService],
})
export class JobsModule {}
