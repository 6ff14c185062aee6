import argon2 from 'argon2';
import { getConnectionToken } from '@nestjs/mongoose';
import mongoose, { type Connection } from 'mongoose';
import { io } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { WEB_PROXY_HEADER, webProxyToken } from '../../src/common/client-ip.js';
import { RedisClient } from '../../src/infra/redis.provider.js';
import { connectSocket, startTestApp, type TestApp, type TestSocket, waitForEvent } from '../helpers/app.js';
import {
  makeClient,
  makeCnpj,
  makeFirm,
  makePortalClient,
  makeStaff,
  type StaffSession,
} from '../helpers/factories.js';

let ipCounter = 0;
/** A fresh documentation-range address per call (TEST-NET-3), so tests never share an IP. */
const newIp = () => `203.0.113.${(ipCounter++ % 250) + 1}`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves once the server has admitted the socket (events wait for admission). */
async function admitted(socket: TestSocket): Promise<void> {
  await waitForEvent(socket, 'connect');
  await socket.timeout(5000).emitWithAck('sync', { conversationId: '0'.repeat(24), afterSeq: 0 });
}

describe('which address the login limits count', () => {
  describe('default TRUST_PROXY=web (only the bundled web server names the client)', () => {
    let t: TestApp;
    let staff: StaffSession;
    beforeAll(async () => {
      t = await startTestApp('trust-default');
      staff = await makeFirm(t);
    });
    afterAll(() => t.close());

    const login = (cnpj: string, xff?: string, proxy?: string) => {
      const req = t.http().post(`/api/portal/${staff.firm.slug}/login`);
      if (xff) req.set('X-Forwarded-For', xff);
      if (proxy) req.set(WEB_PROXY_HEADER, proxy);
      return req.send({ cnpj, password: 'wrong' });
    };

    it('ignores X-Forwarded-For from anyone else, loopback included', async () => {
      const cnpj = makeCnpj();
      for (let i = 0; i < 5; i++) await login(cnpj, newIp()).expect(401);
      // Five spoofed addresses, one real one (this connection's): locked, however it is dressed.
      await login(cnpj).expect(429);
      await login(cnpj, newIp()).expect(429);
      await login(cnpj, newIp(), 'not-the-token').expect(429);
    });

    it("counts the web server's own entry: a spoofed left-hand entry changes nothing", async () => {
      const cnpj = makeCnpj();
      const token = webProxyToken(t.config.SECRET_KEY);
      const real = newIp();
      for (let i = 0; i < 5; i++) await login(cnpj, `${newIp()}, ${real}`, token).expect(401);
      await login(cnpj, real, token).expect(429);
      await login(cnpj, `${newIp()}, ${real}`, token).expect(429);
      // Another client behind the same web server is its own address.
      await login(cnpj, newIp(), token).expect(401);
    });
  });

  // supertest connects from 127.0.0.1, which neither setting trusts.
  describe.each(['10.0.0.0/8', 'false'])(
    'TRUST_PROXY=%s: a direct peer that is not a trusted proxy',
    (value) => {
      let t: TestApp;
      let staff: StaffSession;
      beforeAll(async () => {
        t = await startTestApp('trust-direct', { TRUST_PROXY: value });
        staff = await makeFirm(t);
      });
      afterAll(() => t.close());

      it('cannot change its counted address with X-Forwarded-For', async () => {
        const cnpj = makeCnpj();
        const login = (xff?: string) => {
          const req = t.http().post(`/api/portal/${staff.firm.slug}/login`);
          if (xff) req.set('X-Forwarded-For', xff);
          return req.send({ cnpj, password: 'wrong' });
        };
        for (let i = 0; i < 5; i++) await login(newIp()).expect(401);
        // Five different spoofed addresses were one address: the socket's.
        await login(newIp()).expect(429);
        await login().expect(429);
      });
    },
  );
});

describe('login lock-outs: per login and IP, and a per-login backoff', () => {
  let t: TestApp;
  let staff: StaffSession;
  beforeAll(async () => {
    // Each test address stands for a client behind a trusted proxy (supertest is loopback).
    t = await startTestApp('lockouts', { LOGIN_MAX_FAILURES_PER_HOUR: '8', TRUST_PROXY: 'loopback' });
    staff = await makeFirm(t);
  });
  afterAll(() => t.close());

  const portal = (cnpj: string, password: string, ip: string) =>
    t.http().post(`/api/portal/${staff.firm.slug}/login`).set('X-Forwarded-For', ip).send({ cnpj, password });
  const staffLogin = (email: string, password: string, ip: string) =>
    t.http().post('/api/auth/staff/login').set('X-Forwarded-For', ip).send({ email, password });

  it('five failures lock that IP out of that CNPJ only; the owner elsewhere gets in; staff can unlock', async () => {
    const c = await makePortalClient(t, staff);
    const attacker = newIp();
    for (let i = 0; i < 5; i++) await portal(c.client.cnpj, `wrong-${i}`, attacker).expect(401);
    const locked = await portal(c.client.cnpj, c.password, attacker).expect(429);
    expect(locked.body).toEqual({
      error: { code: 'TOO_MANY_ATTEMPTS', message: expect.any(String), details: expect.anything() },
    });
    const retryAfter = Number(locked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(14 * 60);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);

    // The owner, from another address, is not locked out.
    await portal(c.client.cnpj, c.password, newIp()).expect(200);

    // Staff see the lock, audited, and can lift it.
    const row = await t.http().get(`/api/clients/${c.client.id}`).set(staff.auth).expect(200);
    expect(Date.parse(row.body.portal.lockedUntil)).toBeGreaterThan(Date.now() + 14 * 60_000);
    const unlocked = await t
      .http()
      .post(`/api/clients/${c.client.id}/portal/unlock`)
      .set(staff.auth)
      .expect(200);
    expect(unlocked.body.portal.lockedUntil).toBeNull();
    await portal(c.client.cnpj, c.password, attacker).expect(200);
    const audit = await t.http().get(`/api/clients/${c.client.id}/audit`).set(staff.auth).expect(200);
    const actions = audit.body.items.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['client.login.locked', 'client.login.unlocked']));
    expect(
      audit.body.items.find((e: { action: string }) => e.action === 'client.login.unlocked'),
    ).toMatchObject({
      actor: { kind: 'staff', id: staff.user.id },
    });
  });

  it('answers a CNPJ that is not a client exactly like one that is', async () => {
    const c = await makePortalClient(t, staff);
    const unknown = makeCnpj();
    const ip = newIp();
    for (let i = 0; i < 5; i++) {
      const a = await portal(c.client.cnpj, `wrong-${i}`, ip).expect(401);
      const b = await portal(unknown, `wrong-${i}`, ip).expect(401);
      expect(b.body).toEqual(a.body);
    }
    const a = await portal(c.client.cnpj, 'x', ip).expect(429);
    const b = await portal(unknown, 'x', ip).expect(429);
    expect(b.body).toEqual(a.body);
  });

  it('past the hourly ceiling every IP waits a short, growing backoff, then the owner gets in', async () => {
    const c = await makePortalClient(t, staff);
    // Eight failures from eight addresses: no IP reaches its own lock.
    for (let i = 0; i < 8; i++) await portal(c.client.cnpj, `wrong-${i}`, newIp()).expect(401);
    const slowed = await portal(c.client.cnpj, c.password, newIp()).expect(429);
    expect(Number(slowed.headers['retry-after'])).toBe(1);
    await sleep(1100);
    await portal(c.client.cnpj, 'wrong-again', newIp()).expect(401);
    const longer = await portal(c.client.cnpj, c.password, newIp()).expect(429);
    expect(Number(longer.headers['retry-after'])).toBe(2);
    await sleep(2100);
    await portal(c.client.cnpj, c.password, newIp()).expect(200);

    // Staff saw it as locked, and unlocking lifts the backoff at once.
    const row = await t.http().get(`/api/clients/${c.client.id}`).set(staff.auth).expect(200);
    expect(row.body.portal.lockedUntil).toEqual(expect.any(String));
    await portal(c.client.cnpj, 'wrong-3', newIp()).expect(401);
    await portal(c.client.cnpj, c.password, newIp()).expect(429);
    await t.http().post(`/api/clients/${c.client.id}/portal/unlock`).set(staff.auth).expect(200);
    await portal(c.client.cnpj, c.password, newIp()).expect(200);
  });

  it('staff accounts lock the same way, known e-mail or not', async () => {
    const member = await makeStaff(t, staff);
    const attacker = newIp();
    for (let i = 0; i < 5; i++) {
      const known = await staffLogin(member.email, `wrong-${i}`, attacker).expect(401);
      const unknown = await staffLogin('nobody@example.com', `wrong-${i}`, attacker).expect(401);
      expect(unknown.body).toEqual(known.body);
    }
    const locked = await staffLogin(member.email, member.password, attacker).expect(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(14 * 60);
    const unknownLocked = await staffLogin('nobody@example.com', 'x', attacker).expect(429);
    expect(unknownLocked.body).toEqual(locked.body);
    await staffLogin(member.email, member.password, newIp()).expect(200);

    // Rotating addresses runs into the per-account ceiling (8 here, 50 by default).
    const other = await makeStaff(t, staff);
    for (let i = 0; i < 8; i++) await staffLogin(other.email, `wrong-${i}`, newIp()).expect(401);
    const slowed = await staffLogin(other.email, other.password, newIp()).expect(429);
    expect(Number(slowed.headers['retry-after'])).toBeLessThanOrEqual(1);
    await sleep(1100);
    await staffLogin(other.email, other.password, newIp()).expect(200);

    // An admin setting a new password lifts the member's locks.
    await t
      .http()
      .post(`/api/staff/${member.user.id}/password`)
      .set(staff.auth)
      .send({ password: 'fresh-password-1' })
      .expect(204);
    await staffLogin(member.email, 'fresh-password-1', attacker).expect(200);
  });
});

describe('a failed login does the same work whether the account exists or not', () => {
  let t: TestApp;
  let staff: StaffSession;
  let redisCommands: string[] = [];
  let dbCommands: string[] = [];
  let verifies = 0;
  beforeAll(async () => {
    t = await startTestApp('login-work', { TRUST_PROXY: 'loopback' });
    staff = await makeFirm(t);
    const redis = t.app.get(RedisClient).redis;
    const send = redis.sendCommand.bind(redis);
    vi.spyOn(redis, 'sendCommand').mockImplementation((command, ...rest) => {
      redisCommands.push(command.name);
      return send(command, ...rest);
    });
    const verify = argon2.verify.bind(argon2);
    vi.spyOn(argon2, 'verify').mockImplementation((...args) => {
      verifies++;
      return verify(...args);
    });
    mongoose.set('debug', (collection: string, method: string) => {
      dbCommands.push(`${collection}.${method}`);
    });
  });
  afterEach(() => {
    redisCommands = [];
    dbCommands = [];
    verifies = 0;
  });
  afterAll(async () => {
    mongoose.set('debug', false);
    vi.restoreAllMocks();
    await t.close();
  });

  /** What one request did: its database commands, Redis commands and argon2 verifications. */
  async function workOf(send: () => Promise<unknown>) {
    redisCommands = [];
    dbCommands = [];
    verifies = 0;
    await send();
    return { db: [...dbCommands], redis: [...redisCommands], verifies };
  }

  it('portal: portal on + wrong password, portal off, not a client, malformed CNPJ', async () => {
    const on = await makePortalClient(t, staff);
    const off = await makeClient(t, staff);
    const login = (cnpj: string) => () =>
      t
        .http()
        .post(`/api/portal/${staff.firm.slug}/login`)
        .set('X-Forwarded-For', newIp())
        .send({ cnpj, password: 'wrong-password' })
        .expect(401);
    // The first failure makes the dummy hash: not part of any path.
    await login(makeCnpj())();

    const paths = {
      portalOn: await workOf(login(on.client.cnpj)),
      portalOff: await workOf(login(off.cnpj)),
      notAClient: await workOf(login(makeCnpj())),
      malformed: await workOf(login('12.345.678/0001-00')),
    };
    expect(paths.portalOn.verifies).toBe(1);
    expect(paths.portalOn.redis).toContain('incr');
    expect(paths.portalOn.db).toEqual(['firms.findOne', 'clients.findOne']);
    for (const work of Object.values(paths)) expect(work).toEqual(paths.portalOn);
  });

  it('portal: the attempt that locks does the same work too', async () => {
    const on = await makePortalClient(t, staff);
    const lockingAttempt = async (cnpj: string) => {
      const ip = newIp();
      const send = () =>
        t
          .http()
          .post(`/api/portal/${staff.firm.slug}/login`)
          .set('X-Forwarded-For', ip)
          .send({ cnpj, password: 'wrong-password' })
          .expect(401);
      for (let i = 0; i < 4; i++) await send();
      return workOf(send);
    };
    const known = await lockingAttempt(on.client.cnpj);
    const unknown = await lockingAttempt(makeCnpj());
    expect(known.db).toEqual(['firms.findOne', 'clients.findOne', 'clients.updateOne', 'auditLog.insertOne']);
    expect(unknown).toEqual(known);
  });

  it('staff: known and unknown e-mail', async () => {
    const member = await makeStaff(t, staff);
    const login = (email: string) => () =>
      t
        .http()
        .post('/api/auth/staff/login')
        .set('X-Forwarded-For', newIp())
        .send({ email, password: 'wrong-password' })
        .expect(401);
    await login('warm-up@example.com')();
    const known = await workOf(login(member.email));
    const unknown = await workOf(login('nobody-here@example.com'));
    expect(known.verifies).toBe(1);
    expect(known.db).toEqual(['staff.findOne']);
    expect(known.redis).toContain('incr');
    expect(unknown).toEqual(known);
  });
});

describe('password changes end the other sessions', () => {
  let t: TestApp;
  let staff: StaffSession;
  beforeAll(async () => {
    t = await startTestApp('pw-change');
    staff = await makeFirm(t);
  });
  afterAll(() => t.close());

  it('a staff member changing their own password keeps this session and ends the others, sockets too', async () => {
    const member = await makeStaff(t, staff);
    const other = await t
      .http()
      .post('/api/auth/staff/login')
      .send({ email: member.email, password: member.password })
      .expect(200);
    const socket = connectSocket(t.url, other.body.token);
    try {
      await admitted(socket);
      const revoked = waitForEvent<{ reason: string }>(socket, 'session:revoked');
      await t
        .http()
        .post(`/api/staff/${member.user.id}/password`)
        .set(member.auth)
        .send({ password: 'my-new-password' })
        .expect(204);
      expect(await revoked).toEqual({ reason: 'password_changed' });
      await t.http().get('/api/staff/me').set('Authorization', `Bearer ${other.body.token}`).expect(401);
      await t.http().get('/api/staff/me').set(member.auth).expect(200);
    } finally {
      socket.close();
    }
  });

  it('an admin resetting a member’s password ends all of the member’s sessions', async () => {
    const member = await makeStaff(t, staff);
    const socket = connectSocket(t.url, member.token);
    try {
      await admitted(socket);
      const revoked = waitForEvent<{ reason: string }>(socket, 'session:revoked');
      await t
        .http()
        .post(`/api/staff/${member.user.id}/password`)
        .set(staff.auth)
        .send({ password: 'set-by-admin-1' })
        .expect(204);
      expect(await revoked).toEqual({ reason: 'password_changed' });
      await t.http().get('/api/staff/me').set(member.auth).expect(401);
    } finally {
      socket.close();
    }
  });

  it('a client changing its password ends its other sessions, and staff can no longer read it', async () => {
    const c = await makePortalClient(t, staff);
    const other = await t
      .http()
      .post(`/api/portal/${staff.firm.slug}/login`)
      .send({ cnpj: c.client.cnpj, password: c.password })
      .expect(200);
    const socket = connectSocket(t.url, other.body.token);
    try {
      await admitted(socket);
      const revoked = waitForEvent<{ reason: string }>(socket, 'session:revoked');
      await t
        .http()
        .post('/api/me/password')
        .set(c.auth)
        .send({ currentPassword: c.password, newPassword: 'chosen-by-client-1' })
        .expect(204);
      expect(await revoked).toEqual({ reason: 'password_changed' });
      await t.http().get('/api/me').set('Authorization', `Bearer ${other.body.token}`).expect(401);
      await t.http().get('/api/me').set(c.auth).expect(200);
    } finally {
      socket.close();
    }

    const hidden = await t
      .http()
      .get(`/api/clients/${c.client.id}/portal/password`)
      .set(staff.auth)
      .expect(409);
    expect(hidden.body).toEqual({
      error: { code: 'PASSWORD_SET_BY_CLIENT', message: expect.stringMatching(/própria senha/) },
    });
    // The reversible copy is gone from the database, not just hidden by the endpoint.
    const stored = await t.app
      .get<Connection>(getConnectionToken())
      .collection('clients')
      .findOne({ cnpj: c.client.cnpj });
    expect(stored?.portal).toMatchObject({ passwordEnc: null, passwordSetBy: 'client' });

    // A staff-generated password is readable again.
    const reset = await t
      .http()
      .post(`/api/clients/${c.client.id}/portal/password/reset`)
      .set(staff.auth)
      .expect(200);
    const shown = await t
      .http()
      .get(`/api/clients/${c.client.id}/portal/password`)
      .set(staff.auth)
      .expect(200);
    expect(shown.body).toEqual({ password: reset.body.password });
  });
});

describe('malformed session cookies', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('cookies');
  });
  afterAll(() => t.close());

  it.each(['j:{"$ne":null}', 'j:123', 'j:[1]'])('%s is a 401, not a 500', async (value) => {
    const res = await t
      .http()
      .get('/api/staff/me')
      .set('Cookie', `session=${encodeURIComponent(value)}`);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: { code: 'UNAUTHENTICATED', message: expect.any(String) } });
    const raw = await t.http().get('/api/me').set('Cookie', `session=${value}`);
    expect(raw.status).toBe(401);
  });

  it('the socket handshake refuses one too', async () => {
    const socket = io(t.url, {
      path: '/socket.io',
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      extraHeaders: { Cookie: `session=${encodeURIComponent('j:{"$ne":null}')}` },
    });
    try {
      await waitForEvent(socket as never, 'disconnect');
    } finally {
      socket.close();
    }
  });
});
