import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCnpj, PERMISSION_KEYS } from '../../src/contract/index.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { makeClient, makeCnpj, makeFirm, type StaffSession } from '../helpers/factories.js';

describe('Gerenciar Permissões: clients and portal access', () => {
  let t: TestApp;
  let staff: StaffSession;
  beforeAll(async () => {
    t = await startTestApp('clients');
    staff = await makeFirm(t);
  });
  afterAll(() => t.close());

  it('creates clients from numeric and alphanumeric CNPJs, stored normalized, and refuses bad or duplicate ones', async () => {
    const numeric = makeCnpj();
    const a = await makeClient(t, staff, { cnpj: formatCnpj(numeric), name: 'Padaria São João' });
    expect(a).toMatchObject({
      cnpj: numeric,
      name: 'Padaria São João',
      portal: { enabled: false, blocked: false },
      pendingForClient: 0,
      unreadForStaff: 0,
    });
    expect(Object.keys(a.permissions).sort()).toEqual([...PERMISSION_KEYS].sort());

    const alpha = await makeClient(t, staff, { cnpj: '12.abc.345/01de-35', name: 'Tech Alfa' });
    expect(alpha.cnpj).toBe('12ABC34501DE35');

    const bad = await t
      .http()
      .post('/api/clients')
      .set(staff.auth)
      .send({ cnpj: '11.222.333/0001-82', name: 'X Ltda' })
      .expect(400);
    expect(bad.body.error.code).toBe('INVALID_CNPJ');
    const dup = await t
      .http()
      .post('/api/clients')
      .set(staff.auth)
      .send({ cnpj: numeric, name: 'Outra' })
      .expect(409);
    expect(dup.body.error.code).toBe('DUPLICATE_CNPJ');
  });

  it('lists with accent-insensitive search by name or CNPJ, filters and pages', async () => {
    const firm = await makeFirm(t);
    const names = ['Açougue Central', 'Borracharia Leste', 'Café Aroma', 'Drogaria Vida', 'Escola Saber'];
    const made = [];
    for (const name of names) made.push(await makeClient(t, firm, { name }));
    const search = await t.http().get('/api/clients').query({ search: 'acougue' }).set(firm.auth).expect(200);
    expect(search.body.items.map((c: { name: string }) => c.name)).toEqual(['Açougue Central']);
    const byCnpj = await t
      .http()
      .get('/api/clients')
      .query({ search: made[3].cnpj.slice(0, 8) })
      .set(firm.auth)
      .expect(200);
    expect(byCnpj.body.items[0].name).toBe('Drogaria Vida');

    const page2 = await t
      .http()
      .get('/api/clients')
      .query({ page: 2, pageSize: 2 })
      .set(firm.auth)
      .expect(200);
    expect(page2.body).toMatchObject({ total: 5, page: 2, pageSize: 2 });
    expect(page2.body.items.map((c: { name: string }) => c.name)).toEqual(['Café Aroma', 'Drogaria Vida']);

    await t
      .http()
      .put(`/api/clients/${made[1].id}/portal`)
      .set(firm.auth)
      .send({ enabled: true })
      .expect(200);
    const enabled = await t
      .http()
      .get('/api/clients')
      .query({ filter: 'enabled' })
      .set(firm.auth)
      .expect(200);
    expect(enabled.body.items.map((c: { id: string }) => c.id)).toEqual([made[1].id]);
    const disabled = await t
      .http()
      .get('/api/clients')
      .query({ filter: 'disabled' })
      .set(firm.auth)
      .expect(200);
    expect(disabled.body.total).toBe(4);
    await t.http().get('/api/clients').query({ pageSize: 5000 }).set(firm.auth).expect(400);
  });

  it('edits name and CNPJ, keeping CNPJs unique', async () => {
    const a = await makeClient(t, staff);
    const b = await makeClient(t, staff);
    const cnpj = makeCnpj(true);
    const res = await t
      .http()
      .patch(`/api/clients/${a.id}`)
      .set(staff.auth)
      .send({ name: 'Novo Nome S.A.', cnpj: formatCnpj(cnpj) })
      .expect(200);
    expect(res.body).toMatchObject({ name: 'Novo Nome S.A.', cnpj });
    const clash = await t.http().patch(`/api/clients/${b.id}`).set(staff.auth).send({ cnpj }).expect(409);
    expect(clash.body.error.code).toBe('DUPLICATE_CNPJ');
    await t.http().patch(`/api/clients/${b.id}`).set(staff.auth).send({ cnpj: '123' }).expect(400);
  });

  it('imports a CSV and reports each failed row with its reason', async () => {
    const firm = await makeFirm(t);
    const existing = await makeClient(t, firm);
    const ok1 = makeCnpj();
    const ok2 = makeCnpj(true);
    const csv = [
      'CNPJ;Razão Social',
      `${formatCnpj(ok1)};Empresa Um`,
      '11.222.333/0001-82;Dígito Errado',
      `${existing.cnpj};Já Existe`,
      `${ok2};"Dois; com ponto e vírgula"`,
      `${ok1};Repetida no Arquivo`,
      `${makeCnpj()};`,
    ].join('\r\n');
    const res = await t.http().post('/api/clients/import').set(firm.auth).send({ csv }).expect(200);
    expect(res.body.created).toBe(2);
    expect(res.body.failed.map((f: { line: number; code: string }) => [f.line, f.code])).toEqual([
      [3, 'INVALID_CNPJ'],
      [4, 'DUPLICATE_CNPJ'],
      [6, 'DUPLICATE_CNPJ'],
      [7, 'VALIDATION_FAILED'],
    ]);
    const list = await t.http().get('/api/clients').set(firm.auth).expect(200);
    expect(list.body.items.map((c: { name: string }) => c.name).sort()).toEqual(
      ['Dois; com ponto e vírgula', 'Empresa Um', existing.name].sort(),
    );
  });

  it('generates the password on the first enable only, lets staff read it (audited) and reset it', async () => {
    const c = await makeClient(t, staff);
    const first = await t
      .http()
      .put(`/api/clients/${c.id}/portal`)
      .set(staff.auth)
      .send({ enabled: true })
      .expect(200);
    expect(first.body.password).toMatch(/^[A-Za-z2-9]{4}-[A-Za-z2-9]{4}-[A-Za-z2-9]{4}$/);
    expect(first.body.conversationId).toEqual(expect.any(String));
    expect(first.body.portal.enabled).toBe(true);
    expect(JSON.stringify(first.body)).not.toMatch(/passwordHash|passwordEnc|argon2/);

    const again = await t
      .http()
      .put(`/api/clients/${c.id}/portal`)
      .set(staff.auth)
      .send({ enabled: true })
      .expect(200);
    expect(again.body.password).toBeUndefined();

    const shown = await t.http().get(`/api/clients/${c.id}/portal/password`).set(staff.auth).expect(200);
    expect(shown.body).toEqual({ password: first.body.password });

    const reset = await t
      .http()
      .post(`/api/clients/${c.id}/portal/password/reset`)
      .set(staff.auth)
      .expect(200);
    expect(reset.body.password).not.toBe(first.body.password);
    await t
      .http()
      .post(`/api/portal/${staff.firm.slug}/login`)
      .send({ cnpj: c.cnpj, password: first.body.password })
      .expect(401);
    await t
      .http()
      .post(`/api/portal/${staff.firm.slug}/login`)
      .send({ cnpj: c.cnpj, password: reset.body.password })
      .expect(200);

    const audit = await t.http().get(`/api/clients/${c.id}/audit`).set(staff.auth).expect(200);
    const actions = audit.body.items.map((e: { action: string }) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'client.created',
        'client.portal.enabled',
        'client.password.viewed',
        'client.password.reset',
      ]),
    );
    expect(audit.body.items[0]).toMatchObject({
      action: 'client.password.reset',
      actor: { kind: 'staff', id: staff.user.id, name: 'Ana Admin' },
      target: { kind: 'client', id: c.id },
    });
  });

  it('refuses to show a password that was never generated', async () => {
    const c = await makeClient(t, staff);
    const res = await t.http().get(`/api/clients/${c.id}/portal/password`).set(staff.auth).expect(409);
    expect(res.body.error.code).toBe('CONFLICT');
  });

  it('applies access and partial permissions in bulk, leaving other keys as they were', async () => {
    const firm = await makeFirm(t);
    const a = await makeClient(t, firm);
    const b = await makeClient(t, firm);
    await t
      .http()
      .put(`/api/clients/${a.id}/portal`)
      .set(firm.auth)
      .send({ enabled: true, permissions: { mailbox: true } })
      .expect(200);

    const res = await t
      .http()
      .post('/api/clients/portal/bulk')
      .set(firm.auth)
      .send({ clientIds: [a.id, b.id], enabled: true, permissions: { dctfweb: true, chat: false } })
      .expect(200);
    // b's first password is generated by a job; reading it (below) generates it if the job hasn't yet.
    expect(res.body).toEqual({ updated: 2, job: { id: expect.any(String) } });
    const [ra, rb] = await Promise.all(
      [a, b].map((c) => t.http().get(`/api/clients/${c.id}`).set(firm.auth)),
    );
    expect(ra.body.permissions).toMatchObject({ mailbox: true, dctfweb: true, chat: false });
    expect(rb.body.portal.enabled).toBe(true);
    expect(rb.body.permissions).toMatchObject({ dctfweb: true, chat: false, mailbox: false });
    // b got a password too, readable by staff.
    await t.http().get(`/api/clients/${b.id}/portal/password`).set(firm.auth).expect(200);

    const bad = await t
      .http()
      .post('/api/clients/portal/bulk')
      .set(firm.auth)
      .send({ clientIds: [a.id], enabled: true, permissions: { bogus: true } })
      .expect(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');

    const off = await t
      .http()
      .post('/api/clients/portal/bulk')
      .set(firm.auth)
      .send({ clientIds: [a.id, b.id], enabled: false })
      .expect(200);
    expect(off.body.updated).toBe(2);
    const audit = await t.http().get(`/api/clients/${b.id}/audit`).set(firm.auth).expect(200);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining([
        'client.portal.enabled',
        'client.permissions.changed',
        'client.portal.disabled',
      ]),
    );
  });
});
