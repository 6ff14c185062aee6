import { randomUUID } from 'node:crypto';
import mongoose, { isValidObjectId } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageWriter } from '../../src/modules/chat/message-writer.js';
import { JobRepository } from '../../src/modules/jobs/job.repository.js';
import { jobHandlers } from '../../src/modules/jobs/job-handlers.js';
import { makeGuiaPdf } from '../fixtures/guias.js';
import { emitAck, openSocket, startTestApp, type TestApp, type TestSocket } from '../helpers/app.js';
import { makeFirm, makePortalClient } from '../helpers/factories.js';

/**
 * Every database operation the product runs in everyday use, recorded while a firm and its
 * clients use it, must cost the same however much data the database holds:
 * - a filter that is exactly `{_id: <id>}`: an index lookup on MongoDB and on FerretDB v1
 *   with SQLite (our wrapper gives FerretDB's _id lookups their index; the mongo-wire suite
 *   proves the plan), or an insert;
 * - otherwise it must be listed below with the reason it is not a regular hot path, and a
 *   declared index must serve it on MongoDB (checked against the collection's indexes).
 */
const NOT_BY_ID: Record<string, string> = {
  // Logins find the account by what the person types; MongoDB serves them from the unique
  // indexes. On FerretDB they scan their own (small) collection: a login, not a message.
  'staff.findOne{email}': 'staff login by e-mail',
  'clients.findOne{cnpj,firmId}': 'portal login by CNPJ',
  'firms.findOne{slug}': 'the portal page and login resolve the firm by its slug',
};

interface Call {
  collection: string;
  method: string;
  filter: Record<string, unknown> | undefined;
}

const READS = new Set([
  'find',
  'findOne',
  'findOneAndUpdate',
  'findOneAndDelete',
  'updateOne',
  'updateMany',
  'deleteOne',
  'deleteMany',
  'countDocuments',
  'replaceOne',
]);

const shape = (c: Call) =>
  `${c.collection}.${c.method}{${Object.keys(c.filter ?? {})
    .sort()
    .join(',')}}`;

function byId(filter: Record<string, unknown> | undefined): boolean {
  if (!filter) return false;
  const keys = Object.keys(filter);
  if (keys.length !== 1 || keys[0] !== '_id') return false;
  const v = filter._id;
  return typeof v === 'string' || (isValidObjectId(v) && typeof v === 'object');
}

describe('everyday queries are answered by _id or a declared index', () => {
  let t: TestApp;
  const calls: Call[] = [];
  let recording = false;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    t = await startTestApp('queries');
    t.app.get(JobRepository).start(jobHandlers(t.app));
    mongoose.set('debug', (collection: string, method: string, ...args: unknown[]) => {
      if (!recording || !READS.has(method)) return;
      calls.push({ collection, method, filter: args[0] as Record<string, unknown> | undefined });
    });
  });
  afterAll(async () => {
    mongoose.set('debug', false);
    sockets.forEach((s) => s.disconnect());
    await t.close();
  });

  const open = (token: string) => openSocket(t.url, token, sockets);
  const ack = <T>(s: TestSocket, event: string, payload: unknown) => emitAck<T>(s, event, payload, 5000);

  it('a working session of staff and clients runs only _id lookups, inserts and the listed queries', async () => {
    const firm = await makeFirm(t);
    const a = await makePortalClient(t, firm);
    const b = await makePortalClient(t, firm);
    const slug = firm.firm.slug;

    recording = true;
    // Logins and the portal page.
    await t.http().get(`/api/portal/${slug}`).expect(200);
    await t
      .http()
      .post('/api/auth/staff/login')
      .send({ email: `admin-${slug}@example.com`, password: 'correct-horse' })
      .expect(200);
    await t
      .http()
      .post(`/api/portal/${slug}/login`)
      .send({ cnpj: a.client.cnpj, password: a.password })
      .expect(200);
    await t.http().get('/api/staff/me').set(firm.auth).expect(200);
    const staff = await open(firm.token);
    const ca = await open(a.token);
    const cb = await open(b.token);
    const conv = a.client.conversationId!;
    // Both sides send, read, type and catch up.
    for (let i = 0; i < 3; i++) {
      const sent = await ack<{ ok: boolean }>(ca, 'message:send', {
        clientMessageId: randomUUID(),
        text: `Olá ${i}`,
      });
      expect(sent.ok).toBe(true);
      const reply = await ack<{ ok: boolean }>(staff, 'message:send', {
        conversationId: conv,
        clientMessageId: randomUUID(),
        text: `Resposta ${i}`,
      });
      expect(reply.ok).toBe(true);
    }
    const retryId = randomUUID();
    await ack(cb, 'message:send', { clientMessageId: retryId, text: 'uma vez' });
    await ack(cb, 'message:send', { clientMessageId: retryId, text: 'uma vez' });
    staff.emit('typing', { conversationId: conv, typing: true });
    expect(
      await ack<{ ok: boolean }>(staff, 'conversation:read', { conversationId: conv, seq: 5 }),
    ).toMatchObject({
      ok: true,
    });
    expect(
      await ack<{ ok: boolean }>(ca, 'conversation:read', { conversationId: conv, seq: 6 }),
    ).toMatchObject({
      ok: true,
    });
    const synced = await ack<{ ok: boolean; messages: unknown[] }>(ca, 'sync', {
      conversationId: conv,
      afterSeq: 2,
    });
    expect(synced.messages).toHaveLength(4);
    // The staff app's screens.
    const http = t.http.bind(t);
    await http().get(`/api/conversations/${conv}/messages?beforeSeq=5&limit=2`).set(firm.auth).expect(200);
    await http().get(`/api/conversations/${conv}/messages`).set(a.auth).expect(200);
    await http().get(`/api/conversations/${conv}`).set(firm.auth).expect(200);
    await http().get('/api/conversations').set(firm.auth).expect(200);
    await http().get('/api/conversations?search=resposta').set(firm.auth).expect(200);
    await http().get('/api/conversations?filter=unassigned').set(firm.auth).expect(200);
    await http().get('/api/monitor').set(firm.auth).expect(200);
    await http().get('/api/clients').set(firm.auth).expect(200);
    await http().get('/api/clients?filter=pending&search=a').set(firm.auth).expect(200);
    // Search by CNPJ, typed as shown, and by name (client list, pickers, inbox).
    await http()
      .get('/api/clients')
      .query({ search: a.client.cnpj.slice(0, 6) })
      .set(firm.auth)
      .expect(200);
    await http().get('/api/conversations').query({ search: '11.222 olá' }).set(firm.auth).expect(200);
    await http().get(`/api/clients/${a.client.id}`).set(firm.auth).expect(200);
    await http().get('/api/staff').set(firm.auth).expect(200);
    // Guias: staff send one and a batch (read and routed by the guide-delivery processors,
    // here in-process); the client lists, opens and downloads; staff follow the proof.
    const gps = await makeGuiaPdf({ layout: 'gps', cnpj: a.client.cnpj, competence: '2026-10' });
    const sent = await http()
      .post('/api/documents')
      .set(firm.auth)
      .field('clientId', a.client.id)
      .field('category', 'guia')
      .attach('file', gps, 'gps.pdf')
      .expect(201);
    const docId: string = sent.body.id;
    const das = await makeGuiaPdf({ layout: 'darf-dctfweb', cnpj: a.client.cnpj, competence: '2026-10' });
    const batch = await http()
      .post('/api/documents/batches')
      .set(firm.auth)
      .attach('files', das, 'darf.pdf')
      .expect(202);
    await expect
      .poll(
        async () =>
          (await http().get(`/api/documents/batches/${batch.body.id}`).set(firm.auth)).body.counts.delivered,
        {
          timeout: 15_000,
        },
      )
      .toBe(1);
    await http().get('/api/documents/batches').set(firm.auth).expect(200);
    await http().get('/api/me/documents').set(a.auth).expect(200);
    await http().get(`/api/me/documents/${docId}`).set(a.auth).expect(200);
    await http().get(`/api/me/documents/${docId}/file`).set(a.auth).expect(200);
    await http().get(`/api/documents?clientId=${a.client.id}`).set(firm.auth).expect(200);
    await http().get('/api/documents?category=guia&unopened=true').set(firm.auth).expect(200);
    await http().get(`/api/documents/${docId}`).set(firm.auth).expect(200);
    await http().post(`/api/documents/${docId}/paid`).set(firm.auth).expect(200);
    // Serviços: staff build a form; the client drafts, attaches a file and submits; both sides
    // follow the order (lists with filters, detail, status change, reply).
    const form = await http()
      .post('/api/service-forms')
      .set(firm.auth)
      .send({
        title: 'Admissão',
        fields: [
          { key: 'nome', label: 'Nome', type: 'text', required: true },
          { key: 'doc', label: 'Documento', type: 'file' },
        ],
        slaDays: 3,
      })
      .expect(201);
    await http()
      .put(`/api/service-forms/${form.body.id}`)
      .set(firm.auth)
      .send({ title: 'Admissão', fields: form.body.fields })
      .expect(200);
    await http().get('/api/service-forms').set(firm.auth).expect(200);
    await http().get('/api/me/service-forms').set(a.auth).expect(200);
    await http()
      .put(`/api/me/service-drafts/${form.body.id}`)
      .set(a.auth)
      .send({ answers: { nome: 'Ma' } })
      .expect(200);
    await http().get('/api/me/service-drafts').set(a.auth).expect(200);
    const rg = await http().post('/api/files').set(a.auth).attach('file', gps, 'rg.pdf').expect(201);
    const order = await http()
      .post('/api/me/service-orders')
      .set(a.auth)
      .send({ formId: form.body.id, answers: { nome: 'Maria', doc: rg.body.id } })
      .expect(201);
    await http()
      .post('/api/service-orders')
      .set(firm.auth)
      .send({ clientId: b.client.id, title: 'DEFIS' })
      .expect(201);
    await http().get('/api/service-orders').set(firm.auth).expect(200);
    await http()
      .get('/api/service-orders')
      .query({ status: 'open', assigneeId: 'none', overdue: 'true' })
      .set(firm.auth)
      .expect(200);
    await http().get(`/api/service-orders/${order.body.id}`).set(firm.auth).expect(200);
    await http()
      .patch(`/api/service-orders/${order.body.id}`)
      .set(firm.auth)
      .send({ status: 'waiting_client', note: 'Envie a CTPS', assigneeId: firm.user.id })
      .expect(200);
    await http().get('/api/me/service-orders').set(a.auth).expect(200);
    await http().get(`/api/me/service-orders/${order.body.id}`).set(a.auth).expect(200);
    await http()
      .post(`/api/me/service-orders/${order.body.id}/reply`)
      .set(a.auth)
      .send({ note: 'Segue' })
      .expect(200);
    await t.app.get(MessageWriter).flush(); // the conversations' write-behind (every second, here now)
    recording = false;

    expect(calls.length).toBeGreaterThan(20);
    const offenders = [...new Set(calls.filter((c) => !byId(c.filter)).map(shape))].sort();
    const unlisted = offenders.filter((s) => !(s in NOT_BY_ID));
    expect(unlisted, 'queries that are neither by _id nor listed').toEqual([]);

    // Each listed query has a declared index whose leading keys are the filter's fields.
    const conn = mongoose.connections.find((c) => c.name && c.name === t.config.MONGO_URL.split('/').pop());
    expect(conn).toBeDefined();
    for (const s of offenders) {
      const [, collection, fields] = /^([^.]+)\.[^{]+\{(.*)\}$/.exec(s)!;
      const wanted = fields.split(',').sort();
      const indexes = await conn!.collection(collection).indexes();
      const served = indexes.some((ix) => {
        const lead = Object.keys(ix.key).slice(0, wanted.length).sort();
        return lead.join(',') === wanted.join(',');
      });
      expect(served, `${s}: no index leads with ${wanted.join(', ')}`).toBe(true);
    }
  });
});
