import { Injectable } from '@nestjs/common';
import { RedisClient } from '../../infra/redis.provider.js';

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

const sessionKey = (id: string) => `session:${id}`;
const subjectKey = (kind: SubjectKind, subjectId: string) => `sessions:${kind}:${subjectId}`;

/** Opaque sessions in Redis, indexed by subject so block and removal can end them all at once. */
@Injectable()
export class SessionRepository {
  constructor(private readonly client: RedisClient) {}

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
  async get(sessionId: string, ttlSeconds: number): Promise<StoredSession | null> {
    const key = sessionKey(sessionId);
    const [[, raw]] = (await this.client.redis
      .multi()
      .get(key)
      .expire(key, ttlSeconds)
      .exec()) as [[unknown, string | null], unknown];
    return raw ? (JSON.parse(raw) as StoredSession) : null;
  }

  async delete(sessionId: string): Promise<void> {
    await this.client.redis.del(sessionKey(sessionId));
  }

  /** Ends every session of a subject; returns their ids. */
  async deleteAllFor(kind: SubjectKind, subjectId: string): Promise<string[]> {
    const key = subjectKey(kind, subjectId);
    const ids = await this.client.redis.smembers(key);
    await this.client.redis.del(key, ...ids.map(sessionKey));
    return ids;
  }
}
