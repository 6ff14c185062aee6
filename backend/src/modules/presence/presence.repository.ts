import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { type AppConfig, APP_CONFIG } from '../../config/config.js';
import { RedisClient } from '../../infra/redis.provider.js';
import { RedisBatch } from '../sessions/redis-batch.js';

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

/** subjectCount(key, now, prefix): the members of a sorted set alive at `now` that start with `subjectId|`. */
const COUNT_SUBJECT = `
local function subjectCount(key, now, prefix)
  local n = 0
  for _, m in ipairs(redis.call('ZRANGEBYSCORE', key, now, '+inf')) do
    if string.sub(m, 1, #prefix) == prefix then n = n + 1 end
  end
  return n
end
`;

/**
 * A socket's whole presence work in one round trip. KEYS: its kind's sockets, the firm's
 * staff sockets, the firm's online state, the online firms. ARGV: now, expiry, member,
 * subject prefix, firm id, mode. Mode 'join' adds the member, 'leave' removes it; then it
 * counts the subject's live sockets and, for staff, refreshes the firm's state as
 * REFRESH_FIRM does. Returns {subject's live sockets, firm change (1, 0, -1 none), whether
 * any staff is online}.
 */
const TOUCH_SOCKET = `${COUNT_SUBJECT}
if ARGV[6] == 'join' then
  redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
else
  redis.call('ZREM', KEYS[1], ARGV[3])
end
local count = subjectCount(KEYS[1], ARGV[1], ARGV[4])
local changed = -1
if KEYS[1] == KEYS[2] then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
  local online = redis.call('ZCARD', KEYS[2]) > 0
  local value = online and '1' or '0'
  local previous = redis.call('GET', KEYS[3])
  redis.call('SET', KEYS[3], value)
  if online then redis.call('SADD', KEYS[4], ARGV[5]) else redis.call('SREM', KEYS[4], ARGV[5]) end
  if previous ~= value then changed = online and 1 or 0 end
end
local staffOnline = redis.call('ZCOUNT', KEYS[2], ARGV[1], '+inf') > 0 and 1 or 0
return {count, changed, staffOnline}
`;

/**
 * Extends many live sockets' entries of one sorted set at once (ARGV[1]: expiry, then
 * members), without resurrecting one a disconnect just removed (XX). Returns the 1-based
 * positions of the members that were not there (expired or removed).
 */
const REFRESH_MANY = `
local missing = {}
for i = 2, #ARGV do
  if redis.call('ZADD', KEYS[1], 'XX', 'CH', ARGV[1], ARGV[i]) == 0 then
    if redis.call('ZSCORE', KEYS[1], ARGV[i]) == false then missing[#missing + 1] = i - 1 end
  end
end
return missing
`;

/** A Lua script run by its SHA (EVALSHA), loaded with EVAL when Redis does not know it yet. */
class Script {
  private readonly sha: string;

  constructor(private readonly lua: string) {
    this.sha = createHash('sha1').update(lua).digest('hex');
  }

  async run(redis: Redis, keys: string[], args: string[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      return this.recover(redis, err, keys, args);
    }
  }

  /** The same, in the batch's next pipeline. */
  queue(batch: RedisBatch, redis: Redis, keys: string[], args: string[]): Promise<unknown> {
    return batch.run(
      (p) => p.evalsha(this.sha, keys.length, ...keys, ...args),
      (err) => this.recover(redis, err, keys, args),
    );
  }

  private async recover(redis: Redis, err: unknown, keys: string[], args: string[]): Promise<unknown> {
    if (!String((err as Error)?.message).startsWith('NOSCRIPT')) throw err;
    return redis.eval(this.lua, keys.length, ...keys, ...args);
  }
}

const touchSocket = new Script(TOUCH_SOCKET);
/** Members a heartbeat script extends at most at once. */
const REFRESH_BATCH = 500;
const refreshMany = new Script(REFRESH_MANY);

export interface SocketPresence {
  /** The subject's live sockets after this one joined or left (1: it just came online; 0: went). */
  subjectSockets: number;
  /** For staff: the firm's new "online" state when this changed it, else null. */
  firmChanged: boolean | null;
  /** Whether any staff of the firm is online (for clients allowed to see it). */
  staffOnline: boolean;
}

/**
 * Live sockets per firm, as sorted sets of `subjectId|socketId` scored by expiry.
 * Works across api nodes; a node that dies stops refreshing and its entries expire.
 */
@Injectable()
export class PresenceRepository {
  private readonly ttlMs: number;
  /** Connects and disconnects of one turn of the event loop go out as one pipeline. */
  private readonly touches: RedisBatch;

  constructor(
    private readonly client: RedisClient,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.ttlMs = config.PRESENCE_TTL_SECONDS * 1000;
    this.touches = RedisBatch.of(client.redis);
  }

  get heartbeatMs(): number {
    return this.ttlMs / 4;
  }

  async remove(kind: Kind, firmId: string, subjectId: string, socketId: string): Promise<void> {
    await this.client.redis.zrem(socketsKey(kind, firmId), `${subjectId}|${socketId}`);
  }

  /**
   * A socket joins (or leaves) presence, in one round trip: its entry, its subject's live
   * sockets, for staff the firm's "online" state, and whether any staff is online.
   */
  async touch(
    mode: 'join' | 'leave',
    kind: Kind,
    firmId: string,
    subjectId: string,
    socketId: string,
  ): Promise<SocketPresence> {
    const now = Date.now();
    const staffKey = socketsKey('staff', firmId);
    const [count, changed, staff] = (await touchSocket.queue(
      this.touches,
      this.client.redis,
      [
        kind === 'staff' ? staffKey : socketsKey(kind, firmId),
        staffKey,
        firmStateKey(firmId),
        ONLINE_FIRMS_KEY,
      ],
      [String(now), String(now + this.ttlMs), `${subjectId}|${socketId}`, `${subjectId}|`, firmId, mode],
    )) as [number, number, number];
    return {
      subjectSockets: count,
      firmChanged: changed === -1 ? null : changed === 1,
      staffOnline: staff === 1,
    };
  }

  /**
   * Extends many live sockets of one kind and firm in one round trip, without
   * resurrecting one a disconnect just removed; re-adds those whose entry had expired
   * while the socket lived on (`stillConnected(i)` of their index in `entries`).
   */
  async refreshMany(
    kind: Kind,
    firmId: string,
    entries: { subjectId: string; socketId: string }[],
    stillConnected: (index: number) => boolean,
  ): Promise<void> {
    const key = socketsKey(kind, firmId);
    const members = entries.map((e) => `${e.subjectId}|${e.socketId}`);
    const lost: number[] = [];
    for (let from = 0; from < members.length; from += REFRESH_BATCH) {
      const missing = (await refreshMany.run(
        this.client.redis,
        [key],
        [String(Date.now() + this.ttlMs), ...members.slice(from, from + REFRESH_BATCH)],
      )) as number[];
      for (const i of missing) if (stillConnected(from + i - 1)) lost.push(from + i - 1);
    }
    if (lost.length) {
      const expiry = Date.now() + this.ttlMs;
      await this.client.redis.zadd(key, ...lost.flatMap((i) => [expiry, members[i]]));
    }
  }

  /** Ids with at least one unexpired socket. */
  async online(kind: Kind, firmId: string): Promise<Set<string>> {
    const members = await this.client.redis.zrangebyscore(socketsKey(kind, firmId), Date.now(), '+inf');
    return new Set(members.map((m) => m.split('|')[0]));
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
