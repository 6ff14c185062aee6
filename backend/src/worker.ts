import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { WorkerModule } from './app.module.js';
import { logLevels, logUnhandledRejections } from './bootstrap.js';
import { loadConfig } from './config/config.js';
import { jobHandlers } from './modules/jobs/job-handlers.js';
import { JobsService } from './modules/jobs/jobs.service.js';
import { QueueName } from './modules/jobs/job.types.js';

/** The worker process: BullMQ processors, no HTTP. Scale by running more of them. */
logUnhandledRejections();
const config = loadConfig();
const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), {
  logger: logLevels(config),
});
app.enableShutdownHooks();
app.get(JobsService).start(jobHandlers(app));
new Logger('Worker').log(`worker started: ${Object.values(QueueName).join(', ')}`);
