import 'reflect-metadata';
import { Logger, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import type { NextFunction, Request, Response } from 'express';
import { ApiModule } from './app.module.js';
import { webProxyClientIp } from './common/client-ip.js';
import type { AppConfig } from './config/config.js';
import { RedisIoAdapter } from './infra/redis-io.adapter.js';
import { buildOpenApiDocument } from './openapi.js';

const LEVELS: LogLevel[] = ['error', 'warn', 'log', 'debug'];

export function logLevels(config: AppConfig): LogLevel[] {
  return LEVELS.slice(0, LEVELS.indexOf(config.LOG_LEVEL) + 1);
}

// JSON needs nothing from the page it would be rendered in; a stored file opened directly
// (an uploaded SVG or HTML) must not run anything either.
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
// Swagger UI loads its own scripts and sets inline styles.
const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** The usual security headers on every api response; HSTS only when the app is served over https. */
function securityHeaders(config: AppConfig) {
  const hsts = new URL(config.PUBLIC_URL).protocol === 'https:';
  return (req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Content-Security-Policy', req.path.startsWith('/api/docs') ? DOCS_CSP : API_CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    if (hsts) res.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    next();
  };
}

/** Builds the api (HTTP + Socket.IO) without listening, so tests can start it on any port. */
export async function createApi(config: AppConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(config), {
    logger: logLevels(config),
    bodyParser: false,
  });
  // Only the configured proxy hops may name the client's IP (login limits count by it).
  if (config.TRUST_PROXY === 'web') {
    app.set('trust proxy', false);
    app.use(webProxyClientIp(config.SECRET_KEY));
  } else {
    app.set('trust proxy', config.TRUST_PROXY);
  }
  app.disable('x-powered-by');
  app.use(securityHeaders(config));
  app.useBodyParser('json', { limit: '6mb' });
  app.use(cookieParser());
  app.setGlobalPrefix('api');
  app.useWebSocketAdapter(
    new RedisIoAdapter(app, config.REDIS_URL, config.REDIS_KEY_PREFIX, config.PUBLIC_URL),
  );
  app.enableShutdownHooks();
  SwaggerModule.setup('api/docs', app, buildOpenApiDocument() as never, {
    jsonDocumentUrl: 'api/docs/openapi.json',
  });
  return app;
}

/**
 * A promise nobody awaits that fails (a Socket.IO broadcast published while Redis is down
 * or closing, a listener run after its ack) is logged; it must not end the process and
 * every other firm's connections with it.
 */
export function logUnhandledRejections(): void {
  const logger = new Logger('Process');
  process.on('unhandledRejection', (reason) => logger.error(`unhandled rejection: ${String(reason)}`));
}

export async function startApi(config: AppConfig): Promise<NestExpressApplication> {
  logUnhandledRejections();
  const app = await createApi(config);
  await app.listen(config.PORT, '0.0.0.0');
  new Logger('Api').log(`listening on :${config.PORT}`);
  return app;
}
