import { Injectable } from '@nestjs/common';
import { RedisClient } from '../../infra/redis.provider.js';

/** How long a socket counts as live without a heartbeat: a dead node's sockets age out. */
export const PRESENCE_TTL_MS = 40_000;

const staffKey = (firmId: string) => `presence:staff:${firmId}`;
const clientKey = (firmId: string) => `presence:client:${firmId}`;

/**
 * Live sockets per firm, as sorted sets of `subjectId|socketId` scored by expiry.
 * Works across api nodes; a node that dies stops refreshing and its entries expire.
 */
@Injectable()
export class PresenceRepository {
  constructor(private readonly client: RedisClient) {}

  private key(kind: 'staff' | 'client', firmId: string): string {
    return kind === 'staff' ? staffKey(firmId) : clientKey(firmId);
  }

  async add(kind: 'staff' | 'client', firmId: string, subjectId: string, socketId: string): Promise<void> {
    await this.client.redis.zadd(this.key(kind, firmId), Date.now() + PRESENCE_TTL_MS, `${subjectId}|${socketId}`);
  }

  async remove(kind: 'staff' | 'client', firmId: string, subjectId: string, socketId: string): Promise<void> {
    await this.client.redis.zrem(this.key(kind, firmId), `${subjectId}|${socketId}`);
  }

  /** Ids with at least one unexpired socket; expired entries are pruned on the way. */
  async online(kind: 'staff' | 'client', firmId: string): Promise<Set<string>> {
    const key = this.key(kind, firmId);
    const now = Date.now();
    const [, [, members]] = (await this.client.redis
      .multi()
      .zremrangebyscore(key, '-inf', now)
      .zrangebyscore(key, now, '+inf')
      .exec()) as [unknown, [unknown, string[]]];
    return new Set(members.map((m) => m.split('|')[0]));
  }
}

const firmStateKey = (firmId: string) => `presence:firm-online:${firmId}`;
const ONLINE_FIRMS_KEY = 'presence:online-firms';

/** The last "firm online" state pushed to clients, so only changes are pushed. */
@Injectable()
export class FirmPresenceStateRepository {
  constructor(private readonly client: RedisClient) {}

  /** Stores the state; true when it differs from the previous one. */
  async transition(firmId: string, online: boolean): Promise<boolean> {
    const prev = await this.client.redis.getset(firmStateKey(firmId), online ? '1' : '0');
    if (online) await this.client.redis.sadd(ONLINE_FIRMS_KEY, firmId);
    else await this.client.redis.srem(ONLINE_FIRMS_KEY, firmId);
    return (prev === '1') !== online;
  }

  /** Firms last seen online: the sweeper checks whether their staff sockets aged out. */
  onlineFirms(): Promise<string[]> {
    return this.client.redis.smembers(ONLINE_FIRMS_KEY);
  }
}
