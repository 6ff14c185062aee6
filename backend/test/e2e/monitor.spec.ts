import { randomUUID } from 'node:crypto';
import { getConnectionToken } from '@nestjs/mongoose';
import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message, MonitorItem, MonitorResponse } from '../../src/contract/index.js';
import { RedisClient } from '../../src/infra/redis.provider.js';
import { MessageWriter } from '../../src/modules/chat/message-writer.js';
import { emitAck, openSocket, startTestApp, type TestApp, type TestSocket } from '../helpers/app.js';
import { type ClientSession, makeFirm, makePortalClient, type StaffSession } from '../helpers/factories.js';

/**
 * The monitor: every conversation with messages waiting, both directions, with how many and
 * since when; what it reads follows the number of conversations, never of messages.
 */
describe('monitor', () => {
  let t: TestApp;
  let staff: StaffSession;
  let a: ClientSession;
  let b: ClientSession;
  let staffSocket: TestSocket;
  let aSocket: TestSocket;
  let bSocket: TestSocket;
  const sockets: TestSocket[] = [];
  const calls: { collection: string; method: string }[] = [];
  let recording = false;

  beforeAll(async () => {
    // Messages are sent here faster than a person types.
    t = await startTestApp('monitor', { SOCKET_SEND_LIMIT: '1000/1000', SOCKET_EVENT_LIMIT: '1000/1000' });
    staff = await makeFirm(t);
    a = await makePortalClient(t, staff);
    b = await makePortalClient(t, staff);
    staffSocket = await openSocket(t.url, staff.token, sockets);
    aSocket = await openSocket(t.url, a.token, sockets);
    bSocket = await openSocket(t.url, b.token, sockets);
    mongoose.set('debug', (collection: string, method: string) => {
      if (recording) calls.push({ collection, method });
    });
  });
  afterAll(async () => {
    mongoose.set('debug', false);
    sockets.forEach((s) => s.disconnect());
    await t.close();
  });

  const convA = () => a.client.conversationId!;
  const convB = () => b.client.conversationId!;
  async function send(socket: TestSocket, text: string, conversationId?: string): Promise<Message> {
    const ack = await emitAck<{ ok: boolean; message: Message }>(socket, 'message:send', {
      ...(conversationId ? { conversationId } : {}),
      clientMessageId: randomUUID(),
      text,
    });
    expect(ack.ok).toBe(true);
    return ack.message;
  }
  async function read(socket: TestSocket, conversationId: string, seq: number): Promise<void> {
    expect(await emitAck<{ ok: boolean }>(socket, 'conversation:read', { conversationId, seq })).toEqual({
      ok: true,
    });
  }
  /** The monitor's answer, and the database operations it took. */
  async function monitor(): Promise<{ body: MonitorResponse; ops: typeof calls }> {
    calls.length = 0;
    recording = true;
    const res = await t.http().get('/api/monitor').set(staff.auth).expect(200);
    recording = false;
    return { body: res.body as MonitorResponse, ops: [...calls] };
  }
  const row = (body: MonitorResponse, conversationId: string, direction: MonitorItem['direction']) =>
    body.items.find((i) => i.conversationId === conversationId && i.direction === direction);

  it('counts what waits in both directions, since the oldest unread message, oldest first', async () => {
    const a1 = await send(aSocket, 'Bom dia, preciso da guia');
    const a2 = await send(aSocket, 'Alguém aí?');
    const b1 = await send(staffSocket, 'Segue o DAS', convB());
    await send(staffSocket, 'E o recibo', convB());
    const reply = await send(staffSocket, 'Já vejo', convA());
    let { body } = await monitor();
    expect(row(body, convA(), 'toStaff')).toMatchObject({ count: 2, oldestAt: a1.createdAt });
    expect(row(body, convA(), 'toClient')).toMatchObject({ count: 1, oldestAt: reply.createdAt });
    expect(row(body, convB(), 'toClient')).toMatchObject({ count: 2, oldestAt: b1.createdAt });
    expect(row(body, convB(), 'toStaff')).toBeUndefined();
    expect(body.items.map((i) => i.oldestAt)).toEqual(body.items.map((i) => i.oldestAt).sort());

    // Reading part of them moves the oldest on to the first one still unread.
    await read(staffSocket, convA(), a1.seq);
    const b3 = await send(staffSocket, 'Último aviso', convB());
    await read(bSocket, convB(), b3.seq - 1);
    ({ body } = await monitor());
    expect(row(body, convA(), 'toStaff')).toMatchObject({ count: 1, oldestAt: a2.createdAt });
    expect(row(body, convB(), 'toClient')).toMatchObject({ count: 1, oldestAt: b3.createdAt });

    // Everything read: the rows go.
    await read(staffSocket, convA(), a2.seq);
    await read(bSocket, convB(), b3.seq);
    ({ body } = await monitor());
    expect(row(body, convA(), 'toStaff')).toBeUndefined();
    expect(row(body, convB(), 'toClient')).toBeUndefined();
    expect(row(body, convA(), 'toClient')).toMatchObject({ count: 1, oldestAt: reply.createdAt });
  });

  it('reads no message, and as much however many messages are stored', async () => {
    const before = await monitor();
    expect(before.ops.filter((o) => o.collection === 'messages')).toEqual([]);
    const first = await send(aSocket, 'mais uma');
    for (let i = 0; i < 40; i++) {
      await send(aSocket, `mensagem ${i}`);
      await send(staffSocket, `resposta ${i}`, convB());
    }
    await t.app.get(MessageWriter).flush();
    const after = await monitor();
    expect(after.ops.filter((o) => o.collection === 'messages')).toEqual([]);
    expect(after.ops.length).toBe(before.ops.length);
    expect(row(after.body, convA(), 'toStaff')).toMatchObject({ count: 41, oldestAt: first.createdAt });
  });

  it('finds the oldest unread of data from before it was kept, once, and keeps it', async () => {
    const oldest = row((await monitor()).body, convA(), 'toStaff')!;
    // As stored by a version that did not keep it, with Redis's copy lost as well.
    const conn = t.app.get<Connection>(getConnectionToken());
    await conn
      .collection('conversations')
      .updateMany({}, { $unset: { staffUnreadSince: '', clientUnreadSince: '' } });
    const redis = t.app.get(RedisClient).redis;
    await redis.del(`chat:c:${convA()}`, `chat:c:${convB()}`);

    const looked = await monitor();
    expect(row(looked.body, convA(), 'toStaff')).toMatchObject({ count: 41, oldestAt: oldest.oldestAt });
    expect(looked.ops.some((o) => o.collection === 'messages')).toBe(true);
    const again = await monitor();
    expect(again.body.items).toEqual(
      looked.body.items.map((i) => ({ ...i, waitingSeconds: expect.any(Number) as number })),
    );
    expect(again.ops.filter((o) => o.collection === 'messages')).toEqual([]);
  });
});
