import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ErrorCode } from '../../contract/index.js';
import { AppError } from '../../common/errors.js';
import { RedisClient } from '../../infra/redis.provider.js';

/** Deletes the lock only if it is still ours (it may have expired and been taken). */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** How long a holder may keep a lock (a process that dies holding one frees it then). */
const HOLD_MS = 10_000;
/** How long a caller waits for a lock before giving up with 409. */
const WAIT_MS = 5_000;

/** Short mutual exclusion across every api node, in Redis (SET NX PX, released by owner). */
@Injectable()
export class Locks {
  constructor(private readonly client: RedisClient) {}

  async with<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const key = `lock:${name}`;
    const token = randomUUID();
    const deadline = Date.now() + WAIT_MS;
    let wait = 5;
    while ((await this.client.redis.set(key, token, 'PX', HOLD_MS, 'NX')) !== 'OK') {
      if (Date.now() > deadline) {
        throw new AppError(409, ErrorCode.Conflict, 'Outra alteração está em andamento. Tente de novo.');
      }
      await new Promise((r) => setTimeout(r, wait + Math.random() * wait));
      wait = Math.min(wait * 2, 100);
    }
    try {
      return await fn();
    } finally {
      await this.client.redis.eval(RELEASE, 1, key, token).catch(() => undefined);
    }
  }
}
