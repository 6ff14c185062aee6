import { randomBytes } from 'node:crypto';
import { parseConfig, type AppConfig } from '../../src/config/config.schema.js';

/** Services come from `npm run services:up` (or CI); tests never mock them. */
export function serviceUrls(): { mongo: string; redis: string } {
  const mongo = process.env.MONGO_URL;
  const redis = process.env.REDIS_URL;
  if (!mongo || !redis) {
    throw new Error(
      'MONGO_URL and REDIS_URL must be set: run `npm run services:up` and source .data/services.env',
    );
  }
  return { mongo, redis };
}

/** A fresh database name, so each test file starts empty. */
export function freshDbUrl(prefix: string): string {
  const url = new URL(serviceUrls().mongo);
  url.pathname = `/t_${prefix.replace(/\W/g, '_').slice(0, 20)}_${randomBytes(4).toString('hex')}`;
  return url.toString();
}

export function testConfig(prefix: string, overrides: Record<string, string> = {}): AppConfig {
  const parsed = parseConfig({
    NODE_ENV: 'test',
    PORT: '0',
    MONGO_URL: freshDbUrl(prefix),
    REDIS_URL: serviceUrls().redis,
    SECRET_KEY: randomBytes(32).toString('base64'),
    // Cheap hashes and a high IP limit keep the suite fast; dedicated tests lower the limit.
    ARGON2_MEMORY_KIB: '1024',
    LOGIN_RATE_PER_MINUTE: '100000',
    LOG_LEVEL: 'error',
    REDIS_KEY_PREFIX: `t${randomBytes(4).toString('hex')}:`,
    ...overrides,
  });
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return parsed.config;
}
