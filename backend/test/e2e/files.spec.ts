import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ack, Message } from '../../src/contract/index.js';
import { connectSocket, startTestApp, type TestApp, waitForEvent } from '../helpers/app.js';
import { makeFirm, makePortalClient } from '../helpers/factories.js';

const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(2048, 0x41), Buffer.from('\n%%EOF\n')]);

describe('attachments', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('files', { UPLOAD_MAX_MB: '1' });
  });
  afterAll(() => t.close());

  it('uploads to GridFS, sends in a message, and lets only that conversation download it', async () => {
    const staff = await makeFirm(t);
    const client = await makePortalClient(t, staff);
    const stranger = await makePortalClient(t, staff);

    const up = await t
      .http()
      .post('/api/files')
      .set(client.auth)
      .attach('file', pdf, 'DAS outubro.pdf')
      .expect(201);
    expect(up.body).toEqual({
      id: expect.any(String),
      name: 'DAS outubro.pdf',
      contentType: 'application/pdf',
      size: pdf.length,
    });

    const s = connectSocket(t.url, client.token);
    await waitForEvent(s, 'connect');
    const ack = (await s.timeout(5000).emitWithAck('message:send', {
      clientMessageId: randomUUID(),
      text: 'Segue o comprovante',
      attachmentIds: [up.body.id],
    })) as Ack<{ message: Message }>;
    expect(ack.ok && ack.message.attachments).toEqual([up.body]);
    // An attachment goes out once.
    const reuse = (await s.timeout(5000).emitWithAck('message:send', {
      clientMessageId: randomUUID(),
      text: 'de novo',
      attachmentIds: [up.body.id],
    })) as Ack;
    expect(!reuse.ok && reuse.error.code).toBe('VALIDATION_FAILED');
    s.disconnect();

    for (const who of [staff.auth, client.auth]) {
      const res = await t.http().get(`/api/files/${up.body.id}`).set(who).buffer(true).expect(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.headers['content-disposition']).toContain("filename*=UTF-8''DAS%20outubro.pdf");
      expect(Buffer.compare(res.body as Buffer, pdf)).toBe(0);
    }
    await t.http().get(`/api/files/${up.body.id}`).set(stranger.auth).expect(404);
    await t.http().get(`/api/files/${up.body.id}`).expect(401);
    const otherFirm = await makeFirm(t);
    await t.http().get(`/api/files/${up.body.id}`).set(otherFirm.auth).expect(404);
  });

  it('checks the type from the content and the size, with clear errors', async () => {
    const staff = await makeFirm(t);
    const exe = await t
      .http()
      .post('/api/files')
      .set(staff.auth)
      .attach('file', Buffer.from('MZ\x90\x00binary'), 'guia.pdf')
      .expect(400);
    expect(exe.body.error.code).toBe('UNSUPPORTED_FILE');
    const big = Buffer.concat([Buffer.from('%PDF-'), Buffer.alloc(1024 * 1024 + 10)]);
    const tooBig = await t
      .http()
      .post('/api/files')
      .set(staff.auth)
      .attach('file', big, 'grande.pdf')
      .expect(413);
    expect(tooBig.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    const none = await t.http().post('/api/files').set(staff.auth).field('x', 'y').expect(400);
    expect(none.body.error.code).toBe('VALIDATION_FAILED');
    const xml = await t
      .http()
      .post('/api/files')
      .set(staff.auth)
      .attach('file', Buffer.from('<?xml version="1.0"?><nfeProc/>'), 'nota.xml')
      .expect(201);
    expect(xml.body.contentType).toBe('application/xml');
  });

  it('refuses uploads from clients without the chat permission', async () => {
    const staff = await makeFirm(t);
    const client = await makePortalClient(t, staff, { chat: false, documents: true });
    const res = await t.http().post('/api/files').set(client.auth).attach('file', pdf, 'a.pdf').expect(403);
    expect(res.body.error.code).toBe('PERMISSION_DENIED');
  });
});
