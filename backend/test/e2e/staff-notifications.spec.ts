import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { makeFirm, makeStaff } from '../helpers/factories.js';

describe('Staff notification preferences', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('staff-notifications');
  });
  afterAll(() => t.close());

  it('are all on by default, change per person, and come back with "me"', async () => {
    const admin = await makeFirm(t);
    const acc = await makeStaff(t, admin, 'accountant');

    const before = await t.http().get('/api/staff/me').set(acc.auth).expect(200);
    expect(before.body.notifications).toEqual({ toasts: true, sound: true, browser: true });

    const changed = await t
      .http()
      .patch('/api/staff/me/notifications')
      .set(acc.auth)
      .send({ sound: false })
      .expect(200);
    expect(changed.body).toEqual({ toasts: true, sound: false, browser: true });
    await t.http().patch('/api/staff/me/notifications').set(acc.auth).send({ toasts: false }).expect(200);

    const after = await t.http().get('/api/staff/me').set(acc.auth).expect(200);
    expect(after.body.notifications).toEqual({ toasts: false, sound: false, browser: true });
    // Someone else's switches stay as they were.
    const other = await t.http().get('/api/staff/me').set(admin.auth).expect(200);
    expect(other.body.notifications).toEqual({ toasts: true, sound: true, browser: true });

    const bad = await t
      .http()
      .patch('/api/staff/me/notifications')
      .set(acc.auth)
      .send({ sound: 'yes', extra: true })
      .expect(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    await t.http().patch('/api/staff/me/notifications').send({ sound: true }).expect(401);
  });
});
