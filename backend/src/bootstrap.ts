import 'reflect-metadata';
import { Logger, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import { ApiModule } from './app.module.js';
import type { AppConfig } from './config/config.js';
import { RedisIoAdapter } from './infra/redis-io.adapter.js';
import { buildOpenApiDocument } from './openapi.js';

const LEVELS: LogLevel[] = ['error', 'warn', 'log', 'debug'];

export function logLevels(config: AppConfig): LogLevel[] {
  return LEVELS.slice(0, LEVELS.indexOf(config.LOG_LEVEL) + 1);
}

/** Builds the api (HTTP + Socket.IO) without listening, so tests can start it on any port. */
export async function createApi(config: AppConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(config), {
    logger: logLevels(config),
    bodyParser: false,
  });
  // The web server proxies /api; trust it (and only loopback/private hops) for the client IP.
  app.set('trust proxy', 'loopback, uniquelocal');
  app.useBodyParser('json', { limit: '6mb' });
  app.use(cookieParser());
  app.setGlobalPrefix('api');
  app.useWebSocketAdapter(new RedisIoAdapter(app, config.REDIS_URL, config.REDIS_KEY_PREFIX));
  app.enableShutdownHooks();
  SwaggerModule.setup('api/docs', app, buildOpenApiDocument() as never, {
    jsonDocumentUrl: 'api/docs/openapi.json',
  });
  return app;
}

export async function startApi(config: AppConfig): Promise<NestExpressApplication> {
  const app = await createApi(config);
  await app.listen(config.PORT, '0.0.0.0');
  new Logger('Api').log(`listening on :${config.PORT}`);
  return app;
}
