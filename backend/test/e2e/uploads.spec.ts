import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { makeFirm, type StaffSession } from '../helpers/factories.js';

const LIMIT = 1024 * 1024; // UPLOAD_MAX_MB=1
const BOUNDARY = 'connecthub-test-boundary';

const pdfOf = (size: number) => Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(size - 9)]);
const partHead = (name: string, field = 'file') =>
  Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${field}"; filename="${name}"\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
  );

interface Answer {
  status: number;
  body: { error?: { code: string } };
  /** Body bytes the client had handed to the socket when the answer arrived. */
  sentWhenAnswered: number;
}

/**
 * Streams a multipart body of `total` bytes (a PDF header, then filler) without
 * holding it, stopping as soon as the server answers; `headers` may lie.
 */
async function streamUpload(t: TestApp, token: string, total: number, headers = {}): Promise<Answer> {
  const req = http.request(`${t.url}/api/files`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
      ...headers,
    },
  });
  req.on('error', () => undefined);
  let answered = false;
  const response = new Promise<http.IncomingMessage>((resolve) =>
    req.once('response', (res) => {
      answered = true;
      resolve(res);
    }),
  );
  let sent = 0;
  const write = async (chunk: Buffer) => {
    sent += chunk.length;
    if (!req.write(chunk)) await Promise.race([new Promise((r) => req.once('drain', r)), response]);
  };
  await write(partHead('grande.pdf'));
  await write(Buffer.from('%PDF-1.7\n'));
  const filler = Buffer.alloc(64 * 1024, 0x41);
  while (!answered && sent < total) await write(filler);
  const sentWhenAnswered = sent;
  const res = await response;
  let text = '';
  for await (const chunk of res) text += chunk;
  req.destroy();
  return { status: res.statusCode ?? 0, body: JSON.parse(text), sentWhenAnswered };
}

describe('uploads are streamed, with every limit enforced while reading', () => {
  let t: TestApp;
  let staff: StaffSession;
  let db: mongoose.Connection;
  const stored = async () => ({
    files: await db.collection('files.files').countDocuments(),
    chunks: await db.collection('files.chunks').countDocuments(),
  });
  /** Counts after a refused upload must come back to these (cleanup runs before the answer). */
  const expectNothingStored = async (before: { files: number; chunks: number }) =>
    expect(await stored()).toEqual(before);

  beforeAll(async () => {
    t = await startTestApp('uploads', { UPLOAD_MAX_MB: '1' });
    staff = await makeFirm(t);
    db = await mongoose.createConnection(t.config.MONGO_URL).asPromise();
  });
  afterAll(async () => {
    await db.close();
    await t.close();
  });

  it('stores a file of exactly the limit and downloads it byte for byte', async () => {
    const before = await stored();
    const pdf = pdfOf(LIMIT);
    const up = await t.http().post('/api/files').set(staff.auth).attach('file', pdf, 'DAS.pdf').expect(201);
    expect(up.body).toMatchObject({ name: 'DAS.pdf', contentType: 'application/pdf', size: LIMIT });
    const down = await t.http().get(`/api/files/${up.body.id}`).set(staff.auth).buffer(true).expect(200);
    expect(Buffer.compare(down.body as Buffer, pdf)).toBe(0);
    // One GridFS chunk is 255 KiB: the file went in as several, none left over.
    expect(await stored()).toEqual({
      files: before.files + 1,
      chunks: before.chunks + Math.ceil(LIMIT / (255 * 1024)),
    });
  });

  it('refuses limit + 1 bytes with 413 and leaves nothing in GridFS', async () => {
    const before = await stored();
    const res = await t
      .http()
      .post('/api/files')
      .set(staff.auth)
      .attach('file', pdfOf(LIMIT + 1), 'grande.pdf')
      .expect(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    await expectNothingStored(before);
  });

  it('stops a 30 MB chunked upload (no Content-Length) at the limit, not at its end', async () => {
    const before = await stored();
    const res = await streamUpload(t, staff.token, 30 * LIMIT);
    expect(res.status).toBe(413);
    expect(res.body.error?.code).toBe('PAYLOAD_TOO_LARGE');
    // The answer came while the client was still sending (socket buffers hold a few MB).
    expect(res.sentWhenAnswered).toBeLessThan(15 * LIMIT);
    await expectNothingStored(before);
  });

  it('answers 413 from a Content-Length over the limit before reading the body', async () => {
    const before = await stored();
    const res = await streamUpload(t, staff.token, 0, { 'content-length': String(30 * LIMIT) });
    expect(res.status).toBe(413);
    expect(res.body.error?.code).toBe('PAYLOAD_TOO_LARGE');
    await expectNothingStored(before);
  });

  it('reads no more than a lying small Content-Length and stores nothing', async () => {
    const before = await stored();
    const declared = 100 * 1024;
    const socket = net.connect(Number(new URL(t.url).port), '127.0.0.1');
    socket.on('error', () => undefined);
    let received = '';
    socket.on('data', (d) => (received += d.toString('latin1')));
    const closed = new Promise((r) => socket.once('close', r));
    await once(socket, 'connect');
    socket.write(
      `POST /api/files HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${staff.token}\r\n` +
        `Content-Type: multipart/form-data; boundary=${BOUNDARY}\r\nContent-Length: ${declared}\r\n\r\n`,
    );
    socket.write(partHead('mentira.pdf'));
    const filler = Buffer.alloc(64 * 1024, 0x41);
    for (let sent = 0; sent < 30 * LIMIT && !socket.destroyed && !received; sent += filler.length) {
      if (!socket.write(filler)) await Promise.race([new Promise((r) => socket.once('drain', r)), closed]);
    }
    socket.end();
    await closed;
    // The body ended mid-file at the declared length, so nothing was stored.
    expect(received).toMatch(/^HTTP\/1\.1 400 /);
    await expectNothingStored(before);
    await t.http().get('/api/health').expect(200);
  });

  it('refuses fields, a second file and a file under another name, keeping none of them', async () => {
    const before = await stored();
    const pdf = pdfOf(4096);
    const withField = await t
      .http()
      .post('/api/files')
      .set(staff.auth)
      .field('note', 'x')
      .attach('file', pdf, 'a.pdf')
      .expect(400);
    expect(withField.body.error.code).toBe('VALIDATION_FAILED');
    const twoFiles = await t
      .http()
      .post('/api/files')
      .set(staff.auth)
      .attach('file', pdf, 'a.pdf')
      .attach('file', pdf, 'b.pdf')
      .expect(400);
    expect(twoFiles.body.error.code).toBe('VALIDATION_FAILED');
    const fileThenField = await t
      .http()
      .post('/api/files')
      .set(staff.auth)
      .attach('file', pdf, 'a.pdf')
      .field('note', 'x')
      .expect(400);
    expect(fileThenField.body.error.code).toBe('VALIDATION_FAILED');
    await t.http().post('/api/files').set(staff.auth).attach('upload', pdf, 'a.pdf').expect(400);
    await t.http().post('/api/files').set(staff.auth).send({ file: 'x' }).expect(400);
    await expectNothingStored(before);
  });

  it('names stored files after their real type and strips disguising characters', async () => {
    const pdfWithBatch = Buffer.from('%PDF-1.4\r\n@echo off\r\ndel /q C:\\*\r\n%%EOF\r\n');
    const cases: [string, string][] = [
      ['boleto.bat', 'boleto.pdf'],
      ['setup.exe', 'setup.pdf'],
      ['guia.hta', 'guia.pdf'],
      ['fatura\u202Efdp.exe', 'faturafdp.pdf'],
      ['DAS\u200E outubro.pdf', 'DAS outubro.pdf'],
    ];
    for (const [sent, expected] of cases) {
      const up = await t
        .http()
        .post('/api/files')
        .set(staff.auth)
        .attach('file', pdfWithBatch, sent)
        .expect(201);
      expect(up.body.name).toBe(expected);
      const down = await t.http().get(`/api/files/${up.body.id}`).set(staff.auth).expect(200);
      expect(down.headers['content-disposition']).toBe(
        `attachment; filename*=UTF-8''${encodeURIComponent(expected)}`,
      );
      expect(down.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('refuses SVG and HTML/HTA content with UNSUPPORTED_FILE before storing it', async () => {
    const before = await stored();
    const bodies: [string, string][] = [
      ['logo.svg', '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'],
      ['nota.xml', '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'],
      ['guia.hta', '<html><head><hta:application/></head><body><script>x()</script></body></html>'],
    ];
    for (const [name, body] of bodies) {
      const res = await t
        .http()
        .post('/api/files')
        .set(staff.auth)
        .attach('file', Buffer.from(body), name)
        .expect(400);
      expect(res.body.error.code).toBe('UNSUPPORTED_FILE');
    }
    await expectNothingStored(before);
  });
});
