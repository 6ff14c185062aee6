import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Document, DocumentDetail, Message } from '../../src/contract/index.js';
import { GuideJobsService } from '../../src/modules/documents/guide-jobs.service.js';
import { JobRepository } from '../../src/modules/jobs/job.repository.js';
import { jobHandlers } from '../../src/modules/jobs/job-handlers.js';
import { JobName } from '../../src/modules/jobs/job.types.js';
import { openSocket, startTestApp, type TestApp, type TestSocket } from '../helpers/app.js';
import { makeFirm, makePortalClient, type ClientSession, type StaffSession } from '../helpers/factories.js';
import { startSmtpSink } from '../helpers/smtp.js';
import { makeGuiaPdf } from '../fixtures/guias.js';

/** After delivery: the e-mail copy (retried until its date), due-date reminders, paid, replaced. */
describe('guia follow-up: e-mail copy, reminders, paid and replaced', () => {
  let t: TestApp;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  let staff: StaffSession;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    smtp = await startSmtpSink();
    t = await startTestApp('guide-followup', { SMTP_URL: smtp.url });
    // The worker's processors, in this process: the same wiring as src/worker.ts.
    t.app.get(JobRepository).start(jobHandlers(t.app));
    staff = await makeFirm(t);
  });
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await t.close();
    await smtp.close();
  });

  async function clientWithEmail(email: string): Promise<ClientSession> {
    const c = await makePortalClient(t, staff, { documents: true, chat: true });
    await t.http().patch(`/api/clients/${c.client.id}`).set(staff.auth).send({ email }).expect(200);
    return c;
  }
  const send = (clientId: string, pdf: Buffer, fields: Record<string, string> = {}) => {
    let req = t
      .http()
      .post('/api/documents')
      .set(staff.auth)
      .field('clientId', clientId)
      .field('category', 'guia');
    for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
    return req.attach('file', pdf, 'guia.pdf');
  };
  const detail = async (id: string) =>
    (await t.http().get(`/api/documents/${id}`).set(staff.auth).expect(200)).body as DocumentDetail;

  it('e-mails a copy, reminds before the due date in the chat and by e-mail, and stops once paid', async () => {
    const c = await clientWithEmail('financeiro@cliente.example');
    const socket = await openSocket(t.url, c.token, sockets);
    const live: Message[] = [];
    socket.on('message:new', (m) => live.push(m));
    const pdf = await makeGuiaPdf({
      layout: 'gps',
      cnpj: c.client.cnpj,
      competence: '2026-11',
      dueDate: '2027-01-20',
    });
    const doc = (
      await send(c.client.id, pdf, { title: 'INSS de novembro', emailUntil: '2027-01-20' }).expect(201)
    ).body as Document;

    // The e-mail copy, with the PDF attached, and its proof in the trail.
    await expect
      .poll(() => smtp.mails.filter((m) => m.to.includes('financeiro@cliente.example')).length, {
        timeout: 10_000,
      })
      .toBe(1);
    const mail = smtp.mails.find((m) => m.to.includes('financeiro@cliente.example'))!;
    expect(mail.raw).toMatch(/application\/pdf/);
    expect(mail.raw).toMatch(/INSS de novembro/);
    await expect
      .poll(async () => (await detail(doc.id)).trail.map((e) => e.event), { timeout: 10_000 })
      .toEqual(['delivered', 'emailed']);

    // Two reminders wait for their dates: three days before and on the day.
    const delayed = await t.app.get(JobRepository).delayedJobIds(JobName.GuideReminder);
    expect(delayed).toEqual(
      expect.arrayContaining([`guide-reminder-${doc.id}-before`, `guide-reminder-${doc.id}-due`]),
    );
    // The first one fires (run now): a system message with the guia's card, and an e-mail.
    const jobs = t.app.get(GuideJobsService);
    await jobs.processReminder({ firmId: staff.firm.id, documentId: doc.id, when: 'before' });
    await expect.poll(() => live.filter((m) => m.sender.kind === 'system').length, { timeout: 5000 }).toBe(1);
    const reminder = live.find((m) => m.sender.kind === 'system')!;
    expect(reminder.text).toMatch(/^Lembrete: GPS/);
    expect(reminder.document).toMatchObject({ id: doc.id, status: 'pending' });
    expect((await detail(doc.id)).trail.filter((e) => e.event === 'reminded').map((e) => e.channel)).toEqual([
      'chat',
      'email',
    ]);
    // Run again (a retried job): nothing more.
    await jobs.processReminder({ firmId: staff.firm.id, documentId: doc.id, when: 'before' });
    await new Promise((r) => setTimeout(r, 300));
    expect(live.filter((m) => m.sender.kind === 'system')).toHaveLength(1);
    expect(smtp.mails.filter((m) => m.to.includes('financeiro@cliente.example'))).toHaveLength(2);

    // Paid: the waiting reminder is removed, and one that fires anyway says nothing.
    const paid = await t.http().post(`/api/documents/${doc.id}/paid`).set(staff.auth).expect(200);
    expect(paid.body.status).toBe('paid');
    expect(await t.app.get(JobRepository).delayedJobIds(JobName.GuideReminder)).not.toContain(
      `guide-reminder-${doc.id}-due`,
    );
    await jobs.processReminder({ firmId: staff.firm.id, documentId: doc.id, when: 'due' });
    await new Promise((r) => setTimeout(r, 300));
    expect(live.filter((m) => m.sender.kind === 'system')).toHaveLength(1);
    expect((await detail(doc.id)).trail.at(-1)).toMatchObject({ event: 'paid', channel: 'firm' });
  });

  it('a failed e-mail copy goes into the trail and is tried again later', async () => {
    const c = await clientWithEmail('recusa@cliente.example');
    const pdf = await makeGuiaPdf({
      layout: 'gps',
      cnpj: c.client.cnpj,
      competence: '2026-11',
      dueDate: '2027-02-20',
    });
    const doc = (await send(c.client.id, pdf).expect(201)).body as Document;
    await expect
      .poll(async () => (await detail(doc.id)).trail.map((e) => e.event), { timeout: 10_000 })
      .toEqual(['delivered', 'email_failed']);
    const failed = (await detail(doc.id)).trail[1];
    expect(failed.note).toMatch(/tentativa 1/);
    expect(await t.app.get(JobRepository).delayedJobIds(JobName.DocumentEmail)).toContain(
      `document-email-${doc.id}-2`,
    );
  });

  /** A client's pending GPS of a competence, sent from the conversation. */
  const gps = async (clientId: string, cnpj: string, competence: string, amountCents: number) =>
    (
      await send(
        clientId,
        await makeGuiaPdf({ layout: 'gps', cnpj, competence, dueDate: '2027-01-20', amountCents }),
      ).expect(201)
    ).body as Document;

  /** Reads of the documents collection while `fn` runs (this process runs the worker too). */
  async function documentReads(fn: () => Promise<unknown>): Promise<number> {
    let reads = 0;
    mongoose.set('debug', (collection: string, method: string) => {
      if (collection === 'documents' && /^find/.test(method)) reads++;
    });
    try {
      await fn();
    } finally {
      mongoose.set('debug', false);
    }
    return reads;
  }

  it('a reissued guia replaces the pending one of the same competence, which stops reminding', async () => {
    const c = await makePortalClient(t, staff, { documents: true, chat: true });
    const first = await gps(c.client.id, c.client.cnpj, '2026-12', 50_000);
    const second = await gps(c.client.id, c.client.cnpj, '2026-12', 51_234);
    const mine = (await t.http().get('/api/me/documents').set(c.auth).expect(200)).body.items as Document[];
    expect(mine.find((d) => d.id === first.id)?.status).toBe('replaced');
    expect(mine.find((d) => d.id === second.id)).toMatchObject({ status: 'pending', amountCents: 51_234 });
  });

  it('finds the guia a reissue replaces without reading the client’s other documents', async () => {
    const fresh = await makePortalClient(t, staff, { documents: true, chat: true });
    await gps(fresh.client.id, fresh.client.cnpj, '2026-10', 40_000);
    const readsFresh = await documentReads(() => gps(fresh.client.id, fresh.client.cnpj, '2026-10', 40_001));

    const busy = await makePortalClient(t, staff, { documents: true, chat: true });
    for (const [i, month] of ['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06'].entries())
      await gps(busy.client.id, busy.client.cnpj, month, 30_000 + i);
    await gps(busy.client.id, busy.client.cnpj, '2026-10', 40_000);
    const readsBusy = await documentReads(() => gps(busy.client.id, busy.client.cnpj, '2026-10', 40_001));

    expect(readsFresh).toBeGreaterThan(0);
    // Six more documents on file, the same reads: the cost does not follow the client's history.
    expect(readsBusy).toBe(readsFresh);
    const mine = (await t.http().get('/api/me/documents').set(busy.auth).expect(200)).body
      .items as Document[];
    expect(mine.filter((d) => d.status === 'replaced')).toHaveLength(1);
    expect(mine.filter((d) => d.status === 'pending')).toHaveLength(7);
  });
});
