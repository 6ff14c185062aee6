import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ack, Message } from '../../src/contract/index.js';
import { connectSocket, startTestApp, type TestApp, type TestSocket, waitForEvent } from '../helpers/app.js';
import { type ClientSession, makeFirm, makePortalClient, type StaffSession } from '../helpers/factories.js';

type SendAck = Ack<{ message: Message }>;

function emitAck<T>(socket: TestSocket, event: string, payload: unknown): Promise<T> {
  return (
    socket as unknown as { timeout: (ms: number) => { emitWithAck: (e: string, p: unknown) => Promise<T> } }
  )
    .timeout(5000)
    .emitWithAck(event, payload);
}

const send = (s: TestSocket, payload: Record<string, unknown>) =>
  emitAck<SendAck>(s, 'message:send', { clientMessageId: randomUUID(), ...payload });

async function connected(t: TestApp, token: string): Promise<TestSocket> {
  const s = connectSocket(t.url, token);
  await waitForEvent(s, 'connect');
  return s;
}

function collect<T>(s: TestSocket, event: string): T[] {
  const seen: T[] = [];
  (s as unknown as { on: (e: string, cb: (p: T) => void) => void }).on(event, (p) => seen.push(p));
  return seen;
}

describe('chat over Socket.IO', () => {
  let t: TestApp;
  let staff: StaffSession;
  let client: ClientSession;
  let conversationId: string;
  const sockets: TestSocket[] = [];
  const open = async (token: string) => {
    const s = await connected(t, token);
    sockets.push(s);
    return s;
  };

  beforeAll(async () => {
    t = await startTestApp('chat');
    staff = await makeFirm(t);
    client = await makePortalClient(t, staff);
    conversationId = client.client.conversationId as string;
  });
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await t.close();
  });

  it('stores, acks and delivers to both sides and every tab, with growing seqs', async () => {
    const c = await open(client.token);
    const tab1 = await open(staff.token);
    const tab2 = await open(staff.token);
    const atClient = collect<Message>(c, 'message:new');
    const atTab1 = collect<Message>(tab1, 'message:new');
    const atTab2 = collect<Message>(tab2, 'message:new');
    const unread = collect<{ conversationId: string; unreadForStaff: number; pendingForClient: number }>(
      tab1,
      'unread',
    );

    const a = await send(c, { text: 'Bom dia! <b>segue</b> a dúvida' });
    expect(a.ok).toBe(true);
    if (!a.ok) return;
    expect(a.message).toMatchObject({
      conversationId,
      sender: { kind: 'client', id: client.client.id, name: client.client.name },
      text: 'Bom dia! <b>segue</b> a dúvida',
      attachments: [],
    });
    const b = await send(tab1, { conversationId, text: 'Olá, vamos ver.' });
    expect(b.ok && b.message.seq).toBe(a.message.seq + 1);

    for (const seen of [atClient, atTab1, atTab2]) {
      await expect.poll(() => seen.map((m) => m.seq)).toEqual([a.message.seq, a.message.seq + 1]);
    }
    await expect
      .poll(() => unread.at(-1))
      .toEqual({ conversationId, unreadForStaff: 1, pendingForClient: 1 });
    const history = await t
      .http()
      .get(`/api/conversations/${conversationId}/messages`)
      .set(client.auth)
      .expect(200);
    expect(history.body.items.map((m: Message) => m.text)).toEqual([
      'Bom dia! <b>segue</b> a dúvida',
      'Olá, vamos ver.',
    ]);
  });

  it('stores a retried clientMessageId once and acks the same message', async () => {
    const c = await open(client.token);
    const clientMessageId = randomUUID();
    const [first, again] = await Promise.all([
      send(c, { clientMessageId, text: 'só uma vez' }),
      send(c, { clientMessageId, text: 'só uma vez' }),
    ]);
    const third = await send(c, { clientMessageId, text: 'só uma vez' });
    expect(first.ok && again.ok && third.ok).toBe(true);
    if (!first.ok || !again.ok || !third.ok) return;
    expect(again.message.id).toBe(first.message.id);
    expect(third.message.id).toBe(first.message.id);
    const all = await t
      .http()
      .get(`/api/conversations/${conversationId}/messages`)
      .query({ limit: 500 })
      .set(staff.auth);
    expect(all.body.items.filter((m: Message) => m.clientMessageId === clientMessageId)).toHaveLength(1);
  });

  it('sends a retried message out again, for receivers that missed the first broadcast', async () => {
    // The first attempt's node may have died between storing and broadcasting: the retry's
    // message:new is then the only one staff get. Receivers merge by seq, so twice is harmless.
    const c = await open(client.token);
    const s = await open(staff.token);
    const clientMessageId = randomUUID();
    const delivered = waitForEvent<Message>(s, 'message:new');
    const first = await send(c, { clientMessageId, text: 'de novo' });
    await delivered;
    const seen = collect<Message>(s, 'message:new');
    const redelivered = waitForEvent<Message>(s, 'message:new');
    const retry = await send(c, { clientMessageId, text: 'de novo' });
    expect(first.ok && retry.ok).toBe(true);
    if (!first.ok || !retry.ok) return;
    const again = await redelivered;
    expect(again.id).toBe(first.message.id);
    expect(again.seq).toBe(first.message.seq);
    expect(seen.filter((m) => m.id === first.message.id)).toHaveLength(1);
  });

  it('gives concurrent senders on both sides distinct seqs and exact unread counters', async () => {
    const firm = await makeFirm(t);
    const cl = await makePortalClient(t, firm);
    const conv = cl.client.conversationId as string;
    const c = await open(cl.token);
    const s = await open(firm.token);
    const acks = await Promise.all([
      ...Array.from({ length: 15 }, (_, i) => send(c, { text: `cliente ${i}` })),
      ...Array.from({ length: 15 }, (_, i) => send(s, { conversationId: conv, text: `escritório ${i}` })),
    ]);
    const seqs = acks.map((a) => (a.ok ? a.message.seq : -1)).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    const item = await t.http().get(`/api/conversations/${conv}`).set(firm.auth).expect(200);
    expect(item.body).toMatchObject({ lastSeq: 30, unreadForStaff: 15, pendingForClient: 15 });
    const row = await t.http().get(`/api/clients/${cl.client.id}`).set(firm.auth).expect(200);
    expect(row.body).toMatchObject({ unreadForStaff: 15, pendingForClient: 15 });
  });

  it('read receipts reset exactly the reader’s side, up to the seq read', async () => {
    const firm = await makeFirm(t);
    const cl = await makePortalClient(t, firm);
    const conv = cl.client.conversationId as string;
    const c = await open(cl.token);
    const s = await open(firm.token);
    const receipts = collect<{ conversationId: string; side: string; seq: number }>(c, 'conversation:read');
    const unread = collect<{ unreadForStaff: number; pendingForClient: number }>(s, 'unread');
    const m1 = await send(c, { text: 'um' });
    await send(s, { conversationId: conv, text: 'resposta' });
    await send(c, { text: 'dois' });
    await send(c, { text: 'três' });
    expect(m1.ok).toBe(true);

    // Staff read up to the first message only: two client messages remain unread.
    expect(await emitAck(s, 'conversation:read', { conversationId: conv, seq: 1 })).toEqual({ ok: true });
    await expect.poll(() => receipts.at(-1)).toEqual({ conversationId: conv, side: 'staff', seq: 1 });
    await expect.poll(() => unread.at(-1)).toMatchObject({ unreadForStaff: 2, pendingForClient: 1 });
    // Reading an older seq again changes nothing.
    expect(await emitAck(s, 'conversation:read', { conversationId: conv, seq: 1 })).toEqual({ ok: true });
    // Everything.
    await emitAck(s, 'conversation:read', { conversationId: conv, seq: 4 });
    await emitAck(c, 'conversation:read', { conversationId: conv, seq: 4 });
    const item = await t.http().get(`/api/conversations/${conv}`).set(firm.auth).expect(200);
    expect(item.body).toMatchObject({
      unreadForStaff: 0,
      pendingForClient: 0,
      staffReadSeq: 4,
      clientReadSeq: 4,
    });
  });

  it('keeps unread exact while the reader reads and the other side keeps sending', async () => {
    const firm = await makeFirm(t);
    const cl = await makePortalClient(t, firm);
    const conv = cl.client.conversationId as string;
    const c = await open(cl.token);
    const s = await open(firm.token);
    const seen = collect<Message>(s, 'message:new');
    const sends = Array.from({ length: 12 }, (_, i) => send(c, { text: `msg ${i}` }));
    const reads: Promise<unknown>[] = [];
    for (let i = 0; i < 12; i++) {
      await new Promise((r) => setTimeout(r, 5));
      const latest = Math.max(0, ...seen.map((m) => m.seq));
      if (latest) reads.push(emitAck(s, 'conversation:read', { conversationId: conv, seq: latest }));
    }
    await Promise.all([...sends, ...reads]);
    const mid = (await t.http().get(`/api/conversations/${conv}`).set(firm.auth).expect(200)).body;
    const history = (await t.http().get(`/api/conversations/${conv}/messages`).set(firm.auth).expect(200))
      .body.items;
    const unreadByHand = history.filter(
      (m: Message) => m.sender.kind === 'client' && m.seq > mid.staffReadSeq,
    ).length;
    expect(mid.unreadForStaff).toBe(unreadByHand);
    await emitAck(s, 'conversation:read', { conversationId: conv, seq: 12 });
    const end = (await t.http().get(`/api/conversations/${conv}`).set(firm.auth).expect(200)).body;
    expect(end).toMatchObject({ unreadForStaff: 0, staffReadSeq: 12 });
  });

  it('sync returns exactly what a reconnecting client missed, in order', async () => {
    const firm = await makeFirm(t);
    const cl = await makePortalClient(t, firm);
    const conv = cl.client.conversationId as string;
    const s = await open(firm.token);
    const c1 = await open(cl.token);
    const before = await send(c1, { text: 'antes de cair' });
    const lastSeen = before.ok ? before.message.seq : 0;
    c1.disconnect();
    for (const text of ['perdida 1', 'perdida 2', 'perdida 3']) await send(s, { conversationId: conv, text });
    const c2 = await open(cl.token);
    const res = await emitAck<Ack<{ messages: Message[] }>>(c2, 'sync', {
      conversationId: conv,
      afterSeq: lastSeen,
    });
    expect(res.ok && res.messages.map((m) => [m.seq, m.text])).toEqual([
      [lastSeen + 1, 'perdida 1'],
      [lastSeen + 2, 'perdida 2'],
      [lastSeen + 3, 'perdida 3'],
    ]);
    const none = await emitAck<Ack<{ messages: Message[] }>>(c2, 'sync', {
      conversationId: conv,
      afterSeq: lastSeen + 3,
    });
    expect(none).toEqual({ ok: true, messages: [], hasMore: false });
    const older = await t
      .http()
      .get(`/api/conversations/${conv}/messages`)
      .query({ beforeSeq: 3, limit: 1 })
      .set(firm.auth);
    expect(older.body.items.map((m: Message) => m.seq)).toEqual([2]);
  });

  it('sync pages: at most limit messages, hasMore until the last page, every message once in order', async () => {
    const firm = await makeFirm(t);
    const cl = await makePortalClient(t, firm);
    const conv = cl.client.conversationId as string;
    const s = await open(firm.token);
    const c = await open(cl.token);
    // From both sides, so neither sender goes over its burst allowance.
    for (let i = 1; i <= 30; i++) {
      const ack = await send(i % 2 ? s : c, { conversationId: conv, text: `m${i}` });
      expect(ack.ok).toBe(true);
    }
    type SyncAck = Ack<{ messages: Message[]; hasMore: boolean }>;
    const first = await emitAck<SyncAck>(c, 'sync', { conversationId: conv, afterSeq: 0, limit: 10 });
    expect(first.ok && [first.messages.length, first.hasMore]).toEqual([10, true]);

    const seen: string[] = [];
    let afterSeq = 0;
    for (let hasMore = true; hasMore;) {
      const page = await emitAck<SyncAck>(c, 'sync', { conversationId: conv, afterSeq, limit: 10 });
      if (!page.ok) throw new Error(page.error.code);
      seen.push(...page.messages.map((m) => m.text));
      afterSeq = page.messages.at(-1)?.seq ?? afterSeq;
      hasMore = page.hasMore;
    }
    expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => `m${i + 1}`));
    const all = await emitAck<SyncAck>(c, 'sync', { conversationId: conv, afterSeq: 0 });
    expect(all.ok && [all.messages.length, all.hasMore]).toEqual([30, false]);

    for (const limit of [0, 501, 'x', 2.5]) {
      const bad = await emitAck<SyncAck>(c, 'sync', { conversationId: conv, afterSeq: 0, limit });
      expect(!bad.ok && bad.error.code).toBe('VALIDATION_FAILED');
    }
  });

  it('relays typing to the other side only', async () => {
    const firm = await makeFirm(t);
    const cl = await makePortalClient(t, firm);
    const conv = cl.client.conversationId as string;
    const c = await open(cl.token);
    const cTab2 = await open(cl.token);
    const s = await open(firm.token);
    const atClientTab2 = collect(cTab2, 'typing');
    const atStaff = waitForEvent(s, 'typing');
    c.emit('typing', { conversationId: conv, typing: true });
    expect(await atStaff).toEqual({ conversationId: conv, typing: true });
    const atClient = waitForEvent(c, 'typing');
    s.emit('typing', { conversationId: conv, typing: false });
    expect(await atClient).toEqual({ conversationId: conv, typing: false });
    // The client's other tab got the staff signal, never its own side's.
    await expect.poll(() => atClientTab2).toEqual([{ conversationId: conv, typing: false }]);
  });

  it('refuses bad input, other conversations, missing permission and read-only sessions', async () => {
    const c = await open(client.token);
    const empty = await send(c, { text: '' });
    expect(!empty.ok && empty.error.code).toBe('VALIDATION_FAILED');
    const long = await send(c, { text: 'x'.repeat(10_001) });
    expect(!long.ok && long.error.code).toBe('VALIDATION_FAILED');
    expect((await send(c, { text: 'x'.repeat(10_000) })).ok).toBe(true);

    const other = await makePortalClient(t, staff);
    const foreign = await send(c, { conversationId: other.client.conversationId, text: 'oi' });
    expect(!foreign.ok && foreign.error.code).toBe('NOT_FOUND');
    const s = await open(staff.token);
    const noConv = await send(s, { text: 'sem conversa' });
    expect(!noConv.ok && noConv.error.code).toBe('NOT_FOUND');

    const noChat = await makePortalClient(t, staff, { chat: false, documents: true });
    const nc = await open(noChat.token);
    const denied = await send(nc, { text: 'oi' });
    expect(!denied.ok && denied.error.code).toBe('PERMISSION_DENIED');
    const deniedSync = await emitAck<Ack>(nc, 'sync', {
      conversationId: noChat.client.conversationId,
      afterSeq: 0,
    });
    expect(!deniedSync.ok && deniedSync.error.code).toBe('PERMISSION_DENIED');

    // Permission changes apply to an open socket at once.
    await t
      .http()
      .put(`/api/clients/${client.client.id}/portal`)
      .set(staff.auth)
      .send({ enabled: true, permissions: { chat: false } });
    const revokedPerm = await send(c, { text: 'ainda posso?' });
    expect(!revokedPerm.ok && revokedPerm.error.code).toBe('PERMISSION_DENIED');
    await t
      .http()
      .put(`/api/clients/${client.client.id}/portal`)
      .set(staff.auth)
      .send({ enabled: true, permissions: { chat: true } });

    const imp = await t
      .http()
      .post(`/api/clients/${client.client.id}/impersonate`)
      .set(staff.auth)
      .expect(200);
    const is = await open(imp.body.token);
    const ro = await send(is, { text: 'como cliente' });
    expect(!ro.ok && ro.error.code).toBe('READ_ONLY_SESSION');
  });

  it('inbox filters by assignee, searches names and text; assignment is pushed to staff', async () => {
    const firm = await makeFirm(t);
    const a = await makePortalClient(t, firm);
    const b = await makePortalClient(t, firm);
    const s = await open(firm.token);
    const ca = await open(a.token);
    await send(ca, { text: 'Preciso da guia do DAS de outubro' });
    const assigned = waitForEvent(s, 'conversation:assigned');
    const res = await t
      .http()
      .put(`/api/conversations/${a.client.conversationId}/assignee`)
      .set(firm.auth)
      .send({ assigneeId: firm.user.id })
      .expect(200);
    expect(res.body.assigneeId).toBe(firm.user.id);
    expect(await assigned).toEqual({ conversationId: a.client.conversationId, assigneeId: firm.user.id });

    const ids = async (query: Record<string, string>) =>
      (await t.http().get('/api/conversations').query(query).set(firm.auth).expect(200)).body.items.map(
        (i: { id: string }) => i.id,
      );
    expect(await ids({ filter: 'mine' })).toEqual([a.client.conversationId]);
    expect(await ids({ filter: 'unassigned' })).toEqual([b.client.conversationId]);
    expect((await ids({ filter: 'all' }))[0]).toBe(a.client.conversationId);
    expect(await ids({ search: 'das de outubro' })).toEqual([a.client.conversationId]);
    expect(await ids({ search: b.client.name.slice(-6) })).toEqual([b.client.conversationId]);
    const other = await makeFirm(t);
    await t
      .http()
      .put(`/api/conversations/${a.client.conversationId}/assignee`)
      .set(firm.auth)
      .send({ assigneeId: other.user.id })
      .expect(400);
  });
});
