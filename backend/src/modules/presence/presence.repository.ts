import { Injectable } from '@nestjs/common';
import { Inject } from '@nestjs/common';
import { type AppConfig, APP_CONFIG } from '../../config/config.js';
import { RedisClient } from '../../infra/redis.provider.js';

type Kind = 'staff' | 'client';

const socketsKey = (kind: Kind, firmId: string) => `presence:${kind}:${firmId}`;
const firmStateKey = (firmId: string) => `presence:firm-online:${firmId}`;
const ONLINE_FIRMS_KEY = 'presence:online-firms';

/**
 * Prunes expired staff sockets, derives "firm online", stores it and says
 * whether it changed — in one script, so concurrent connects, disconnects and
 * sweeps on several nodes can't interleave a stale read with a write.
 * Returns 1 (became online), 0 (became offline) or -1 (no change).
 */
const REFRESH_FIRM = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
local online = redis.call('ZCARD', KEYS[1]) > 0
local value = online and '1' or '0'
local previous = redis.call('GET', KEYS[2])
redis.call('SET', KEYS[2], value)
if online then redis.call('SADD', KEYS[3], ARGV[2]) else redis.call('SREM', KEYS[3], ARGV[2]) end
if previous == value then return -1 end
return online and 1 or 0
`;

/**
 * Live sockets per firm, as sorted sets of `subjectId|socketId` scored by expiry.
 * Works across api nodes; a node that dies stops refreshing and its entries expire.
 */
@Injectable()
export class PresenceRepository {
  private readonly ttlMs: number;

  constructor(
    private readonly client: RedisClient,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.ttlMs = config.PRESENCE_TTL_SECONDS * 1000;
  }

  get heartbeatMs(): number {
    return this.ttlMs / 4;
  }

  async add(kind: Kind, firmId: string, subjectId: string, socketId: string): Promise<void> {
    await this.client.redis.zadd(
      socketsKey(kind, firmId),
      Date.now() + this.ttlMs,
      `${subjectId}|${socketId}`,
    );
  }

  /**
   * Extends a live socket's entry without resurrecting one a disconnect just
   * removed (XX); re-adds it only if it had expired while the socket lived on.
   */
  async refresh(
    kind: Kind,
    firmId: string,
    subjectId: string,
    socketId: string,
    stillConnected: () => boolean,
  ): Promise<void> {
    const key = socketsKey(kind, firmId);
    const member = `${subjectId}|${socketId}`;
    const changed = await this.client.redis.zadd(key, 'XX', 'CH', Date.now() + this.ttlMs, member);
    if (Number(changed) === 0 && stillConnected()) await this.add(kind, firmId, subjectId, socketId);
  }

  async remove(kind: Kind, firmId: string, subjectId: string, socketId: string): Promise<void> {
    await this.client.redis.zrem(socketsKey(kind, firmId), `${subjectId}|${socketId}`);
  }

  /** Ids with at least one unexpired socket. */
  async online(kind: Kind, firmId: string): Promise<Set<string>> {
    const members = await this.client.redis.zrangebyscore(socketsKey(kind, firmId), Date.now(), '+inf');
    return new Set(members.map((m) => m.split('|')[0]));
  }

  /** Live sockets of one staff member or client (1 after its first connect, 0 after its last disconnect). */
  async socketCount(kind: Kind, firmId: string, subjectId: string): Promise<number> {
    const members = await this.client.redis.zrangebyscore(socketsKey(kind, firmId), Date.now(), '+inf');
    return members.filter((m) => m.startsWith(`${subjectId}|`)).length;
  }

  /** Recomputes whether any staff is online; returns the new state if it changed, else null. */
  async refreshFirm(firmId: string): Promise<boolean | null> {
    const result = await this.client.redis.eval(
      REFRESH_FIRM,
      3,
      socketsKey('staff', firmId),
      firmStateKey(firmId),
      ONLINE_FIRMS_KEY,
      String(Date.now()),
      firmId,
    );
    return result === -1 ? null : result === 1;
  }

  /** Firms last seen online: the sweeper checks whether their staff sockets aged out. */
  onlineFirms(): Promise<string[]> {
    return this.client.redis.smembers(ONLINE_FIRMS_KEY);
  }
}
