import { Injectable } from '@nestjs/common';
import { AppError } from '../../common/errors.js';
import { ErrorCode } from '../../contract/index.js';
import { DatabaseHealth } from '../../infra/database.module.js';
import { RedisClient } from '../../infra/redis.provider.js';

const PING_TIMEOUT_MS = 1_000;

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

  /**
   * 200 when both stores answer; 503 naming which one does not, within about a second
   * either way (load balancers and compose health checks time out; a probe must not hang).
   */
  async check(): Promise<HealthReport> {
    const [mongo, redis] = await Promise.all([
      this.db.ping(PING_TIMEOUT_MS),
      this.redis.ping(PING_TIMEOUT_MS),
    ]);
    if (mongo && redis) return { status: 'ok', mongo: 'up', redis: 'up' };
    throw new AppError(503, ErrorCode.Unavailable, 'A backing service is down', {
      status: 'degraded',
      mongo: mongo ? 'up' : 'down',
      redis: redis ? 'up' : 'down',
    });
  }
}
