import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSocket, startTestApp, type TestApp, type TestSocket, waitForEvent } from '../helpers/app.js';
import { makeFirm, makePortalClient } from '../helpers/factories.js';

type RawSocket = { emit: (event: string, ...args: unknown[]) => void };

/** Connects: the handshake's session read, shared reads, batched presence, one event listener. */
describe('sockets: connects', () => {
  let t: TestApp;
  const sockets: TestSocket[] = [];
  const open = (token: string) => {
    const s = connectSocket(t.url, token);
    sockets.push(s);
    return s;
  };
  beforeAll(async () => {
    t = await startTestApp('rtconnect');
  });
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await t.close();
  });

  it('admits the tabs of one session connecting at once, each told presence, the client announced once', async () => {
    const admin = await makeFirm(t);
    const c = await makePortalClient(t, admin, { onlineStatus: true });
    const staff = open(admin.token);
    await waitForEvent(staff, 'connect');
    const announced: unknown[] = [];
    staff.on('presence:client', (p) => announced.push(p));

    const tabs = Array.from({ length: 6 }, () => open(c.token));
    const told = tabs.map((s) => waitForEvent<{ online: boolean }>(s, 'presence:firm'));
    expect(await Promise.all(told)).toEqual(tabs.map(() => ({ online: true })));
    await expect.poll(() => announced).toEqual([{ clientId: c.client.id, online: true }]);

    // Every tab is admitted: its events are answered.
    const acks = await Promise.all(
      tabs.map(
        (s) =>
          new Promise<{ ok: boolean; error?: { code: string } }>((resolve) =>
            (s as unknown as RawSocket).emit(
              'sync',
              { conversationId: 'x'.repeat(24), afterSeq: 0 },
              resolve,
            ),
          ),
      ),
    );
    expect(acks.every((a) => a.ok === true || a.error?.code !== 'UNAUTHENTICATED')).toBe(true);

    tabs.slice(1).forEach((s) => s.disconnect());
    await new Promise((r) => setTimeout(r, 300));
    expect(announced).toHaveLength(1);
    tabs[0].disconnect();
    await expect.poll(() => announced.at(-1)).toEqual({ clientId: c.client.id, online: false });
  });

  it('ends every socket of a client blocked while they connect', async () => {
    const admin = await makeFirm(t);
    const c = await makePortalClient(t, admin);
    const tabs = Array.from({ length: 5 }, () => open(c.token));
    const ended = tabs.map((s) =>
      waitForEvent(s, 'disconnect', 10_000).catch(() =>
        s.connected ? 'still connected' : 'never connected',
      ),
    );
    await t.http().post(`/api/clients/${c.client.id}/portal/block`).set(admin.auth).expect(200);
    await Promise.all(ended);
    await new Promise((r) => setTimeout(r, 300));
    expect(tabs.filter((s) => s.connected)).toEqual([]);
  });

  it('answers an event sent with an ack only, or several arguments, as Nest read them', async () => {
    const admin = await makeFirm(t);
    const c = await makePortalClient(t, admin);
    const s = open(c.token);
    await waitForEvent(s, 'connect');
    const raw = s as unknown as RawSocket;
    // Sent at once after connect: it waits for the handshake's session check.
    const onlyAck = await new Promise<{ ok: boolean; error?: { code: string } }>((resolve) =>
      raw.emit('sync', resolve),
    );
    expect(onlyAck).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    const several = await new Promise<{ ok: boolean; error?: { code: string } }>((resolve) =>
      raw.emit('message:send', { text: 'a' }, { text: 'b' }, resolve),
    );
    expect(several).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(s.connected).toBe(true);
  });
  it('gives a new tab of a session the access the session has now, not what its first tab was given', async () => {
    const admin = await makeFirm(t);
    const c = await makePortalClient(t, admin, { chat: true, onlineStatus: true });
    const portal = (permissions: Record<string, boolean>) =>
      t
        .http()
        .put(`/api/clients/${c.client.id}/portal`)
        .set(admin.auth)
        .send({ enabled: true, permissions })
        .expect(200);
    const tab1 = open(c.token);
    await waitForEvent(tab1, 'presence:firm');

    await portal({ chat: false, onlineStatus: false });
    const tab2 = open(c.token);
    const got = { messages: [] as string[], presence: [] as boolean[] };
    tab2.on('message:new', (m) => got.messages.push(m.text));
    tab2.on('presence:firm', (p) => got.presence.push(p.online));
    await waitForEvent(tab2, 'connect');
    const staff = open(admin.token);
    await waitForEvent(staff, 'connect');
    const conversationId = (c.client as unknown as { conversationId: string }).conversationId;
    const hidden = await staff.timeout(5000).emitWithAck('message:send', {
      conversationId,
      clientMessageId: randomUUID(),
      text: 'não deveria chegar',
    });
    expect(hidden.ok).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect(got).toEqual({ messages: [], presence: [] });

    // Given back: both tabs follow, the new one included.
    await portal({ chat: true, onlineStatus: true });
    await expect.poll(() => got.presence).toEqual([true]);
    const shown = await staff
      .timeout(5000)
      .emitWithAck('message:send', { conversationId, clientMessageId: randomUUID(), text: 'agora sim' });
    expect(shown.ok).toBe(true);
    await expect.poll(() => got.messages).toEqual(['agora sim']);
  });
});
