import { randomUUID } from 'node:crypto';
import { getConnectionToken } from '@nestjs/mongoose';
import { Redis } from 'ioredis';
import { type Connection, Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../../src/contract/index.js';
import { MessageWriter } from '../../src/modules/chat/message-writer.js';
import { emitAck, openSocket, startTestApp, type TestApp, type TestSocket } from '../helpers/app.js';
import { makeFirm, makePortalClient, makeStaff } from '../helpers/factories.js';

type SendAck = { ok: true; message: Message } | { ok: false; error: { code: string } };

/**
 * The group-committed hot path (seqs from Redis, batched inserts, conversation written
 * behind) under concurrent senders on both sides: order per sender, every message stored
 * exactly once, counts exact, also when Redis loses the live counters mid-conversation.
 */
describe('chat under concurrent senders', () => {
  let t: TestApp;
  let redis: Redis;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    // Limits far above the burst: this is about storage, realtime-limits.spec.ts about limits.
    t = await startTestApp('concurrency', {
      SOCKET_SEND_LIMIT: '1000/1000',
      SOCKET_READ_LIMIT: '1000/1000',
      SOCKET_SYNC_LIMIT: '1000/1000',
      SOCKET_EVENT_LIMIT: '1000/1000',
      SOCKET_FIRM_QUEUE: '2000',
    });
    redis = new Redis(t.config.REDIS_URL, { keyPrefix: t.config.REDIS_KEY_PREFIX });
  });
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    redis.disconnect();
    await t.close();
  });

  const open = (token: string) => openSocket(t.url, token, sockets);
  const emit = <T>(s: TestSocket, event: string, payload: unknown) => emitAck<T>(s, event, payload, 15000);

  /** Every stored message, through paged sync. */
  async function everything(s: TestSocket, conversationId: string): Promise<Message[]> {
    const all: Message[] = [];
    let after = 0;
    for (;;) {
      const page = await emit<{ ok: boolean; messages: Message[]; hasMore: boolean }>(s, 'sync', {
        conversationId,
        afterSeq: after,
        limit: 100,
      });
      expect(page.ok).toBe(true);
      all.push(...page.messages);
      if (!page.hasMore) return all;
      after = page.messages[page.messages.length - 1].seq;
    }
  }

  it('keeps order, stores once and counts exactly with both sides sending at once', async () => {
    const firm = await makeFirm(t);
    const other = await makeStaff(t, firm);
    const client = await makePortalClient(t, firm);
    const conv = client.client.conversationId!;
    const senders = [
      { s: await open(client.token), side: 'client' as const },
      { s: await open(client.token), side: 'client' as const }, // a second tab
      { s: await open(firm.token), side: 'staff' as const },
      { s: await open(other.token), side: 'staff' as const },
    ];
    const unreadPushes: { unreadForStaff: number; pendingForClient: number }[] = [];
    senders[2].s.on('unread', (u: { unreadForStaff: number; pendingForClient: number }) =>
      unreadPushes.push(u),
    );

    // A flush with nothing to write (the writer's timer ticks while the api is idle) must not
    // stop later flushes.
    await t.app.get(MessageWriter).flush();
    const PER_SENDER = 40;
    const wave = async (label: string) =>
      Promise.all(
        senders.map(async ({ s, side }, who) => {
          const ids = Array.from({ length: PER_SENDER }, () => randomUUID());
          // All at once (no waiting for acks), plus a concurrent retry of every fifth message.
          const acks = await Promise.all(
            ids.flatMap((id, i) => {
              const payload = {
                clientMessageId: id,
                text: `${label} ${who} ${i}`,
                ...(side === 'staff' ? { conversationId: conv } : {}),
              };
              const first = emit<SendAck>(s, 'message:send', payload);
              return i % 5 === 0 ? [first, emit<SendAck>(s, 'message:send', payload)] : [first];
            }),
          );
          for (const a of acks) expect(a.ok, JSON.stringify(a)).toBe(true);
          const ok = acks.filter((a): a is Extract<SendAck, { ok: true }> => a.ok);
          // A retry gets the stored message itself.
          const byKey = new Map<string, Message>();
          for (const a of ok) {
            const seen = byKey.get(a.message.clientMessageId);
            if (seen) expect(a.message).toEqual(seen);
            byKey.set(a.message.clientMessageId, a.message);
          }
          // One sender's messages take seqs in the order they were sent.
          const seqs = ids.map((id) => byKey.get(id)!.seq);
          expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
          return ids.length;
        }),
      );

    await wave('a');
    // Redis loses the live counters before the conversation was written behind: the next
    // sends load them again from the database (document, then messages past it).
    await redis.del(`chat:c:${conv}`);
    await wave('b');

    const all = await everything(senders[0].s, conv);
    const total = senders.length * PER_SENDER * 2;
    expect(all).toHaveLength(total);
    expect(all.map((m) => m.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(new Set(all.map((m) => `${m.sender.id}:${m.clientMessageId}`)).size).toBe(total);

    // Counts: the conversation says exactly how many each side sent and nobody read.
    const clientSent = all.filter((m) => m.sender.kind === 'client').length;
    const item = (await t.http().get(`/api/conversations/${conv}`).set(firm.auth).expect(200)).body;
    expect(item).toMatchObject({
      lastSeq: total,
      unreadForStaff: clientSent,
      pendingForClient: total - clientSent,
    });

    // Reads on both sides race more sends; the final counts are exact.
    const k = Math.floor(total / 2);
    const more = Array.from({ length: 10 }, (_, i) =>
      emit<SendAck>(senders[0].s, 'message:send', { clientMessageId: randomUUID(), text: `c ${i}` }),
    );
    const reads = [
      emit<{ ok: boolean }>(senders[2].s, 'conversation:read', { conversationId: conv, seq: k }),
      emit<{ ok: boolean }>(senders[1].s, 'conversation:read', { conversationId: conv, seq: total }),
      emit<{ ok: boolean }>(senders[3].s, 'conversation:read', { conversationId: conv, seq: k - 10 }),
    ];
    for (const r of await Promise.all([...more, ...reads])) expect(r.ok).toBe(true);
    const final = await everything(senders[0].s, conv);
    expect(final).toHaveLength(total + 10);
    const unreadForStaff = final.filter((m) => m.sender.kind === 'client' && m.seq > k).length;
    // Written behind (a flush runs every second; here, now); without Redis's copy the document
    // alone must say the same.
    await t.app.get(MessageWriter).flush();
    await redis.del(`chat:c:${conv}`);
    const after = (await t.http().get(`/api/conversations/${conv}`).set(firm.auth).expect(200)).body;
    expect(after).toMatchObject({
      lastSeq: total + 10,
      unreadForStaff,
      pendingForClient: 0,
      staffReadSeq: k,
    });
    const clients = (await t.http().get('/api/clients').set(firm.auth).expect(200)).body.items;
    expect(clients[0]).toMatchObject({ unreadForStaff, pendingForClient: 0 });
    // Each stored message's side counts are the number of that side's messages up to it.
    const stored = await t.app
      .get<Connection>(getConnectionToken())
      .collection('messages')
      .find({ conversationId: new Types.ObjectId(conv) })
      .sort({ seq: 1 })
      .toArray();
    let c = 0;
    let f = 0;
    expect(stored).toHaveLength(total + 10);
    for (const m of stored) {
      if (m.sender.kind === 'client') c++;
      else f++;
      expect([m._id, m.clientCount, m.firmCount]).toEqual([`${conv}:${m.seq}`, c, f]);
    }
    expect(unreadPushes.length).toBeGreaterThan(0);
  });
});
