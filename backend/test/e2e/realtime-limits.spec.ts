import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ack, Message } from '../../src/contract/index.js';
import { connectSocket, startTestApp, type TestApp, type TestSocket, waitForEvent } from '../helpers/app.js';
import { makeFirm, makePortalClient, type StaffSession } from '../helpers/factories.js';

type SendAck = Ack<{ message: Message }>;
type AnyEmit = { emit: (event: string, ...args: unknown[]) => void };

/** Small limits, so a flood is easy to tell from normal use. */
const SEND = { perSecond: 1, burst: 10 };
const TYPING = { perSecond: 1, burst: 5 };
const MAX_REFUSED = 30;
const MAX_PER_SESSION = 3;
const CONNECTS_PER_MINUTE = 6;

/** Most events a bucket can have let through since `since`. */
const allowance = (rate: { perSecond: number; burst: number }, since: number) =>
  rate.burst + Math.ceil(((Date.now() - since) / 1000) * rate.perSecond);

const send = (s: TestSocket, payload: Record<string, unknown>): Promise<SendAck> =>
  s.timeout(5000).emitWithAck('message:send', { clientMessageId: randomUUID(), text: 'oi', ...payload });

/** Settles when the socket is admitted (a sync is answered) or refused (disconnected). */
function outcome(s: TestSocket, conversationId: string): Promise<'admitted' | 'refused'> {
  return new Promise((resolve) => {
    s.once('disconnect', () => resolve('refused'));
    s.once('connect', () => {
      s.timeout(5000)
        .emitWithAck('sync', { conversationId, afterSeq: 0 })
        .then((r) => resolve(r.ok ? 'admitted' : 'refused'))
        .catch(() => resolve('refused'));
    });
  });
}

describe('socket limits: rates, unknown events, connections, firm fairness', () => {
  let t: TestApp;
  const sockets: TestSocket[] = [];
  const open = async (token: string) => {
    const s = connectSocket(t.url, token);
    sockets.push(s);
    await waitForEvent(s, 'connect');
    return s;
  };
  const stored = async (staff: StaffSession, conversationId: string, senderId: string) => {
    const res = await t
      .http()
      .get(`/api/conversations/${conversationId}/messages`)
      .query({ limit: 500 })
      .set(staff.auth)
      .expect(200);
    return (res.body.items as Message[]).filter((m) => m.sender.id === senderId).length;
  };

  beforeAll(async () => {
    t = await startTestApp('limits', {
      SOCKET_SEND_LIMIT: `${SEND.perSecond}/${SEND.burst}`,
      SOCKET_TYPING_LIMIT: `${TYPING.perSecond}/${TYPING.burst}`,
      SOCKET_EVENT_LIMIT: '1000/1000',
      SOCKET_MAX_REFUSED_PER_MINUTE: String(MAX_REFUSED),
      SOCKET_MAX_PER_SESSION: String(MAX_PER_SESSION),
      SOCKET_CONNECTS_PER_MINUTE: String(CONNECTS_PER_MINUTE),
      SOCKET_FIRM_CONCURRENCY: '2',
      SOCKET_FIRM_QUEUE: '20',
    });
  });
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await t.close();
  });

  it('answers a send flood RATE_LIMITED with a retry hint, stores no more than the bucket allows, then disconnects', async () => {
    const staff = await makeFirm(t);
    const c = await makePortalClient(t, staff);
    const conv = c.client.conversationId as string;
    const s = await open(c.token);
    const started = Date.now();
    const acks = await Promise.allSettled(Array.from({ length: 200 }, (_, i) => send(s, { text: `f${i}` })));
    const answered = acks.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []));
    const limited = answered.filter((a) => !a.ok && a.error.code === 'RATE_LIMITED');
    expect(limited.length).toBeGreaterThan(0);
    for (const a of limited) expect(!a.ok && a.error.retryAfterMs).toBeGreaterThan(0);
    await expect.poll(() => s.connected).toBe(false);
    expect(await stored(staff, conv, c.client.id)).toBeLessThanOrEqual(allowance(SEND, started));

    // The same client, a new socket, at a normal pace: fine again once the bucket refills.
    const again = await open(c.token);
    const retryAfterMs = Math.max(...limited.map((a) => (!a.ok && a.error.retryAfterMs) || 0));
    await new Promise((r) => setTimeout(r, retryAfterMs));
    expect((await send(again, { text: 'com calma' })).ok).toBe(true);
  });

  it('relays a typing flood at most bucket-many times, silently', async () => {
    const staff = await makeFirm(t);
    const c = await makePortalClient(t, staff);
    const conv = c.client.conversationId as string;
    const watcher = await open(staff.token);
    const relayed: unknown[] = [];
    watcher.on('typing', (p) => relayed.push(p));
    const s = await open(c.token);
    const started = Date.now();
    // Six times the burst, but fewer refusals than would disconnect it.
    for (let i = 0; i < 6 * TYPING.burst; i++)
      s.emit('typing', { conversationId: conv, typing: i % 2 === 0 });
    // Staff's own message comes after every typing handler admitted before it (FIFO per firm).
    const own = waitForEvent<Message>(watcher, 'message:new');
    expect((await send(watcher, { conversationId: conv, text: 'barreira' })).ok).toBe(true);
    await own;
    expect(relayed.length).toBeGreaterThan(0);
    expect(relayed.length).toBeLessThanOrEqual(allowance(TYPING, started));
    expect(s.connected).toBe(true);
  });

  it('ignores unknown events, and disconnects a socket that floods them; the server is unharmed', async () => {
    const staff = await makeFirm(t);
    const c = await makePortalClient(t, staff);
    const conv = c.client.conversationId as string;
    const s = await open(c.token);
    const raw = s as unknown as AnyEmit;
    raw.emit('no:such-event', { x: 1 });
    raw.emit('constructor');
    raw.emit('__proto__', {});
    const sync = await s.timeout(5000).emitWithAck('sync', { conversationId: conv, afterSeq: 0 });
    expect(sync.ok).toBe(true);
    expect(s.connected).toBe(true);

    for (let i = 0; i < 2 * MAX_REFUSED; i++) raw.emit(`junk:${i}`, 'x'.repeat(100));
    await expect.poll(() => s.connected).toBe(false);
    await t.http().get('/api/health').expect(200);
    expect((await send(await open(c.token), { text: 'ainda aqui' })).ok).toBe(true);
  });

  it('caps the open sockets of one session, and its connects a minute', async () => {
    const staff = await makeFirm(t);
    const c = await makePortalClient(t, staff);
    const conv = c.client.conversationId as string;
    const many = Array.from({ length: MAX_PER_SESSION + 4 }, () => connectSocket(t.url, c.token));
    sockets.push(...many);
    const results = await Promise.all(many.map((s) => outcome(s, conv)));
    expect(results.filter((r) => r === 'admitted')).toHaveLength(MAX_PER_SESSION);
    many.forEach((s) => s.disconnect());

    // A fresh session opening and closing one socket at a time.
    const other = await makePortalClient(t, staff);
    const otherConv = other.client.conversationId as string;
    const started = Date.now();
    let admitted = 0;
    for (let i = 0; i < 3 * CONNECTS_PER_MINUTE; i++) {
      const s = connectSocket(t.url, other.token);
      sockets.push(s);
      const result = await outcome(s, otherConv);
      s.disconnect();
      if (result === 'refused') break;
      admitted++;
    }
    expect(admitted).toBeGreaterThanOrEqual(CONNECTS_PER_MINUTE);
    expect(admitted).toBeLessThanOrEqual(
      allowance({ perSecond: CONNECTS_PER_MINUTE / 60, burst: CONNECTS_PER_MINUTE }, started),
    );
  });

  it("answers another firm's sends while one firm floods, and bounds the flooding firm's queue", async () => {
    const a = await makeFirm(t);
    const b = await makeFirm(t);
    const floodClients = await Promise.all(Array.from({ length: 5 }, () => makePortalClient(t, a)));
    const floodSockets = await Promise.all(floodClients.map((c) => open(c.token)));
    const bClient = await makePortalClient(t, b);
    const bSocket = await open(bClient.token);

    const flood = floodSockets.flatMap((s) =>
      Array.from({ length: SEND.burst }, (_, i) => send(s, { text: `inunda ${i}` })),
    );
    const fromB = await Promise.all(Array.from({ length: 5 }, (_, i) => send(bSocket, { text: `b${i}` })));
    expect(fromB.map((r) => r.ok)).toEqual([true, true, true, true, true]);

    const floodAcks = await Promise.all(flood);
    const overloaded = floodAcks.filter((r) => !r.ok && r.error.code === 'OVERLOADED');
    expect(overloaded.length).toBeGreaterThan(0);
    for (const r of overloaded) expect(!r.ok && r.error.retryAfterMs).toBeGreaterThan(0);
    expect(floodAcks.filter((r) => r.ok).length + overloaded.length).toBe(floodAcks.length);
  });

  it('closes a socket that sends a packet over 64 KB instead of reading it', async () => {
    const staff = await makeFirm(t);
    const c = await makePortalClient(t, staff);
    const s = await open(c.token);
    const closed = waitForEvent(s, 'disconnect');
    s.emit('message:send', { clientMessageId: randomUUID(), text: 'x'.repeat(70_000) }, () => undefined);
    await closed;
    expect(await stored(staff, c.client.conversationId as string, c.client.id)).toBe(0);
  });
});
