import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_PORTAL_PERMISSIONS,
  formatCnpj,
  NO_PERMISSIONS,
  PERMISSION_KEYS,
} from '../../src/contract/index.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { makeClient, makeCnpj, makeFirm, makePortalClient, type StaffSession } from '../helpers/factories.js';

/** Gerenciar Permissões as staff use it every day: the import report, lockouts, permission counts. */
describe('client list, everyday use', () => {
  let t: TestApp;
  let staff: StaffSession;

  beforeAll(async () => {
    t = await startTestApp('clients-everyday');
    staff = await makeFirm(t);
  });
  afterAll(() => t.close());

  const importCsv = (firm: StaffSession, csv: string) =>
    t.http().post('/api/clients/import').set(firm.auth).send({ csv }).expect(200);

  it('counts data rows without the header, imports the e-mail column and names the columns it ignored', async () => {
    const firm = await makeFirm(t);
    const [a, b, c, d] = [makeCnpj(), makeCnpj(), makeCnpj(true), makeCnpj()];
    const csv = [
      'Razão social;CNPJ;E-mail;Telefone',
      `Padaria Um;${formatCnpj(a)};financeiro@padaria.com.br;(11) 5555-0000`,
      `Mercado Dois;${b};;`,
      '',
      `Tech Três;${c};nao-e-email;`,
      `Oficina Quatro;11.222.333/0001-82;oficina@exemplo.com;`,
      `Quatro Repetida;${d};OFICINA@Exemplo.com;`,
    ].join('\n');
    const res = await importCsv(firm, csv);
    expect(res.body.rows).toBe(5);
    expect(res.body.created).toBe(3);
    expect(res.body.ignoredColumns).toEqual(['Telefone']);
    // Lines as the spreadsheet numbers them: the header is line 1, the blank line counts.
    expect(res.body.failed.map((f: { line: number; code: string }) => [f.line, f.code])).toEqual([
      [5, 'VALIDATION_FAILED'],
      [6, 'INVALID_CNPJ'],
    ]);
    expect(res.body.failed[0].message).toBe('E-mail inválido');

    const list = await t.http().get('/api/clients').set(firm.auth).expect(200);
    const byName = Object.fromEntries(
      list.body.items.map((x: { name: string; email: string | null }) => [x.name, x.email]),
    );
    expect(byName).toEqual({
      'Padaria Um': 'financeiro@padaria.com.br',
      'Mercado Dois': null,
      'Quatro Repetida': 'oficina@exemplo.com',
    });
  });

  it('reads files without a header as CNPJ, name and e-mail, and reports extra columns by number', async () => {
    const firm = await makeFirm(t);
    const csv = [`${makeCnpj()},Alfa Ltda,alfa@exemplo.com,SP`, `${makeCnpj()},Beta ME,,RJ`].join('\r\n');
    const res = await importCsv(firm, csv);
    expect(res.body).toMatchObject({ rows: 2, created: 2, failed: [], ignoredColumns: ['Coluna 4'] });
  });

  it('reports no ignored column for a plain two-column file, header or not', async () => {
    const firm = await makeFirm(t);
    const res = await importCsv(firm, `CNPJ;Razão social\n${makeCnpj()};Gama S.A.\n`);
    expect(res.body).toMatchObject({ rows: 1, created: 1, ignoredColumns: [] });
  });

  it('shows the reason of a lock (how many wrong passwords), and a new password lifts it at once', async () => {
    const c = await makePortalClient(t, staff);
    const login = (password: string) =>
      t.http().post(`/api/portal/${staff.firm.slug}/login`).send({ cnpj: c.client.cnpj, password });
    for (let i = 0; i < 5; i++) await login(`errada-${i}`).expect(401);
    await login(c.password).expect(429);

    const locked = await t.http().get(`/api/clients/${c.client.id}`).set(staff.auth).expect(200);
    expect(locked.body.portal).toMatchObject({ failedLogins: 5, lockedUntil: expect.any(String) });
    const listed = await t.http().get('/api/clients').set(staff.auth).expect(200);
    expect(listed.body.items.find((x: { id: string }) => x.id === c.client.id).portal.failedLogins).toBe(5);

    const reset = await t
      .http()
      .post(`/api/clients/${c.client.id}/portal/password/reset`)
      .set(staff.auth)
      .expect(200);
    const after = await t.http().get(`/api/clients/${c.client.id}`).set(staff.auth).expect(200);
    expect(after.body.portal).toMatchObject({ failedLogins: 0, lockedUntil: null });
    // The same address that was locked out gets in with the new password.
    await login(reset.body.password).expect(200);
  });

  it('unlocking clears the count shown with the lock', async () => {
    const c = await makePortalClient(t, staff);
    for (let i = 0; i < 5; i++) {
      await t
        .http()
        .post(`/api/portal/${staff.firm.slug}/login`)
        .send({ cnpj: c.client.cnpj, password: `errada-${i}` })
        .expect(401);
    }
    const res = await t.http().post(`/api/clients/${c.client.id}/portal/unlock`).set(staff.auth).expect(200);
    expect(res.body.portal).toMatchObject({ failedLogins: 0, lockedUntil: null });
  });

  it('reports the permissions a client has: none before its first access, the defaults after, and whether it was ever integrated', async () => {
    const fresh = await makeClient(t, staff);
    expect(fresh.permissions).toEqual(NO_PERMISSIONS);
    expect(fresh.portal).toMatchObject({ enabled: false, integrated: false });

    const enabled = await t
      .http()
      .put(`/api/clients/${fresh.id}/portal`)
      .set(staff.auth)
      .send({ enabled: true })
      .expect(200);
    expect(enabled.body.permissions).toEqual(DEFAULT_PORTAL_PERMISSIONS);
    expect(PERMISSION_KEYS.filter((k) => enabled.body.permissions[k])).toHaveLength(5);
    expect(enabled.body.portal.integrated).toBe(true);

    const disabled = await t
      .http()
      .put(`/api/clients/${fresh.id}/portal`)
      .set(staff.auth)
      .send({ enabled: false })
      .expect(200);
    // Access off keeps the permissions (and the count staff see) for when it comes back.
    expect(disabled.body.permissions).toEqual(DEFAULT_PORTAL_PERMISSIONS);
    expect(disabled.body.portal).toMatchObject({ enabled: false, integrated: true });
  });
});
