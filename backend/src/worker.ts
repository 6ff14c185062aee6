import 'reflect-metadata';
import os from 'node:os';
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
// Background work yields the CPU to an api on the same machine (see WORKER_NICE).
try {
  if (config.WORKER_NICE)
    os.setPriority(os.getPriority() + config.WORKER_NICE > 19 ? 19 : os.getPriority() + config.WORKER_NICE);
} catch (err) {
  new Logger('Worker').warn(`could not lower the worker's priority: ${String(err)}`);
}
const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), {
  logger: logLevels(config),
});
app.enableShutdownHooks();
app.get(JobsService).start(jobHandlers(app));
new Logger('Worker').log(`worker started: ${Object.values(QueueName).join(', ')}`);
