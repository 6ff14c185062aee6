import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSocket, startTestApp, type TestApp, type TestSocket, waitForEvent } from '../helpers/app.js';
import { makeFirm, makePortalClient, makeStaff } from '../helpers/factories.js';

describe('sockets: authentication, revocation, presence', () => {
  let t: TestApp;
  const sockets: TestSocket[] = [];
  const open = (token: string) => {
    const s = connectSocket(t.url, token);
    sockets.push(s);
    return s;
  };
  beforeAll(async () => {
    t = await startTestApp('realtime');
  });
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await t.close();
  });

  it('refuses a connection without a valid session', async () => {
    const s = open('not-a-token');
    await waitForEvent(s, 'disconnect');
    expect(s.connected).toBe(false);
  });

  it('accepts the session cookie in the handshake', async () => {
    const staff = await makeFirm(t);
    const { io } = await import('socket.io-client');
    const s = io(t.url, {
      path: '/socket.io',
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      extraHeaders: { Cookie: `session=${staff.token}` },
    });
    sockets.push(s as TestSocket);
    await waitForEvent(s as TestSocket, 'connect');
  });

  it('blocking sends session:revoked to every socket of the client and disconnects them', async () => {
    const staff = await makeFirm(t);
    const c = await makePortalClient(t, staff);
    const other = await makePortalClient(t, staff);
    const tab1 = open(c.token);
    const tab2 = open(c.token);
    const bystander = open(other.token);
    await Promise.all([tab1, tab2, bystander].map((s) => waitForEvent(s, 'connect')));

    const revoked = [tab1, tab2].map((s) => waitForEvent<{ reason: string }>(s, 'session:revoked'));
    const disconnected = [tab1, tab2].map((s) => waitForEvent(s, 'disconnect'));
    await t.http().post(`/api/clients/${c.client.id}/portal/block`).set(staff.auth).expect(200);
    expect(await Promise.all(revoked)).toEqual([{ reason: 'blocked' }, { reason: 'blocked' }]);
    await Promise.all(disconnected);
    expect(bystander.connected).toBe(true);

    // A blocked client can't open a new socket either.
    const again = open(c.token);
    await waitForEvent(again, 'disconnect');
  });

  it('logout ends only that session’s sockets', async () => {
    const staff = await makeFirm(t);
    const second = await t
      .http()
      .post('/api/auth/staff/login')
      .send({
        email: (await t.http().get('/api/staff/me').set(staff.auth)).body.user.email,
        password: 'correct-horse',
      });
    const mine = open(staff.token);
    const otherDevice = open(second.body.token);
    await Promise.all([mine, otherDevice].map((s) => waitForEvent(s, 'connect')));
    const revoked = waitForEvent<{ reason: string }>(mine, 'session:revoked');
    await t.http().post('/api/auth/logout').set(staff.auth).expect(204);
    expect(await revoked).toEqual({ reason: 'logout' });
    await expect.poll(() => mine.connected).toBe(false);
    expect(otherDevice.connected).toBe(true);
  });

  it('pushes presence:firm to clients with onlineStatus only, on connect and on change', async () => {
    const admin = await makeFirm(t);
    const watcher = await makePortalClient(t, admin, { onlineStatus: true });
    const blind = await makePortalClient(t, admin, { onlineStatus: false, chat: true });
    const acc = await makeStaff(t, admin);

    const seen: boolean[] = [];
    const w = open(watcher.token);
    w.on('presence:firm', (p) => seen.push(p.online));
    await waitForEvent(w, 'connect');
    await expect.poll(() => seen).toEqual([false]);

    const blindEvents: unknown[] = [];
    const bsock = open(blind.token);
    bsock.on('presence:firm', (p) => blindEvents.push(p));
    await waitForEvent(bsock, 'connect');

    const staffSocket = open(acc.token);
    await expect.poll(() => seen).toEqual([false, true]);

    // A second staff tab is no change: nothing is pushed. Closing one of two neither.
    const tab2 = open(admin.token);
    await waitForEvent(tab2, 'connect');
    tab2.disconnect();
    await new Promise((r) => setTimeout(r, 300));
    expect(seen).toEqual([false, true]);
    staffSocket.disconnect();
    await expect.poll(() => seen, { timeout: 2000 }).toEqual([false, true, false]);
    expect(blindEvents).toEqual([]);
  });

  it('tells staff when a colleague or a client comes online and goes', async () => {
    const admin = await makeFirm(t);
    const acc = await makeStaff(t, admin);
    const c = await makePortalClient(t, admin);
    const s = open(admin.token);
    await waitForEvent(s, 'connect');
    const staffEvents: unknown[] = [];
    const clientEvents: unknown[] = [];
    // Its own arrival may reach it too; only the colleague's matter here.
    s.on('presence:staff', (p) => p.staffId === acc.user.id && staffEvents.push(p));
    s.on('presence:client', (p) => clientEvents.push(p));
    const accSocket = open(acc.token);
    const clientSocket = open(c.token);
    await expect.poll(() => staffEvents).toEqual([{ staffId: acc.user.id, online: true }]);
    await expect.poll(() => clientEvents).toEqual([{ clientId: c.client.id, online: true }]);
    accSocket.disconnect();
    clientSocket.disconnect();
    await expect.poll(() => staffEvents.at(-1)).toEqual({ staffId: acc.user.id, online: false });
    await expect.poll(() => clientEvents.at(-1)).toEqual({ clientId: c.client.id, online: false });
  });

  it('impersonated sockets never make the client look online', async () => {
    const admin = await makeFirm(t);
    const c = await makePortalClient(t, admin);
    const imp = await t.http().post(`/api/clients/${c.client.id}/impersonate`).set(admin.auth).expect(200);
    const s = open(imp.body.token);
    // It still sees "Estou Online?" as the client would.
    const presence = waitForEvent(s, 'presence:firm');
    await waitForEvent(s, 'connect');
    expect(await presence).toEqual({ online: false });
    const staffList = await t.http().get('/api/staff').set(admin.auth).expect(200);
    expect(staffList.body.items.every((m: { online: boolean }) => m.online === false)).toBe(true);
  });
});
