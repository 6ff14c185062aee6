import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { makeFirm } from '../helpers/factories.js';

describe('firms, staff login, sessions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('auth');
  });
  afterAll(() => t.close());

  it('reports health of both stores', async () => {
    const res = await t.http().get('/api/health').expect(200);
    expect(res.body).toEqual({ status: 'ok', mongo: 'up', redis: 'up' });
  });

  it('signs a firm up with its admin and refuses a taken slug or e-mail', async () => {
    const body = {
      firm: { name: 'Contábil Alfa', slug: 'contabil-alfa' },
      admin: { name: 'Ana', email: 'Ana@Alfa.com.br', password: 'longenough' },
    };
    const res = await t.http().post('/api/firms').send(body).expect(201);
    expect(res.body.firm).toMatchObject({ name: 'Contábil Alfa', slug: 'contabil-alfa' });
    expect(res.body.token).toEqual(expect.any(String));
    expect(res.headers['set-cookie']?.[0]).toMatch(/^session=.+HttpOnly/);

    const slugTaken = await t
      .http()
      .post('/api/firms')
      .send({ ...body, admin: { ...body.admin, email: 'other@alfa.com.br' } })
      .expect(409);
    expect(slugTaken.body.error.code).toBe('SLUG_TAKEN');

    const emailTaken = await t
      .http()
      .post('/api/firms')
      .send({ ...body, firm: { name: 'Outra', slug: 'outra' } })
      .expect(409);
    expect(emailTaken.body.error.code).toBe('EMAIL_TAKEN');
    // The failed signup left the slug free.
    await t.http().get('/api/portal/outra').expect(404);
  });

  it('answers bad input with the contract error shape', async () => {
    const res = await t
      .http()
      .post('/api/firms')
      .send({ firm: { name: 'X', slug: 'Not A Slug!' } })
      .expect(400);
    expect(res.body).toEqual({
      error: { code: 'VALIDATION_FAILED', message: expect.any(String), details: expect.any(Array) },
    });
    const malformed = await t
      .http()
      .post('/api/auth/staff/login')
      .set('content-type', 'application/json')
      .send('{"email":');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toEqual(expect.any(String));
    const unknown = await t.http().get('/api/nope').expect(404);
    expect(unknown.body.error.code).toBe('NOT_FOUND');
  });

  it('logs staff in by e-mail (any case), by cookie or bearer, and logout ends the session at once', async () => {
    const firm = await makeFirm(t);
    const me = await t.http().get('/api/staff/me').set(firm.auth).expect(200);
    const email: string = me.body.user.email;

    const wrong = await t
      .http()
      .post('/api/auth/staff/login')
      .send({ email, password: 'nope-nope' })
      .expect(401);
    expect(wrong.body.error.code).toBe('INVALID_CREDENTIALS');
    const unknown = await t
      .http()
      .post('/api/auth/staff/login')
      .send({ email: 'x@y.z', password: 'nope-nope' })
      .expect(401);
    expect(unknown.body).toEqual(wrong.body);

    const login = await t
      .http()
      .post('/api/auth/staff/login')
      .send({ email: email.toUpperCase(), password: 'correct-horse' })
      .expect(200);
    expect(login.body.user).toEqual({
      id: me.body.user.id,
      name: 'Ana Admin',
      role: 'admin',
      firmId: firm.firm.id,
    });
    const cookie = login.headers['set-cookie'][0].split(';')[0];
    await t.http().get('/api/staff/me').set('Cookie', cookie).expect(200);

    await t.http().post('/api/auth/logout').set('Cookie', cookie).expect(204);
    const after = await t.http().get('/api/staff/me').set('Cookie', cookie).expect(401);
    expect(after.body.error.code).toBe('UNAUTHENTICATED');
    // Other sessions of the same person are untouched.
    await t.http().get('/api/staff/me').set(firm.auth).expect(200);
  });

  it('requires a session on staff routes and shows a portal firm by slug', async () => {
    await t.http().get('/api/clients').expect(401);
    await t.http().get('/api/clients').set('Authorization', 'Bearer not-a-token').expect(401);
    const firm = await makeFirm(t, 'Escritório Beta');
    const res = await t.http().get(`/api/portal/${firm.firm.slug.toUpperCase()}`).expect(200);
    expect(res.body).toEqual({ firm: { name: 'Escritório Beta', slug: firm.firm.slug } });
    await t.http().get('/api/portal/no-such-firm').expect(404);
  });

  it('serves the OpenAPI description', async () => {
    const res = await t.http().get('/api/docs/openapi.json').expect(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(Object.keys(res.body.paths)).toContain('/api/clients/{id}/portal');
  });
});
