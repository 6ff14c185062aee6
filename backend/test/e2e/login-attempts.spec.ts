import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { makeCnpj, makeFirm, makePortalClient, type StaffSession } from '../helpers/factories.js';

/**
 * The portal login says how many wrong tries are left before the lock (5 per CNPJ and IP),
 * the same way for a client's CNPJ and for one nobody has, and when the lock lifts.
 */
describe('portal login: tries left before the lock', () => {
  let t: TestApp;
  let staff: StaffSession;
  beforeAll(async () => {
    t = await startTestApp('login_attempts', { PORTAL_LOCK_MINUTES: '15', TRUST_PROXY: 'loopback' });
    staff = await makeFirm(t, 'Contabilidade Tentativas');
  });
  afterAll(() => t.close());

  const login = (cnpj: string, password: string, ip = '198.51.100.7') =>
    t.http().post(`/api/portal/${staff.firm.slug}/login`).set('X-Forwarded-For', ip).send({ cnpj, password });

  it('counts down 4, 3, 2, 1, then locks with the time it lifts', async () => {
    const c = await makePortalClient(t, staff);
    const left: unknown[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await login(c.client.cnpj, `wrong-${i}`).expect(401);
      expect(res.body.error.code).toBe('INVALID_CREDENTIALS');
      left.push(res.body.error.details);
    }
    expect(left).toEqual([
      { attemptsLeft: 4 },
      { attemptsLeft: 3 },
      { attemptsLeft: 2 },
      { attemptsLeft: 1 },
    ]);

    // The fifth wrong try is still a 401, and says the lock has begun and for how long.
    const fifth = await login(c.client.cnpj, 'wrong-4').expect(401);
    expect(fifth.body.error.details).toEqual({ attemptsLeft: 0, retryAfterSeconds: 15 * 60 });

    const locked = await login(c.client.cnpj, c.password).expect(429);
    expect(locked.body.error.code).toBe('TOO_MANY_ATTEMPTS');
    expect(locked.body.error.details.retryAfterSeconds).toBeGreaterThan(14 * 60);
    expect(locked.body.error.details.retryAfterSeconds).toBe(Number(locked.headers['retry-after']));
  });

  it('answers a CNPJ that is no client exactly like one that is', async () => {
    const c = await makePortalClient(t, staff);
    const unknown = makeCnpj();
    for (let i = 0; i < 5; i++) {
      const known = await login(c.client.cnpj, `wrong-${i}`, '198.51.100.8').expect(401);
      const other = await login(unknown, `wrong-${i}`, '198.51.100.8').expect(401);
      expect(other.body).toEqual(known.body);
    }
  });

  it('counts per IP, and a success from that IP starts the count again', async () => {
    const c = await makePortalClient(t, staff);
    for (let i = 0; i < 3; i++) await login(c.client.cnpj, `wrong-${i}`, '198.51.100.9').expect(401);
    const elsewhere = await login(c.client.cnpj, 'wrong', '198.51.100.10').expect(401);
    expect(elsewhere.body.error.details).toEqual({ attemptsLeft: 4 });

    await login(c.client.cnpj, c.password, '198.51.100.9').expect(200);
    const again = await login(c.client.cnpj, 'wrong', '198.51.100.9').expect(401);
    expect(again.body.error.details).toEqual({ attemptsLeft: 4 });
  });
});
