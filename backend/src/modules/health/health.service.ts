import { Injectable } from '@nestjs/common';
import { AppError } from '../../common/errors.js';
import { DatabaseHealth } from '../../infra/database.module.js';
import { RedisClient } from '../../infra/redis.provider.js';

export interface HealthReport {
  status: 'ok';
  mongo: 'up';
  redis: 'up';
}

@Injectable()
export class HealthService {
  constructor(
    private readonly db: DatabaseHealth,
    private readonly redis: RedisClient,
  ) {}

  /** 200 when both stores answer; 503 naming which one does not. */
  async check(): Promise<HealthReport> {
    const [mongo, redis] = await Promise.all([this.db.ping(), this.redis.ping()]);
    if (mongo && redis) return { status: 'ok', mongo: 'up', redis: 'up' };
    throw new AppError(503, 'UNAVAILABLE', 'A backing service is down', {
      status: 'degraded',
      mongo: mongo ? 'up' : 'down',
      redis: redis ? 'up' : 'down',
    });
  }
}
