import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCnpj } from '../../src/contract/index.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { makeClient, makeCnpj, makeFirm, makePortalClient, type StaffSession } from '../helpers/factories.js';

describe('client portal: login, limits, permissions, impersonation', () => {
  let t: TestApp;
  let staff: StaffSession;
  beforeAll(async () => {
    // Test addresses in X-Forwarded-For stand for clients behind a trusted proxy (supertest is loopback).
    t = await startTestApp('portal', { PORTAL_LOCK_MINUTES: '15', TRUST_PROXY: 'loopback' });
    staff = await makeFirm(t, 'Contabilidade Portal');
  });
  afterAll(() => t.close());

  const login = (cnpj: string, password: string) =>
    t.http().post(`/api/portal/${staff.firm.slug}/login`).send({ cnpj, password });

  it('logs a client in with the CNPJ with or without punctuation, and /api/me describes the session', async () => {
    const c = await makeClient(t, staff, { cnpj: makeCnpj(true) });
    const enable = await t
      .http()
      .put(`/api/clients/${c.id}/portal`)
      .set(staff.auth)
      .send({ enabled: true })
      .expect(200);
    const password = enable.body.password;
    for (const cnpj of [c.cnpj, formatCnpj(c.cnpj), formatCnpj(c.cnpj).toLowerCase()]) {
      const res = await login(cnpj, password).expect(200);
      expect(res.body.client).toMatchObject({ id: c.id, cnpj: c.cnpj, name: c.name });
    }
    const res = await login(c.cnpj, password).expect(200);
    const me = await t.http().get('/api/me').set('Authorization', `Bearer ${res.body.token}`).expect(200);
    expect(me.body).toEqual({
      client: { id: c.id, cnpj: c.cnpj, name: c.name },
      firm: { name: 'Contabilidade Portal', slug: staff.firm.slug },
      permissions: expect.objectContaining({ chat: true, onlineStatus: true, mailbox: false }),
      conversationId: enable.body.conversationId,
      impersonation: null,
    });
    const list = await t.http().get('/api/clients').query({ search: c.cnpj }).set(staff.auth).expect(200);
    expect(list.body.items[0].portal.lastLoginAt).toEqual(expect.any(String));
  });

  it('makes an unknown CNPJ, a wrong password and a client without access indistinguishable', async () => {
    const enabled = await makePortalClient(t, staff);
    const disabled = await makeClient(t, staff);
    const wrong = await login(enabled.client.cnpj, 'wrong-password').expect(401);
    const unknown = await login(makeCnpj(), 'wrong-password').expect(401);
    const noAccess = await login(disabled.cnpj, 'wrong-password').expect(401);
    const garbage = await login('not a cnpj', 'wrong-password').expect(401);
    expect(wrong.body).toEqual({
      error: { code: 'INVALID_CREDENTIALS', message: expect.any(String), details: { attemptsLeft: 4 } },
    });
    for (const r of [unknown, noAccess, garbage]) expect(r.body).toEqual(wrong.body);
    await t
      .http()
      .post('/api/portal/no-such-firm/login')
      .send({ cnpj: enabled.client.cnpj, password: 'x' })
      .expect(404);
  });

  it('locks an IP out of a CNPJ for 15 minutes after five wrong passwords, known or not', async () => {
    const c = await makePortalClient(t, staff);
    for (let i = 0; i < 5; i++) await login(c.client.cnpj, `wrong-${i}`).expect(401);
    const locked = await login(formatCnpj(c.client.cnpj), c.password).expect(429);
    expect(locked.body.error.code).toBe('TOO_MANY_ATTEMPTS');
    const retryAfter = Number(locked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(14 * 60);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);

    const unknown = makeCnpj();
    for (let i = 0; i < 5; i++) await login(unknown, `wrong-${i}`).expect(401);
    const unknownLocked = await login(unknown, 'whatever').expect(429);
    expect(unknownLocked.body).toEqual(locked.body);

    // Only that IP: the owner elsewhere (behind the bundled web server) still gets in.
    await login(c.client.cnpj, c.password).set('X-Forwarded-For', '198.51.100.20').expect(200);

    const row = await t.http().get(`/api/clients/${c.client.id}`).set(staff.auth).expect(200);
    expect(row.body.portal.lockedUntil).toEqual(expect.any(String));
    const audit = await t.http().get(`/api/clients/${c.client.id}/audit`).set(staff.auth).expect(200);
    expect(audit.body.items[0]).toMatchObject({ action: 'client.login.locked', actor: { kind: 'system' } });

    // A staff password reset is a fresh start for the client, from every IP.
    const reset = await t
      .http()
      .post(`/api/clients/${c.client.id}/portal/password/reset`)
      .set(staff.auth)
      .expect(200);
    await login(c.client.cnpj, reset.body.password).expect(200);
  });

  it('counts fewer than five failures as no lock, and a success clears them', async () => {
    const c = await makePortalClient(t, staff);
    for (let i = 0; i < 4; i++) await login(c.client.cnpj, `wrong-${i}`).expect(401);
    await login(c.client.cnpj, c.password).expect(200);
    for (let i = 0; i < 4; i++) await login(c.client.cnpj, `wrong-${i}`).expect(401);
    await login(c.client.cnpj, c.password).expect(200);
  });

  it('enforces every gated endpoint on the server with PERMISSION_DENIED, live', async () => {
    const c = await makePortalClient(t, staff, { documents: false, serviceForms: false, chat: false });
    const me = await t.http().get('/api/me').set(c.auth).expect(200);
    const denied = await t.http().get('/api/me/documents').set(c.auth).expect(403);
    expect(denied.body.error.code).toBe('PERMISSION_DENIED');
    await t.http().get('/api/me/service-orders').set(c.auth).expect(403);
    const chat = await t
      .http()
      .get(`/api/conversations/${me.body.conversationId}/messages`)
      .set(c.auth)
      .expect(403);
    expect(chat.body.error.code).toBe('PERMISSION_DENIED');

    await t
      .http()
      .put(`/api/clients/${c.client.id}/portal`)
      .set(staff.auth)
      .send({ enabled: true, permissions: { documents: true, serviceForms: true, chat: true } })
      .expect(200);
    expect((await t.http().get('/api/me/documents').set(c.auth).expect(200)).body).toEqual({ items: [] });
    expect((await t.http().get('/api/me/service-orders').set(c.auth).expect(200)).body).toEqual({
      items: [],
    });
    await t.http().get(`/api/conversations/${me.body.conversationId}/messages`).set(c.auth).expect(200);
  });

  it('keeps clients out of staff endpoints, staff out of client ones, and clients out of each other', async () => {
    const a = await makePortalClient(t, staff);
    const b = await makePortalClient(t, staff);
    await t.http().get('/api/clients').set(a.auth).expect(403);
    await t.http().get('/api/staff').set(a.auth).expect(403);
    await t.http().get('/api/me').set(staff.auth).expect(403);
    const other = await t
      .http()
      .get(`/api/conversations/${b.client.conversationId}/messages`)
      .set(a.auth)
      .expect(404);
    expect(other.body.error.code).toBe('NOT_FOUND');
  });

  it('blocks at once: the live session gets ACCESS_BLOCKED, login too; unblock lets the client back in', async () => {
    const c = await makePortalClient(t, staff);
    await t.http().get('/api/me').set(c.auth).expect(200);
    const blocked = await t
      .http()
      .post(`/api/clients/${c.client.id}/portal/block`)
      .set(staff.auth)
      .expect(200);
    expect(blocked.body.portal.blocked).toBe(true);
    const next = await t.http().get('/api/me').set(c.auth).expect(403);
    expect(next.body.error.code).toBe('ACCESS_BLOCKED');
    const relogin = await login(c.client.cnpj, c.password).expect(403);
    expect(relogin.body.error.code).toBe('ACCESS_BLOCKED');
    // A wrong password while blocked reveals nothing.
    expect((await login(c.client.cnpj, 'wrong').expect(401)).body.error.code).toBe('INVALID_CREDENTIALS');

    await t.http().post(`/api/clients/${c.client.id}/portal/unblock`).set(staff.auth).expect(200);
    // The old session stays ended; a new login works.
    await t.http().get('/api/me').set(c.auth).expect(403);
    const fresh = await login(c.client.cnpj, c.password).expect(200);
    await t.http().get('/api/me').set('Authorization', `Bearer ${fresh.body.token}`).expect(200);
    const audit = await t.http().get(`/api/clients/${c.client.id}/audit`).set(staff.auth).expect(200);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['client.blocked', 'client.unblocked']),
    );
  });

  it('disabling access ends sessions too', async () => {
    const c = await makePortalClient(t, staff);
    await t
      .http()
      .put(`/api/clients/${c.client.id}/portal`)
      .set(staff.auth)
      .send({ enabled: false })
      .expect(200);
    await t.http().get('/api/me').set(c.auth).expect(401);
    await login(c.client.cnpj, c.password).expect(401);
  });

  it('lets a client change its own password, and logout ends the session', async () => {
    const c = await makePortalClient(t, staff);
    const bad = await t
      .http()
      .post('/api/me/password')
      .set(c.auth)
      .send({ currentPassword: 'nope', newPassword: 'a-new-password-1' })
      .expect(400);
    expect(bad.body.error.code).toBe('INVALID_CREDENTIALS');
    await t
      .http()
      .post('/api/me/password')
      .set(c.auth)
      .send({ currentPassword: c.password, newPassword: 'a-new-password-1' })
      .expect(204);
    await login(c.client.cnpj, 'a-new-password-1').expect(200);
    // A password the client chose is its own: staff can generate a new one, not read it.
    const hidden = await t
      .http()
      .get(`/api/clients/${c.client.id}/portal/password`)
      .set(staff.auth)
      .expect(409);
    expect(hidden.body.error.code).toBe('PASSWORD_SET_BY_CLIENT');
    await t.http().post('/api/auth/logout').set(c.auth).expect(204);
    await t.http().get('/api/me').set(c.auth).expect(401);
  });

  it('impersonation sees the client area read-only, is audited, and never counts as the client', async () => {
    const c = await makePortalClient(t, staff, { documents: true });
    const imp = await t.http().post(`/api/clients/${c.client.id}/impersonate`).set(staff.auth).expect(200);
    const auth = { Authorization: `Bearer ${imp.body.token}` };
    const me = await t.http().get('/api/me').set(auth).expect(200);
    expect(me.body.client.id).toBe(c.client.id);
    expect(me.body.impersonation).toEqual({ staffName: 'Ana Admin' });
    await t.http().get('/api/me/documents').set(auth).expect(200);
    const write = await t
      .http()
      .post('/api/me/password')
      .set(auth)
      .send({ currentPassword: c.password, newPassword: 'hijacked-pass-1' })
      .expect(403);
    expect(write.body.error.code).toBe('READ_ONLY_SESSION');
    await login(c.client.cnpj, c.password).expect(200);
    // Staff may look at a blocked client as it would see itself.
    await t.http().post(`/api/clients/${c.client.id}/portal/block`).set(staff.auth).expect(200);
    const imp2 = await t.http().post(`/api/clients/${c.client.id}/impersonate`).set(staff.auth).expect(200);
    await t.http().get('/api/me').set('Authorization', `Bearer ${imp2.body.token}`).expect(200);
    const audit = await t.http().get(`/api/clients/${c.client.id}/audit`).set(staff.auth).expect(200);
    expect(
      audit.body.items.filter((e: { action: string }) => e.action === 'client.impersonated'),
    ).toHaveLength(2);
  });
});

describe('per-IP login rate limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('iplimit', { LOGIN_RATE_PER_MINUTE: '3' });
  });
  afterAll(() => t.close());

  it('answers 429 with Retry-After past the per-minute limit, across CNPJs', async () => {
    const staff = await makeFirm(t);
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      const res = await t
        .http()
        .post(`/api/portal/${staff.firm.slug}/login`)
        .send({ cnpj: makeCnpj(), password: 'x' });
      statuses.push(res.status);
      if (res.status === 429) {
        expect(res.body.error.code).toBe('TOO_MANY_ATTEMPTS');
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      }
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
  });
});
