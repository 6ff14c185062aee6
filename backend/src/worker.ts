import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CoreModule } from './app.module.js';
import { logLevels } from './bootstrap.js';
import { loadConfig } from './config/config.js';

/**
 * The worker process: BullMQ processors, no HTTP. It boots the same core (config,
 * MongoDB, Redis) as the api so a bad deploy fails here too. The queues of
 * ARCHITECTURE.md (unread-reminders, guide-delivery) arrive with the chat and
 * guide issues; until then it holds no processors.
 */
const config = loadConfig();
const app = await NestFactory.createApplicationContext(CoreModule.forRoot(config), {
  logger: logLevels(config),
});
app.enableShutdownHooks();
new Logger('Worker').log('worker started (no queues registered yet)');
