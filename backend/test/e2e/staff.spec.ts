import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSocket, startTestApp, type TestApp, waitForEvent } from '../helpers/app.js';
import { makeFirm, makeStaff } from '../helpers/factories.js';

describe('Equipe: staff management', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('staff');
  });
  afterAll(() => t.close());

  it('lets the admin add, edit, reset and remove members; accountants only read', async () => {
    const admin = await makeFirm(t);
    const acc = await makeStaff(t, admin, 'accountant');

    const dup = await t
      .http()
      .post('/api/staff')
      .set(admin.auth)
      .send({ name: 'Outro', email: acc.email.toUpperCase(), password: 'password-1', role: 'accountant' })
      .expect(409);
    expect(dup.body.error.code).toBe('EMAIL_TAKEN');

    const denied = await t
      .http()
      .post('/api/staff')
      .set(acc.auth)
      .send({ name: 'Novo', email: 'novo@example.com', password: 'password-1', role: 'admin' })
      .expect(403);
    expect(denied.body.error.code).toBe('FORBIDDEN');

    const list = await t.http().get('/api/staff').set(acc.auth).expect(200);
    expect(list.body.items.map((s: { email: string }) => s.email)).toContain(acc.email);
    expect(list.body.items[0]).toEqual({
      id: expect.any(String),
      name: expect.any(String),
      email: expect.any(String),
      role: expect.stringMatching(/admin|accountant/),
      online: false,
    });

    const edited = await t
      .http()
      .patch(`/api/staff/${acc.user.id}`)
      .set(admin.auth)
      .send({ name: 'Carla' })
      .expect(200);
    expect(edited.body.name).toBe('Carla');

    await t
      .http()
      .post(`/api/staff/${acc.user.id}/password`)
      .set(admin.auth)
      .send({ password: 'brand-new-pass' })
      .expect(204);
    // The reset ends the member's other sessions.
    await t.http().get('/api/staff').set(acc.auth).expect(401);
    const relog = await t
      .http()
      .post('/api/auth/staff/login')
      .send({ email: acc.email, password: 'brand-new-pass' })
      .expect(200);

    await t.http().delete(`/api/staff/${acc.user.id}`).set(admin.auth).expect(204);
    await t.http().get('/api/staff').set('Authorization', `Bearer ${relog.body.token}`).expect(401);
    await t
      .http()
      .post('/api/auth/staff/login')
      .send({ email: acc.email, password: 'brand-new-pass' })
      .expect(401);
  });

  it('keeps at least one admin and refuses self-removal', async () => {
    const admin = await makeFirm(t);
    const demote = await t
      .http()
      .patch(`/api/staff/${admin.user.id}`)
      .set(admin.auth)
      .send({ role: 'accountant' })
      .expect(409);
    expect(demote.body.error.code).toBe('CONFLICT');
    await t.http().delete(`/api/staff/${admin.user.id}`).set(admin.auth).expect(409);
  });

  it('shows a member online while they have a socket open', async () => {
    const admin = await makeFirm(t);
    const acc = await makeStaff(t, admin);
    const socket = connectSocket(t.url, acc.token);
    await waitForEvent(socket, 'connect');
    await expect
      .poll(async () => {
        const res = await t.http().get('/api/staff').set(admin.auth);
        return res.body.items.find((s: { id: string }) => s.id === acc.user.id)?.online;
      })
      .toBe(true);
    socket.disconnect();
    await expect
      .poll(async () => {
        const res = await t.http().get('/api/staff').set(admin.auth);
        return res.body.items.find((s: { id: string }) => s.id === acc.user.id)?.online;
      })
      .toBe(false);
  });
});
