import type { Test } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { makeFirm, makePortalClient, makeStaff } from '../helpers/factories.js';

/** Staff of firm B try every firm-A resource id they could get hold of. */
describe('tenant isolation', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('tenancy');
  });
  afterAll(() => t.close());

  it('answers 404 to firm B for every firm-A client, conversation and staff id, and changes nothing', async () => {
    const a = await makeFirm(t, 'Firma A');
    const b = await makeFirm(t, 'Firma B');
    const client = await makePortalClient(t, a, { chat: true });
    const member = await makeStaff(t, a);
    const id = client.client.id;
    const conv = client.client.conversationId;

    const attempts: [string, string, object?][] = [
      ['get', `/api/clients/${id}`],
      ['patch', `/api/clients/${id}`, { name: 'Roubado' }],
      ['put', `/api/clients/${id}/portal`, { enabled: false }],
      ['get', `/api/clients/${id}/portal/password`],
      ['post', `/api/clients/${id}/portal/password/reset`],
      ['post', `/api/clients/${id}/portal/block`],
      ['post', `/api/clients/${id}/portal/unblock`],
      ['post', `/api/clients/${id}/portal/unlock`],
      ['post', `/api/clients/${id}/impersonate`],
      ['get', `/api/clients/${id}/audit`],
      ['get', `/api/conversations/${conv}/messages`],
      ['patch', `/api/staff/${member.user.id}`, { name: 'Roubado' }],
      ['post', `/api/staff/${member.user.id}/password`, { password: 'taken-over-1' }],
      ['delete', `/api/staff/${member.user.id}`],
    ];
    const admin = b.auth;
    for (const [method, path, body] of attempts) {
      const agent = t.http() as unknown as Record<string, (p: string) => Test>;
      const req = agent[method](path).set(admin);
      const res = await (body ? req.send(body) : req);
      expect({ path, method, status: res.status, code: res.body.error?.code }).toEqual({
        path,
        method,
        status: 404,
        code: 'NOT_FOUND',
      });
    }
    const bulk = await t
      .http()
      .post('/api/clients/portal/bulk')
      .set(admin)
      .send({ clientIds: [id], enabled: false })
      .expect(200);
    expect(bulk.body.updated).toBe(0);

    // Firm B's lists don't show firm A's data.
    expect((await t.http().get('/api/clients').set(admin).expect(200)).body.total).toBe(0);
    expect((await t.http().get('/api/conversations').set(admin).expect(200)).body.items).toEqual([]);
    const staffB = (await t.http().get('/api/staff').set(admin).expect(200)).body.items;
    expect(staffB.map((s: { id: string }) => s.id)).toEqual([b.user.id]);

    // Nothing of A changed, and A's client still gets in.
    const row = await t.http().get(`/api/clients/${id}`).set(a.auth).expect(200);
    expect(row.body).toMatchObject({ name: client.client.name, portal: { enabled: true, blocked: false } });
    await t.http().get('/api/me').set(client.auth).expect(200);
    await t
      .http()
      .post('/api/auth/staff/login')
      .send({ email: member.email, password: member.password })
      .expect(200);
  });

  it('a client of firm A cannot log in through firm B’s portal', async () => {
    const a = await makeFirm(t);
    const b = await makeFirm(t);
    const c = await makePortalClient(t, a);
    await t
      .http()
      .post(`/api/portal/${b.firm.slug}/login`)
      .send({ cnpj: c.client.cnpj, password: c.password })
      .expect(401);
  });

  it('malformed ids are 404 too, never a server error', async () => {
    const a = await makeFirm(t);
    for (const path of [
      '/api/clients/123',
      '/api/clients/zzzzzzzzzzzzzzzzzzzzzzzz/audit',
      '/api/conversations/{}/messages',
    ]) {
      const res = await t.http().get(path).set(a.auth);
      expect(res.status).toBe(404);
    }
  });
});
