import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { BulkPortalJobResponse, ClientItem } from '../../src/contract/index.js';
import { PortalPasswords } from '../../src/modules/clients/portal-passwords.js';
import { jobHandlers } from '../../src/modules/jobs/job-handlers.js';
import { JobRepository } from '../../src/modules/jobs/job.repository.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { makeCnpj, makeFirm, type StaffSession } from '../helpers/factories.js';

const COUNT = 60;

describe('bulk portal enable: cheap in the request, passwords in a job', () => {
  let t: TestApp;
  let firm: StaffSession;
  let db: mongoose.Connection;
  let clients: ClientItem[];

  const login = (cnpj: string, password: string) =>
    t.http().post(`/api/portal/${firm.firm.slug}/login`).send({ cnpj, password });
  const jobStatus = async (id: string): Promise<BulkPortalJobResponse> =>
    (await t.http().get(`/api/clients/portal/bulk/${id}`).set(firm.auth).expect(200)).body;
  const withoutHash = () =>
    db
      .collection('clients')
      .countDocuments({ firmId: new mongoose.Types.ObjectId(firm.firm.id), 'portal.passwordHash': null });

  beforeAll(async () => {
    t = await startTestApp('bulk');
    db = await mongoose.createConnection(t.config.MONGO_URL).asPromise();
    firm = await makeFirm(t);
    const csv = Array.from(
      { length: COUNT },
      (_, i) => `${makeCnpj()};Empresa ${String(i).padStart(3, '0')}`,
    );
    await t
      .http()
      .post('/api/clients/import')
      .set(firm.auth)
      .send({ csv: csv.join('\n') })
      .expect(200);
    clients = (await t.http().get('/api/clients').query({ pageSize: 200 }).set(firm.auth).expect(200)).body
      .items;
    expect(clients).toHaveLength(COUNT);
  });
  afterAll(async () => {
    await db.close();
    await t.close();
  });

  it('enables every client at once, hashing nothing, and leaves the passwords to a job', async () => {
    const protect = vi.spyOn(t.app.get(PortalPasswords), 'protect');
    // Every write to the clients collection, with its filters.
    const writes: { method: string; filters: Record<string, unknown>[] }[] = [];
    mongoose.set('debug', (collection: string, method: string, ...args: unknown[]) => {
      if (collection !== 'clients' || !/^(update|bulkWrite)/.test(method)) return;
      const filters =
        method === 'bulkWrite'
          ? (args[0] as { updateOne?: { filter: Record<string, unknown> } }[]).map(
              (op) => op.updateOne!.filter,
            )
          : [args[0] as Record<string, unknown>];
      writes.push({ method, filters });
    });
    const res = await t
      .http()
      .post('/api/clients/portal/bulk')
      .set(firm.auth)
      .send({ clientIds: clients.map((c) => c.id), enabled: true })
      .expect(200);
    mongoose.set('debug', false);
    // By _id alone, the filter FerretDB answers from an index: with the firm added it scanned
    // every client per statement, and a 200-client enable took 8 s, then 18 s, then 27 s as
    // the firm grew (now about 1 s each).
    expect(writes.length).toBeGreaterThan(0);
    for (const w of writes) for (const f of w.filters) expect(Object.keys(f)).toEqual(['_id']);
    expect(protect).not.toHaveBeenCalled();
    protect.mockRestore();
    expect(res.body).toEqual({ updated: COUNT, job: { id: expect.any(String) } });
    const jobId: string = res.body.job.id;
    // No worker runs yet: the job waits and every password is still pending.
    expect(await jobStatus(jobId)).toEqual({ state: 'waiting', done: 0, total: COUNT });
    expect(await withoutHash()).toBe(COUNT);

    // Straight after the request, the list shows them enabled with their conversations and defaults.
    const list = (await t.http().get('/api/clients').query({ pageSize: 200 }).set(firm.auth).expect(200)).body
      .items as ClientItem[];
    for (const c of list) {
      expect(c.portal.enabled).toBe(true);
      expect(c.conversationId).toEqual(expect.any(String));
      expect(c.permissions).toMatchObject({ chat: true, documents: true, mailbox: false });
    }
    const convs = (await t.http().get('/api/conversations').set(firm.auth).expect(200)).body.items;
    expect(convs).toHaveLength(COUNT);
    const audit = (await t.http().get(`/api/clients/${clients[3].id}/audit`).set(firm.auth).expect(200)).body
      .items;
    expect(audit.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['client.portal.enabled', 'client.permissions.changed']),
    );

    // A pending client can't log in (like a wrong password) until someone generates its password.
    const pending = clients[1];
    const refused = await login(pending.cnpj, 'AAAA-BBBB-CCCC').expect(401);
    expect(refused.body.error.code).toBe('INVALID_CREDENTIALS');

    // "Ver senha" before the job ran generates it on demand; it works at once and afterwards.
    const early = clients[0];
    const shown = (await t.http().get(`/api/clients/${early.id}/portal/password`).set(firm.auth).expect(200))
      .body.password as string;
    await login(early.cnpj, shown).expect(200);

    // Now the worker's processor, in this process (the same wiring as src/worker.ts).
    t.app.get(JobRepository).start(jobHandlers(t.app));
    const deadline = Date.now() + 60_000;
    let status = await jobStatus(jobId);
    while (status.state !== 'completed' && Date.now() < deadline) {
      expect(status.state).not.toBe('failed');
      await new Promise((r) => setTimeout(r, 200));
      status = await jobStatus(jobId);
    }
    expect(status).toEqual({ state: 'completed', done: COUNT, total: COUNT });
    expect(await withoutHash()).toBe(0);

    for (const c of clients) {
      const { password } = (
        await t.http().get(`/api/clients/${c.id}/portal/password`).set(firm.auth).expect(200)
      ).body;
      if (c.id === early.id) expect(password).toBe(shown);
      await login(c.cnpj, password).expect(200);
    }
  });

  it('makes no job when every client already has a password, and keeps jobs to their firm', async () => {
    const res = await t
      .http()
      .post('/api/clients/portal/bulk')
      .set(firm.auth)
      .send({
        clientIds: clients.slice(0, 5).map((c) => c.id),
        enabled: true,
        permissions: { mailbox: true },
      })
      .expect(200);
    expect(res.body).toEqual({ updated: 5, job: null });

    const c = clients[10];
    await t.http().put(`/api/clients/${c.id}/portal`).set(firm.auth).send({ enabled: false }).expect(200);
    await db
      .collection('clients')
      .updateOne(
        { _id: new mongoose.Types.ObjectId(c.id) },
        { $set: { 'portal.passwordHash': null, 'portal.passwordEnc': null } },
      );
    const again = await t
      .http()
      .post('/api/clients/portal/bulk')
      .set(firm.auth)
      .send({ clientIds: [c.id], enabled: true })
      .expect(200);
    const other = await makeFirm(t);
    await t.http().get(`/api/clients/portal/bulk/${again.body.job.id}`).set(other.auth).expect(404);
    await t.http().get('/api/clients/portal/bulk/not-a-job').set(firm.auth).expect(404);
  });

  it('refuses more than 1,000 clients in one request', async () => {
    const ids = Array.from({ length: 1001 }, (_, i) => i.toString(16).padStart(24, '0'));
    const res = await t
      .http()
      .post('/api/clients/portal/bulk')
      .set(firm.auth)
      .send({ clientIds: ids, enabled: false })
      .expect(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });
});
