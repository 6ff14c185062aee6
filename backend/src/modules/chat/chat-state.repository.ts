import { Injectable } from '@nestjs/common';
import { RedisClient } from '../../infra/redis.provider.js';

/**
 * The live counters of a conversation, kept in Redis: the atomic source of seqs (one Lua
 * call hands out seqs for a whole batch of messages), each side's message count as of the
 * last seq, each side's read count, and the last message's preview. The conversation
 * document holds the same numbers, written behind (see MessageWriter); when the Redis
 * copy is missing (evicted, Redis lost its data) it is loaded again from the database
 * before any seq is handed out (ChatState.ensure).
 */
export interface LiveState {
  seq: number;
  /** Messages sent by the client / by the firm up to `seq`. */
  clientCount: number;
  firmCount: number;
  /** Client messages the staff has read, firm messages the client has read. */
  staffReadCount: number;
  clientReadCount: number;
  lastAt: number;
  lastText: string;
  lastKind: 'staff' | 'client' | 'system';
  /** When the oldest unread message of each side was sent, as far as known (see UnreadSince). */
  staffSince: UnreadSince | null;
  clientSince: UnreadSince | null;
}

/**
 * A fact about one message: the one whose count of its side (clientCount for what the staff
 * has to read, firmCount for the client) is `count` was sent at `at` (ms). It names a side's
 * oldest unread message while `count` is that side's read count + 1, so the monitor shows how
 * long a side has waited without reading any message. Facts never turn false, they only stop
 * applying once the side reads on; of two, the one with the higher count is kept.
 */
export interface UnreadSince {
  count: number;
  at: number;
}

/** Whether a fact names the oldest unread message of a side that has read `readCount`. */
export function sinceApplies(since: UnreadSince | null | undefined, readCount: number): since is UnreadSince {
  return !!since && since.count === readCount + 1;
}

/** What a message got: its seq and each side's count as of it. */
export interface Allocation {
  seq: number;
  clientCount: number;
  firmCount: number;
  at: number;
  staffReadCount: number;
  clientReadCount: number;
}

export interface AllocationRequest {
  conversationId: string;
  /** The idempotency key (sender and clientMessageId): a retry gets the same allocation. */
  key: string;
  from: 'client' | 'firm';
  at: number;
  preview: string;
  kind: 'staff' | 'client' | 'system';
}

/** Retries of a send are answered with their first allocation for this long. */
const ALLOCATION_TTL_S = 24 * 3600;

// KEYS: per request its state hash and its allocation key. ARGV: ttl, then per request
// side ('c' | 'f'), at, preview, kind. Per request: the allocation "seq c f at sr cr",
// the earlier allocation of the same key, or "" when the state must be loaded first.
const ALLOCATE = `
local out = {}
local ttl = tonumber(ARGV[1])
for i = 1, #KEYS / 2 do
  local sk, ak = KEYS[2 * i - 1], KEYS[2 * i]
  local side, at, text, kind = ARGV[4 * i - 2], ARGV[4 * i - 1], ARGV[4 * i], ARGV[4 * i + 1]
  local prev = redis.call('GET', ak)
  if prev then
    out[i] = prev
  elseif redis.call('EXISTS', sk) == 0 then
    out[i] = ''
  else
    local seq = redis.call('HINCRBY', sk, 'seq', 1)
    local c = redis.call('HINCRBY', sk, 'c', side == 'c' and 1 or 0)
    local f = redis.call('HINCRBY', sk, 'f', side == 'f' and 1 or 0)
    redis.call('HSET', sk, 'at', at, 't', text, 'k', kind)
    local rd = redis.call('HMGET', sk, 'sr', 'cr')
    -- The first message the other side has not read: when it was sent (see UnreadSince).
    if side == 'c' and c == tonumber(rd[1] or '0') + 1 then redis.call('HSET', sk, 'su', c .. ' ' .. at) end
    if side == 'f' and f == tonumber(rd[2] or '0') + 1 then redis.call('HSET', sk, 'cu', f .. ' ' .. at) end
    local v = seq .. ' ' .. c .. ' ' .. f .. ' ' .. at .. ' ' .. (rd[1] or '0') .. ' ' .. (rd[2] or '0')
    redis.call('SET', ak, v, 'EX', ttl)
    out[i] = v
  end
end
return out
`;

// Sets the unread-since fact KEYS[1]/field ARGV[i] to ARGV[i+1] ("count at") unless the
// one there has a count as high (the higher count is the later, still applicable one).
const SINCE_FN = `
local function since(sk, field, v)
  if v == '' then return end
  local cur = redis.call('HGET', sk, field)
  local n = tonumber(string.match(v, '^(%d+)'))
  if cur and tonumber(string.match(cur, '^(%d+)')) >= n then return end
  redis.call('HSET', sk, field, v)
end
`;

// KEYS[1] state. ARGV: seq c f sr cr at text kind su cu. Loads a state read from the
// database; only raises numbers (another node may have loaded and used it meanwhile).
const LOAD = `${SINCE_FN}
local sk = KEYS[1]
local names = {'seq', 'c', 'f', 'sr', 'cr'}
if redis.call('EXISTS', sk) == 0 then
  redis.call('HSET', sk, 'seq', ARGV[1], 'c', ARGV[2], 'f', ARGV[3], 'sr', ARGV[4], 'cr', ARGV[5],
    'at', ARGV[6], 't', ARGV[7], 'k', ARGV[8])
  since(sk, 'su', ARGV[9])
  since(sk, 'cu', ARGV[10])
  return 1
end
local cur = tonumber(redis.call('HGET', sk, 'seq') or '0')
if tonumber(ARGV[1]) > cur then
  redis.call('HSET', sk, 'seq', ARGV[1], 'c', ARGV[2], 'f', ARGV[3], 'at', ARGV[6], 't', ARGV[7], 'k', ARGV[8])
end
for i = 4, 5 do
  local v = tonumber(redis.call('HGET', sk, names[i]) or '0')
  if tonumber(ARGV[i]) > v then redis.call('HSET', sk, names[i], ARGV[i]) end
end
since(sk, 'su', ARGV[9])
since(sk, 'cu', ARGV[10])
return 0
`;

// KEYS[1] state. ARGV: field ('su' | 'cu'), "count at". Records an unread-since fact.
const SET_SINCE = `${SINCE_FN}
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
since(KEYS[1], ARGV[1], ARGV[2])
return 1
`;

// KEYS[1] state. ARGV: field ('sr' | 'cr'), count. Raises a read count, never lowers it.
const RAISE_READ = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local v = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if tonumber(ARGV[2]) > v then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
return 1
`;

// KEYS[1] claim key. ARGV: job seq, ttl. The one job that set it owns it; the same job
// run again owns it again.
const CLAIM = `
local cur = redis.call('GET', KEYS[1])
if cur and cur ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', tonumber(ARGV[2]))
return 1
`;

const FIELDS = ['seq', 'c', 'f', 'sr', 'cr', 'at', 't', 'k', 'su', 'cu'] as const;

type Redis = RedisClient['redis'] & {
  chatAllocate(...args: (string | number)[]): Promise<string[]>;
  chatLoad(...args: (string | number)[]): Promise<number>;
  chatRaiseRead(...args: (string | number)[]): Promise<number>;
  chatClaim(...args: (string | number)[]): Promise<number>;
  chatSetSince(...args: (string | number)[]): Promise<number>;
};

const stateKey = (conversationId: string) => `chat:c:${conversationId}`;

const sinceValue = (s: UnreadSince | null): string => (s ? `${s.count} ${s.at}` : '');

function parseSince(v: string | null | undefined): UnreadSince | null {
  const [count, at] = (v ?? '').split(' ').map(Number);
  return count > 0 && at > 0 ? { count, at } : null;
}

function parseAllocation(v: string): Allocation {
  const [seq, clientCount, firmCount, at, staffReadCount, clientReadCount] = v.split(' ').map(Number);
  return { seq, clientCount, firmCount, at, staffReadCount, clientReadCount };
}

@Injectable()
export class ChatStateRepository {
  private readonly redis: Redis;

  constructor(client: RedisClient) {
    this.redis = client.redis as Redis;
    if (typeof (this.redis as Partial<Redis>).chatSetSince !== 'function') {
      this.redis.defineCommand('chatAllocate', { lua: ALLOCATE });
      this.redis.defineCommand('chatLoad', { numberOfKeys: 1, lua: LOAD });
      this.redis.defineCommand('chatRaiseRead', { numberOfKeys: 1, lua: RAISE_READ });
      this.redis.defineCommand('chatClaim', { numberOfKeys: 1, lua: CLAIM });
      this.redis.defineCommand('chatSetSince', { numberOfKeys: 1, lua: SET_SINCE });
    }
  }

  /**
   * Seqs for a batch, in order, in one round trip; null where the conversation's state is
   * not in Redis (load it, then ask again).
   */
  async allocate(requests: AllocationRequest[]): Promise<(Allocation | null)[]> {
    if (!requests.length) return [];
    const keys = requests.flatMap((r) => [stateKey(r.conversationId), `chat:a:${r.conversationId}:${r.key}`]);
    const argv = requests.flatMap((r) => [r.from === 'client' ? 'c' : 'f', r.at, r.preview, r.kind]);
    const out = await this.redis.chatAllocate(keys.length, ...keys, ALLOCATION_TTL_S, ...argv);
    return out.map((v) => (v ? parseAllocation(v) : null));
  }

  /** Forgets a key's allocation (its seq turned out to be taken in the database). */
  async forgetAllocation(conversationId: string, key: string): Promise<void> {
    await this.redis.del(`chat:a:${conversationId}:${key}`);
  }

  async load(conversationId: string, s: LiveState): Promise<void> {
    await this.redis.chatLoad(
      stateKey(conversationId),
      s.seq,
      s.clientCount,
      s.firmCount,
      s.staffReadCount,
      s.clientReadCount,
      s.lastAt,
      s.lastText,
      s.lastKind,
      sinceValue(s.staffSince),
      sinceValue(s.clientSince),
    );
  }

  /** Records when a side's oldest unread message was sent (a read that left some unread). */
  async setSince(conversationId: string, side: 'staff' | 'client', since: UnreadSince): Promise<void> {
    await this.redis.chatSetSince(
      stateKey(conversationId),
      side === 'staff' ? 'su' : 'cu',
      sinceValue(since),
    );
  }

  /** Live states of many conversations in one round trip; absent ones are missing. */
  async getMany(conversationIds: string[]): Promise<Map<string, LiveState>> {
    const result = new Map<string, LiveState>();
    if (!conversationIds.length) return result;
    const pipeline = this.redis.pipeline();
    for (const id of conversationIds) pipeline.hmget(stateKey(id), ...FIELDS);
    const replies = (await pipeline.exec()) ?? [];
    replies.forEach(([err, values], i) => {
      const v = values as (string | null)[] | null;
      if (err || !v || v[0] === null) return;
      result.set(conversationIds[i], {
        seq: Number(v[0]),
        clientCount: Number(v[1] ?? 0),
        firmCount: Number(v[2] ?? 0),
        staffReadCount: Number(v[3] ?? 0),
        clientReadCount: Number(v[4] ?? 0),
        lastAt: Number(v[5] ?? 0),
        lastText: v[6] ?? '',
        lastKind: (v[7] ?? 'client') as LiveState['lastKind'],
        staffSince: parseSince(v[8]),
        clientSince: parseSince(v[9]),
      });
    });
    return result;
  }

  /** Raises a side's read count; false when the state is not loaded. */
  async raiseRead(conversationId: string, side: 'staff' | 'client', count: number): Promise<boolean> {
    return (
      (await this.redis.chatRaiseRead(stateKey(conversationId), side === 'staff' ? 'sr' : 'cr', count)) === 1
    );
  }

  /** Takes a side's reminder for the job of `jobSeq`: true for that job only (see UnreadReminderService). */
  async claimReminder(conversationId: string, side: 'staff' | 'client', jobSeq: number): Promise<boolean> {
    return (await this.redis.chatClaim(`chat:r:${conversationId}:${side}`, jobSeq, ALLOCATION_TTL_S)) === 1;
  }

  /** The claiming job has sent: no job (itself run again included) takes the side until a read clears it. */
  async reminderSent(conversationId: string, side: 'staff' | 'client'): Promise<void> {
    await this.redis.set(`chat:r:${conversationId}:${side}`, 'sent', 'EX', ALLOCATION_TTL_S);
  }

  /** A read or a failed send: the side may be reminded again. */
  async releaseReminder(conversationId: string, side: 'staff' | 'client'): Promise<void> {
    await this.redis.del(`chat:r:${conversationId}:${side}`);
  }
}
