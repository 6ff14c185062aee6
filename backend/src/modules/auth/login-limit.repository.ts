import { Injectable } from '@nestjs/common';
import { RedisClient } from '../../infra/redis.provider.js';

/** Counters behind the login limits: per IP a minute, and per CNPJ with a lock-out. */
@Injectable()
export class LoginLimitRepository {
  constructor(private readonly client: RedisClient) {}

  /** Counts one attempt from this IP; returns the seconds to wait when over the limit, else 0. */
  async hitIp(scope: string, ip: string, perMinute: number): Promise<number> {
    const minute = Math.floor(Date.now() / 60_000);
    const key = `ratelimit:${scope}:${ip}:${minute}`;
    const [[, count]] = (await this.client.redis.multi().incr(key).expire(key, 60).exec()) as [
      [unknown, number],
      unknown,
    ];
    return count > perMinute ? 60 - Math.floor((Date.now() % 60_000) / 1000) : 0;
  }

  /** Milliseconds left on the lock of this login name, 0 when not locked. */
  async lockRemainingMs(firmId: string, login: string): Promise<number> {
    const ms = await this.client.redis.pttl(`login:lock:${firmId}:${login}`);
    return ms > 0 ? ms : 0;
  }

  /**
   * Counts a failure inside a window of lockMs; at maxFailures the login locks
   * for lockMs. Returns the failures so far and whether this one locked it.
   */
  async recordFailure(
    firmId: string,
    login: string,
    maxFailures: number,
    lockMs: number,
  ): Promise<{ failures: number; locked: boolean }> {
    const failKey = `login:fail:${firmId}:${login}`;
    const [[, failures]] = (await this.client.redis
      .multi()
      .incr(failKey)
      .pexpire(failKey, lockMs, 'NX')
      .exec()) as [[unknown, number], unknown];
    if (failures < maxFailures) return { failures, locked: false };
    await this.client.redis
      .multi()
      .set(`login:lock:${firmId}:${login}`, '1', 'PX', lockMs)
      .del(failKey)
      .exec();
    return { failures, locked: true };
  }

  async clear(firmId: string, login: string): Promise<void> {
    await this.client.redis.del(`login:fail:${firmId}:${login}`, `login:lock:${firmId}:${login}`);
  }
}
