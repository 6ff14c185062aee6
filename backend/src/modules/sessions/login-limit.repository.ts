import { Injectable } from '@nestjs/common';
import { RedisClient } from '../../infra/redis.provider.js';

/** Longest backoff a login past its hourly ceiling waits: short enough for its owner. */
const MAX_BACKOFF_MS = 60_000;
const ACCOUNT_WINDOW_MS = 60 * 60_000;

export interface FailureLimits {
  /** Failures from one IP before that IP is locked out of the login. */
  maxPerIp: number;
  lockMs: number;
  /** Failures from all IPs within the hour past which every attempt waits a backoff. */
  maxPerHour: number;
}

export interface FailureOutcome {
  /** Set when this failure locked its IP out or started the login's backoff: until when. */
  lockedUntil: Date | null;
  /** Failures of this login from all IPs in the current hour. */
  failures: number;
  /** Failures this IP may still make before it is locked out of the login (0: this one locked it). */
  attemptsLeft: number;
}

/**
 * Counters behind the login limits, all in Redis so a failure costs the same whether
 * the login exists or not: per IP a minute; per (login, IP) with a lock-out; per login
 * across IPs with a backoff. `scope` is `portal:<firmId>` or `staff`.
 */
@Injectable()
export class LoginLimitRepository {
  constructor(private readonly client: RedisClient) {}

  private keys(scope: string, login: string, ip?: string) {
    const base = `login:${scope}:${login}`;
    return {
      fail: `${base}:fail:${ip}`,
      lock: `${base}:lock:${ip}`,
      /** The IPs with a counter or a lock, so unlock can find them without SCAN. */
      ips: `${base}:ips`,
      account: `${base}:account`,
      backoff: `${base}:backoff`,
    };
  }

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

  /** Milliseconds this IP must wait before trying this login: its own lock or the login's backoff. */
  async waitMs(scope: string, login: string, ip: string): Promise<number> {
    const k = this.keys(scope, login, ip);
    const [[, lock], [, backoff]] = (await this.client.redis.multi().pttl(k.lock).pttl(k.backoff).exec()) as [
      [unknown, number],
      [unknown, number],
    ];
    return Math.max(lock, backoff, 0);
  }

  /**
   * Counts a failure for (login, IP) within a window of lockMs, locking that IP out at
   * maxPerIp, and for the login within the hour: past maxPerHour each failure sets a
   * backoff of 1 s, 2 s, 4 s… up to a minute, which every IP waits, the owner included
   * (briefly) rather than for the whole lock.
   */
  async recordFailure(
    scope: string,
    login: string,
    ip: string,
    limits: FailureLimits,
  ): Promise<FailureOutcome> {
    const k = this.keys(scope, login, ip);
    const keepMs = Math.max(limits.lockMs, ACCOUNT_WINDOW_MS);
    const [[, perIp], , [, failures], , , , [, accountTtl]] = (await this.client.redis
      .multi()
      .incr(k.fail)
      .pexpire(k.fail, limits.lockMs, 'NX')
      .incr(k.account)
      .pexpire(k.account, ACCOUNT_WINDOW_MS, 'NX')
      .sadd(k.ips, ip)
      .pexpire(k.ips, keepMs)
      .pttl(k.account)
      .exec()) as [
      [unknown, number],
      unknown,
      [unknown, number],
      unknown,
      unknown,
      unknown,
      [unknown, number],
    ];

    const now = Date.now();
    const writes: (string | number)[][] = [];
    let lockedUntil = 0;
    if (perIp >= limits.maxPerIp) {
      writes.push(['set', k.lock, '1', 'PX', limits.lockMs], ['del', k.fail]);
      lockedUntil = now + limits.lockMs;
    }
    const over = failures - limits.maxPerHour;
    if (over >= 0) {
      writes.push(['set', k.backoff, '1', 'PX', Math.min(1000 * 2 ** Math.min(over, 16), MAX_BACKOFF_MS)]);
      // Only the failure that reaches the ceiling is news; the window's end is when it lifts.
      if (over === 0) lockedUntil = Math.max(lockedUntil, now + Math.max(accountTtl, 0));
    }
    if (writes.length) await this.client.redis.multi(writes).exec();
    return {
      lockedUntil: lockedUntil ? new Date(lockedUntil) : null,
      failures,
      attemptsLeft: Math.max(limits.maxPerIp - perIp, 0),
    };
  }

  /** A success from this IP: its counter and lock go; the login's hourly count stays. */
  async clearIp(scope: string, login: string, ip: string): Promise<void> {
    const k = this.keys(scope, login, ip);
    await this.client.redis.del(k.fail, k.lock);
  }

  /** Lifts every lock and counter of this login, from every IP. */
  async clearLogin(scope: string, login: string): Promise<void> {
    const k = this.keys(scope, login);
    const ips = await this.client.redis.smembers(k.ips);
    const perIp = ips.flatMap((ip) => {
      const ipKeys = this.keys(scope, login, ip);
      return [ipKeys.fail, ipKeys.lock];
    });
    await this.client.redis.del(k.ips, k.account, k.backoff, ...perIp);
  }
}
