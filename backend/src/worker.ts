import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CoreModule } from './app.module.js';
import { logLevels } from './bootstrap.js';
import { loadConfig } from './config/config.js';
import { JobRepository } from './modules/jobs/job.repository.js';
import { JobName } from './modules/jobs/job.types.js';
import { UnreadReminderService } from './modules/notifications/unread-reminder.service.js';

/** The worker process: BullMQ processors, no HTTP. Scale by running more of them. */
const config = loadConfig();
const app = await NestFactory.createApplicationContext(CoreModule.forRoot(config), {
  logger: logLevels(config),
});
app.enableShutdownHooks();
const reminders = app.get(UnreadReminderService);
app.get(JobRepository).start({
  [JobName.UnreadReminder]: (data) => reminders.process(data),
});
new Logger('Worker').log('worker started: unread-reminders');
