import { Global, Inject, Injectable, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { type AppConfig, APP_CONFIG } from '../config/config.js';

/** The shared command connection; repositories build on it. */
@Injectable()
export class RedisClient implements OnApplicationShutdown {
  readonly redis: Redis;
  private readonly logger = new Logger('Redis');

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    // While Redis is down a command waits for three reconnection attempts (well under a
    // second when the port refuses), then fails as UNAVAILABLE; the connection itself keeps
    // reconnecting for as long as it takes.
    this.redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 3, keyPrefix: config.REDIS_KEY_PREFIX });
    this.redis.on('error', (err) => this.logger.warn(`redis: ${err.message}`));
  }

  /** Up only if connected and PING answers within `timeoutMs` (queued commands would wait). */
  async ping(timeoutMs: number): Promise<boolean> {
    if (this.redis.status !== 'ready') return false;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    try {
      return await Promise.race([this.redis.ping().then((r) => r === 'PONG'), late]);
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

@Global()
@Module({ providers: [RedisClient], exports: [RedisClient] })
export class RedisModule {}
