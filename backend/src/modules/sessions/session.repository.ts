import { Injectable } from '@nestjs/common';
import type { SessionRevokedReason } from '../../contract/index.js';
import { RedisClient } from '../../infra/redis.provider.js';
import { RedisBatch } from './redis-batch.js';

export type StoredSession =
  | { kind: 'staff'; firmId: string; staffId: string; createdAt: string }
  | {
      kind: 'client';
      firmId: string;
      clientId: string;
      createdAt: string;
      /** Set for "acessar como cliente": read-only, audited. */
      impersonator?: { staffId: string; name: string };
    };

type SubjectKind = 'staff' | 'client';

/** What a revoked session's key holds until it would have expired: why it ended. */
export interface RevokedSession {
  revoked: SessionRevokedReason;
}

const sessionKey = (id: string) => `session:${id}`;
const subjectKey = (kind: SubjectKind, subjectId: string) => `sessions:${kind}:${subjectId}`;

/** Opaque sessions in Redis, indexed by subject so block and removal can end them all at once. */
@Injectable()
export class SessionRepository {
  /** Reads of concurrent requests and socket events go out as one pipeline. */
  private readonly reads: RedisBatch;

  constructor(private readonly client: RedisClient) {
    this.reads = RedisBatch.of(client.redis);
  }

  async create(sessionId: string, session: StoredSession, ttlSeconds: number): Promise<void> {
    const subject =
      session.kind === 'staff'
        ? subjectKey('staff', session.staffId)
        : subjectKey('client', session.clientId);
    await this.client.redis
      .multi()
      .set(sessionKey(sessionId), JSON.stringify(session), 'EX', ttlSeconds)
      .sadd(subject, sessionId)
      .expire(subject, ttlSeconds)
      .exec();
  }

  /** Reads a session and slides its expiry. */
  async get(sessionId: string, ttlSeconds: number): Promise<StoredSession | RevokedSession | null> {
    // One command (Redis ≥ 6.2): the read and the slide, atomically, in one round trip.
    const raw = await this.reads.run<string | null>((p) => p.getex(sessionKey(sessionId), 'EX', ttlSeconds));
    return raw ? (JSON.parse(raw) as StoredSession | RevokedSession) : null;
  }

  /** Reads a session as it is now, without sliding its expiry. */
  async peek(sessionId: string): Promise<StoredSession | RevokedSession | null> {
    const raw = await this.reads.run<string | null>((p) => p.get(sessionKey(sessionId)));
    return raw ? (JSON.parse(raw) as StoredSession | RevokedSession) : null;
  }

  async delete(sessionId: string): Promise<void> {
    await this.client.redis.del(sessionKey(sessionId));
  }

  /**
   * Ends every session of a subject at once. Each one is replaced by a marker
   * with the reason, so its holder learns why (a blocked client gets
   * ACCESS_BLOCKED, not a bare 401); the marker keeps the session's expiry.
   */
  async revokeAllFor(kind: SubjectKind, subjectId: string, reason: SessionRevokedReason): Promise<void> {
    const key = subjectKey(kind, subjectId);
    const ids = await this.client.redis.smembers(key);
    const marker = JSON.stringify({ revoked: reason } satisfies RevokedSession);
    const tx = this.client.redis.multi().del(key);
    for (const id of ids) tx.set(sessionKey(id), marker, 'KEEPTTL', 'XX');
    await tx.exec();
  }

  /**
   * The same for every session of the subject but `keepId` (a password change keeps the
   * session that made it). Returns the ids it ended, so their sockets can be told.
   */
  async revokeOthers(
    kind: SubjectKind,
    subjectId: string,
    keepId: string,
    reason: SessionRevokedReason,
  ): Promise<string[]> {
    const key = subjectKey(kind, subjectId);
    const ids = (await this.client.redis.smembers(key)).filter((id) => id !== keepId);
    if (!ids.length) return [];
    const marker = JSON.stringify({ revoked: reason } satisfies RevokedSession);
    const tx = this.client.redis.multi().srem(key, ...ids);
    for (const id of ids) tx.set(sessionKey(id), marker, 'KEEPTTL', 'XX');
    await tx.exec();
    return ids;
  }
}
