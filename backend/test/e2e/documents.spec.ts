import { randomUUID } from 'node:crypto';
import { getConnectionToken } from '@nestjs/mongoose';
import { type Connection, Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Batch, BatchItem, Document, DocumentDetail, Message } from '../../src/contract/index.js';
import { completeCnpj } from '../../src/contract/index.js';
import { GuideJobsService } from '../../src/modules/documents/guide-jobs.service.js';
import { emitAck, openSocket, startTestApp, type TestApp, type TestSocket } from '../helpers/app.js';
import { makeClient, makeCnpj, makeFirm, makePortalClient, type StaffSession } from '../helpers/factories.js';
import { startWorkerProcess, type NodeProcess } from '../helpers/processes.js';
import { ALNUM_CNPJ, makeGuiaPdf, makeScannedPdf, notAPdf } from '../fixtures/guias.js';

type Part = { name: string; data: Buffer };

/**
 * Guias end to end: a batch goes in over HTTP, a real worker process (the build, as
 * production runs it) reads and routes every file, the client sees the card live (through
 * the worker's Redis emitter) and after reconnect (`sync`), downloads it, and the trail shows it.
 */
describe('documents and guias (guide-delivery worker)', () => {
  let t: TestApp;
  let worker: NodeProcess;
  const sockets: TestSocket[] = [];
  let staff: StaffSession;

  beforeAll(async () => {
    t = await startTestApp('documents');
    worker = await startWorkerProcess({
      NODE_ENV: 'test',
      MONGO_URL: t.config.MONGO_URL,
      REDIS_URL: t.config.REDIS_URL,
      REDIS_KEY_PREFIX: t.config.REDIS_KEY_PREFIX,
      SECRET_KEY: t.config.SECRET_KEY,
    });
    staff = await makeFirm(t);
  }, 90_000);
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await worker?.stop();
    await t?.close();
  });

  const upload = (
    path: string,
    parts: Part[],
    auth: Record<string, string>,
    fields: Record<string, string> = {},
  ) => {
    let req = t.http().post(path).set(auth);
    for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
    for (const p of parts)
      req = req.attach(p.name === 'file' ? 'file' : 'files', p.data, p.name === 'file' ? 'guia.pdf' : p.name);
    return req;
  };

  async function settle(batchId: string, auth = staff.auth, count?: number): Promise<Batch> {
    const until = Date.now() + 60_000;
    for (;;) {
      const res = await t.http().get(`/api/documents/batches/${batchId}`).set(auth).expect(200);
      const batch = res.body as Batch;
      const busy = batch.items.some((i) => i.status === 'queued' || i.status === 'reading');
      if (!busy && (count === undefined || batch.items.length === count)) return batch;
      if (Date.now() > until) throw new Error(`batch did not settle: ${JSON.stringify(batch.counts)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it('reads, routes and delivers a batch; each file ends where it should', async () => {
    const dasPerms = { documents: true, dasSimples: true, chat: true };
    const c1 = await makePortalClient(t, staff, dasPerms);
    const c2 = await makeClient(t, staff, { cnpj: ALNUM_CNPJ, name: 'Alfa Numérica Ltda' });
    // Matriz and filial share a root; a third company has a root of its own.
    const root = makeCnpj().slice(0, 8);
    await makeClient(t, staff, { cnpj: completeCnpj(`${root}0001`), name: 'Matriz SA' });
    const filial = await makeClient(t, staff, { cnpj: completeCnpj(`${root}0002`), name: 'Filial SA' });
    const solo = await makeClient(t, staff, { name: 'Solo Ltda' });

    const staffSocket = await openSocket(t.url, staff.token, sockets);
    const clientSocket = await openSocket(t.url, c1.token, sockets);
    const progress: BatchItem[] = [];
    staffSocket.on('batch:progress', (e) => progress.push(e.item));
    const live: Message[] = [];
    clientSocket.on('message:new', (m) => live.push(m));

    const das = await makeGuiaPdf({
      layout: 'das',
      cnpj: c1.client.cnpj,
      competence: '2026-11',
      amountCents: 123456,
    });
    const files: Part[] = [
      { name: 'das-c1.pdf', data: das },
      { name: 'das-c1-copia.pdf', data: das },
      {
        name: 'das-digito.pdf',
        data: await makeGuiaPdf({
          layout: 'das',
          cnpj: c1.client.cnpj,
          competence: '2026-08',
          breakCheckDigit: 2,
        }),
      },
      { name: 'escaneado.pdf', data: await makeScannedPdf() },
      { name: 'estrangeiro.pdf', data: await makeGuiaPdf({ layout: 'das', cnpj: makeCnpj() }) },
      { name: 'alfa.pdf', data: await makeGuiaPdf({ layout: 'darf-dctfweb', cnpj: ALNUM_CNPJ }) },
      { name: 'gfd-solo.pdf', data: await makeGuiaPdf({ layout: 'gfd', cnpj: solo.cnpj }) },
      {
        name: 'gfd-matriz.pdf',
        data: await makeGuiaPdf({ layout: 'gfd', cnpjRoot: root, cnpj: filial.cnpj }),
      },
      { name: 'planilha.pdf', data: notAPdf() },
    ];
    const created = await upload('/api/documents/batches', files.slice(0, 5), staff.auth).expect(202);
    const batchId = (created.body as Batch).id;
    expect((created.body as Batch).items.map((i) => i.fileName)).toEqual(
      files.slice(0, 5).map((f) => f.name),
    );
    await upload(`/api/documents/batches/${batchId}/files`, files.slice(5), staff.auth).expect(202);

    const batch = await settle(batchId, staff.auth, files.length);
    const by = Object.fromEntries(batch.items.map((i) => [i.fileName, i]));
    // The same file twice: whichever was read first is delivered, the other is a duplicate of it.
    const [first, copy] = [by['das-c1.pdf'], by['das-c1-copia.pdf']].sort((a) =>
      a.status === 'delivered' ? -1 : 1,
    );
    expect(first).toMatchObject({
      status: 'delivered',
      clientId: c1.client.id,
      type: 'das',
      amountCents: 123456,
    });
    expect(copy).toMatchObject({ status: 'duplicate', documentId: first.documentId, clientId: c1.client.id });
    expect(copy.reason).toMatch(/já foi enviado/);
    by['das-c1.pdf'] = first;
    expect(by['das-digito.pdf']).toMatchObject({ status: 'review', clientId: null });
    expect(by['das-digito.pdf'].reason).toMatch(/bloco 2/i);
    expect(by['escaneado.pdf']).toMatchObject({ status: 'review' });
    expect(by['escaneado.pdf'].reason).toMatch(/sem texto/i);
    expect(by['estrangeiro.pdf'].status).toBe('review');
    expect(by['estrangeiro.pdf'].reason).toMatch(/não é cliente/);
    expect(by['alfa.pdf']).toMatchObject({ status: 'delivered', clientId: c2.id, type: 'darf' });
    expect(by['gfd-solo.pdf']).toMatchObject({ status: 'delivered', clientId: solo.id, type: 'fgts' });
    expect(by['gfd-matriz.pdf'].status).toBe('review');
    expect(by['gfd-matriz.pdf'].reason).toMatch(/2 clientes/);
    expect(by['planilha.pdf']).toMatchObject({ status: 'failed', reason: 'O arquivo não é um PDF' });
    expect(batch.counts).toMatchObject({
      delivered: 3,
      duplicate: 1,
      review: 4,
      failed: 1,
      queued: 0,
      reading: 0,
    });
    // Every change reached the staff socket live.
    const seen = (name: string, status: string) =>
      progress.some((p) => p.fileName === name && p.status === status);
    await expect.poll(() => seen(first.fileName, 'delivered'), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => seen('gfd-matriz.pdf', 'review'), { timeout: 10_000 }).toBe(true);

    // The client got the card live, once, through the chat's path.
    const docId = by['das-c1.pdf'].documentId!;
    await expect.poll(() => live.filter((m) => m.document?.id === docId).length, { timeout: 10_000 }).toBe(1);
    const card = live.find((m) => m.document?.id === docId)!;
    expect(card.document).toMatchObject({
      category: 'guia',
      type: 'das',
      competence: '2026-11',
      amountCents: 123456,
      status: 'pending',
    });
    expect(card.sender.kind).toBe('staff');

    // After a reconnect, sync has it too.
    clientSocket.disconnect();
    const again = await openSocket(t.url, c1.token, sockets);
    const synced = await emitAck<{ ok: true; messages: Message[] }>(again, 'sync', {
      conversationId: card.conversationId,
      afterSeq: 0,
    });
    expect(synced.messages.filter((m) => m.document?.id === docId)).toHaveLength(1);
    // It counts as unread for the client like any message.
    const clients = await t.http().get('/api/clients').set(staff.auth).expect(200);
    const row = clients.body.items.find((c: { id: string }) => c.id === c1.client.id);
    expect(row.pendingForClient).toBeGreaterThanOrEqual(1);
    expect(row.unopenedGuides).toBe(1);

    // The client's area lists it; opening and downloading leave proof with IP and user agent.
    const mine = await t.http().get('/api/me/documents').set(c1.auth).expect(200);
    const doc = (mine.body.items as Document[]).find((d) => d.id === docId)!;
    expect(doc).toMatchObject({
      type: 'das',
      dueDate: '2026-12-22',
      barcode: expect.stringMatching(/^8\d{43}$/),
      origin: 'firm',
    });
    await t
      .http()
      .get(`/api/me/documents/${docId}`)
      .set(c1.auth)
      .set('User-Agent', 'Celular Teste')
      .expect(200);
    const file = await t
      .http()
      .get(`/api/me/documents/${docId}/file`)
      .set(c1.auth)
      .set('User-Agent', 'Celular Teste')
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(Buffer.compare(file.body as Buffer, das)).toBe(0);
    expect(file.headers['content-disposition']).toMatch(/^attachment/);
    const detail = (await t.http().get(`/api/documents/${docId}`).set(staff.auth).expect(200))
      .body as DocumentDetail;
    expect(detail.trail.map((e) => e.event)).toEqual(['delivered', 'opened', 'downloaded']);
    expect(detail.trail[1]).toMatchObject({
      channel: 'portal',
      userAgent: 'Celular Teste',
      ip: expect.any(String),
    });
    expect(detail.openedAt).not.toBeNull();
    const after = await t.http().get('/api/clients').set(staff.auth).expect(200);
    expect(after.body.items.find((c: { id: string }) => c.id === c1.client.id).unopenedGuides).toBe(0);

    // A review item filed by hand is delivered to the chosen client.
    const assigned = await t
      .http()
      .put(`/api/documents/batches/${batchId}/items/${by['gfd-matriz.pdf'].id}/client`)
      .set(staff.auth)
      .send({ clientId: filial.id })
      .expect(200);
    expect(assigned.body).toMatchObject({
      status: 'delivered',
      clientId: filial.id,
      documentId: expect.any(String),
    });
    await t
      .http()
      .put(`/api/documents/batches/${batchId}/items/${by['gfd-matriz.pdf'].id}/client`)
      .set(staff.auth)
      .send({ clientId: filial.id })
      .expect(409);
    // A check that failed is never delivered with a guessed amount.
    const fixed = await t
      .http()
      .put(`/api/documents/batches/${batchId}/items/${by['das-digito.pdf'].id}/client`)
      .set(staff.auth)
      .send({ clientId: c1.client.id })
      .expect(200);
    const fixedDoc = (
      await t.http().get(`/api/documents/${fixed.body.documentId}`).set(staff.auth).expect(200)
    ).body;
    expect(fixedDoc).toMatchObject({ amountCents: null, barcode: null, type: 'das' });

    // The client marks the guia paid with its comprovante: status, trail, and the firm's list.
    const paid = await upload(
      `/api/me/documents/${docId}/paid`,
      [{ name: 'file', data: await makeScannedPdf() }],
      c1.auth,
    ).expect(200);
    expect(paid.body).toMatchObject({ status: 'paid', receiptId: expect.any(String) });
    const paidDetail = (await t.http().get(`/api/documents/${docId}`).set(staff.auth).expect(200))
      .body as DocumentDetail;
    expect(paidDetail.trail.at(-1)).toMatchObject({ event: 'paid', channel: 'portal' });
    const receipts = await t
      .http()
      .get(`/api/documents?clientId=${c1.client.id}&category=comprovante`)
      .set(staff.auth)
      .expect(200);
    expect(receipts.body.items).toHaveLength(1);
    expect(receipts.body.items[0].origin).toBe('client');
    await upload(
      `/api/me/documents/${docId}/paid`,
      [{ name: 'file', data: await makeScannedPdf() }],
      c1.auth,
    ).expect(409);

    // History lists the batch.
    const history = await t.http().get('/api/documents/batches').set(staff.auth).expect(200);
    expect(history.body.items[0]).toMatchObject({ id: batchId, total: files.length });
  });

  it('sends one document from the conversation, with the guia read from the PDF', async () => {
    const c = await makePortalClient(t, staff, { documents: true, dasSimples: true, chat: true });
    const pdf = await makeGuiaPdf({
      layout: 'gps',
      cnpj: c.client.cnpj,
      competence: '2026-10',
      dueDate: '2026-11-20',
    });
    const res = await upload('/api/documents', [{ name: 'file', data: pdf }], staff.auth, {
      clientId: c.client.id,
      category: 'guia',
      title: 'INSS de outubro',
      fileName: 'INSS outubro',
    }).expect(201);
    // Past its pay-by date (2026-11-20): overdue by itself.
    expect(res.body).toMatchObject({
      type: 'gps',
      competence: '2026-10',
      status: 'overdue',
      fileName: 'INSS outubro.pdf',
      message: 'INSS de outubro',
    });
    // The same file again is refused as a duplicate; a guia of another company is refused with the reason.
    await upload('/api/documents', [{ name: 'file', data: pdf }], staff.auth, {
      clientId: c.client.id,
      category: 'guia',
    }).expect(409);
    const foreign = await makeGuiaPdf({ layout: 'das', cnpj: makeCnpj() });
    const refused = await upload('/api/documents', [{ name: 'file', data: foreign }], staff.auth, {
      clientId: c.client.id,
      category: 'guia',
    }).expect(409);
    expect(refused.body.error.message).toMatch(/não de/);
    // Bad fields: the contract's error shape, nothing stored.
    const bad = await upload('/api/documents', [{ name: 'file', data: pdf }], staff.auth, {
      clientId: c.client.id,
      category: 'boleto',
    }).expect(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('a job run again never delivers twice, and a job that keeps failing leaves the item failed with its reason', async () => {
    const c = await makePortalClient(t, staff, { documents: true, chat: true });
    const pdf = await makeGuiaPdf({ layout: 'gps', cnpj: c.client.cnpj, competence: '2026-07' });
    const created = await upload(
      '/api/documents/batches',
      [{ name: 'gps.pdf', data: pdf }],
      staff.auth,
    ).expect(202);
    const batch = await settle(created.body.id);
    const item = batch.items[0];
    expect(item.status).toBe('delivered');
    const jobs = t.app.get(GuideJobsService);
    const job = { firmId: staff.firm.id, batchId: batch.id, itemId: item.id };
    const messagesOf = async () => {
      const res = await t
        .http()
        .get(`/api/conversations/${c.client.conversationId}/messages`)
        .set(staff.auth)
        .expect(200);
      return (res.body.items as Message[]).filter((m) => m.document?.id === item.documentId);
    };
    // Run again as it is (BullMQ retried it): nothing new.
    expect(await jobs.processItem(job)).toEqual({ ok: true, documentId: item.documentId });
    // Run again as if the worker had died mid-delivery (the item still says "reading").
    const db = t.app.get<Connection>(getConnectionToken());
    await db
      .collection('document_batch_items')
      .updateOne({ _id: new Types.ObjectId(item.id) }, { $set: { status: 'reading' } });
    expect(await jobs.processItem(job)).toEqual({ ok: true, documentId: item.documentId });
    expect(await messagesOf()).toHaveLength(1);
    const docs = await t.http().get(`/api/documents?clientId=${c.client.id}`).set(staff.auth).expect(200);
    expect(docs.body.total).toBe(1);
    expect(
      (await t.http().get(`/api/documents/${item.documentId}`).set(staff.auth).expect(200)).body.trail,
    ).toHaveLength(1);

    // A file that can no longer be read: retried, and after the last attempt the item is failed, with the reason.
    const other = await upload(
      '/api/documents/batches',
      [{ name: 'sumiu.pdf', data: await makeScannedPdf() }],
      staff.auth,
    ).expect(202);
    const lost = (await settle(other.body.id)).items[0];
    await db
      .collection('document_batch_items')
      .updateOne(
        { _id: new Types.ObjectId(lost.id) },
        { $set: { status: 'queued', fileId: String(new Types.ObjectId()) } },
      );
    const again = { firmId: staff.firm.id, batchId: other.body.id, itemId: lost.id };
    await expect(
      jobs.processItem(again, { attempt: 1, lastAttempt: false, reportProgress: async () => undefined }),
    ).rejects.toThrow();
    expect(
      (await t.http().get(`/api/documents/batches/${other.body.id}`).set(staff.auth)).body.items[0],
    ).toMatchObject({
      status: 'reading',
      reason: expect.stringMatching(/Tentativa 1 falhou/),
    });
    await expect(
      jobs.processItem(again, { attempt: 5, lastAttempt: true, reportProgress: async () => undefined }),
    ).rejects.toThrow();
    expect(
      (await t.http().get(`/api/documents/batches/${other.body.id}`).set(staff.auth)).body.items[0],
    ).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/^Não foi possível processar/),
    });
  });

  it('enforces permissions and firm isolation on every route', async () => {
    const c = await makePortalClient(t, staff, { documents: true, chat: true }); // no dasSimples
    const das = await makeGuiaPdf({ layout: 'das', cnpj: c.client.cnpj, competence: '2026-09' });
    const gps = await makeGuiaPdf({ layout: 'gps', cnpj: c.client.cnpj, competence: '2026-09' });
    const socket = await openSocket(t.url, c.token, sockets);
    const seen: { messages: Message[]; updates: string[] } = { messages: [], updates: [] };
    socket.on('message:new', (m) => seen.messages.push(m));
    socket.on('document:updated', (e) => seen.updates.push(e.document.id));
    const created = await upload(
      '/api/documents/batches',
      [
        { name: 'das.pdf', data: das },
        { name: 'gps.pdf', data: gps },
      ],
      staff.auth,
    ).expect(202);
    const batch = await settle(created.body.id);
    const [dasItem, gpsItem] = batch.items;
    expect(dasItem.status).toBe('delivered');
    // The GPS reaches the client live; the DAS, which its permissions hide, neither in the chat
    // nor as an update (it is filed, and staff see it was delivered to the portal only).
    await expect
      .poll(() => seen.messages.some((m) => m.document?.id === gpsItem.documentId), { timeout: 10_000 })
      .toBe(true);
    await expect.poll(() => seen.updates.includes(gpsItem.documentId!), { timeout: 10_000 }).toBe(true);
    expect(seen.messages.some((m) => m.document?.id === dasItem.documentId)).toBe(false);
    expect(seen.updates).not.toContain(dasItem.documentId);
    const history = await t
      .http()
      .get(`/api/conversations/${c.client.conversationId}/messages`)
      .set(staff.auth)
      .expect(200);
    expect((history.body.items as Message[]).some((m) => m.document?.id === dasItem.documentId)).toBe(false);
    const dasDetail = (await t.http().get(`/api/documents/${dasItem.documentId}`).set(staff.auth).expect(200))
      .body;
    expect(dasDetail.trail).toEqual([expect.objectContaining({ event: 'delivered', channel: 'portal' })]);
    // DAS needs dasSimples: hidden from this client, and 404 by id.
    const mine = await t.http().get('/api/me/documents').set(c.auth).expect(200);
    expect((mine.body.items as Document[]).map((d) => d.type)).toEqual(['gps']);
    await t.http().get(`/api/me/documents/${dasItem.documentId}`).set(c.auth).expect(404);
    await t.http().get(`/api/me/documents/${dasItem.documentId}/file`).set(c.auth).expect(404);
    // No document permission at all: 403.
    const none = await makePortalClient(t, staff, { chat: true });
    const denied = await t.http().get('/api/me/documents').set(none.auth).expect(403);
    expect(denied.body.error.code).toBe('PERMISSION_DENIED');
    // Sending needs sendGuides.
    await upload('/api/me/documents', [{ name: 'file', data: gps }], c.auth).expect(403);
    // Another client of the same firm can't see it.
    const other = await makePortalClient(t, staff, { documents: true, dasSimples: true });
    await t.http().get(`/api/me/documents/${gpsItem.documentId}`).set(other.auth).expect(404);
    // Clients can't use staff routes.
    await t.http().get(`/api/documents/${gpsItem.documentId}`).set(c.auth).expect(403);

    // Firm B gets 404 for every firm-A document, batch and item id.
    const firmB = await makeFirm(t, 'Outro Escritório');
    const ids = { doc: gpsItem.documentId!, batch: batch.id, item: gpsItem.id };
    await t.http().get(`/api/documents/${ids.doc}`).set(firmB.auth).expect(404);
    await t.http().get(`/api/documents/${ids.doc}/file`).set(firmB.auth).expect(404);
    await t.http().post(`/api/documents/${ids.doc}/paid`).set(firmB.auth).expect(404);
    await t.http().get(`/api/documents/batches/${ids.batch}`).set(firmB.auth).expect(404);
    await upload(
      `/api/documents/batches/${ids.batch}/files`,
      [{ name: 'x.pdf', data: gps }],
      firmB.auth,
    ).expect(404);
    const bClient = await makeClient(t, firmB);
    await t
      .http()
      .put(`/api/documents/batches/${ids.batch}/items/${ids.item}/client`)
      .set(firmB.auth)
      .send({ clientId: bClient.id })
      .expect(404);
    const listB = await t.http().get(`/api/documents?clientId=${c.client.id}`).set(firmB.auth).expect(200);
    expect(listB.body).toEqual({ items: [], total: 0 });
    expect((await t.http().get('/api/documents/batches').set(firmB.auth).expect(200)).body.items).toEqual([]);
    // Firm A's staff can't file a review item under firm B's client.
    void randomUUID;
  });
});
