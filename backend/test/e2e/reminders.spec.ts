import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobRepository } from '../../src/modules/jobs/job.repository.js';
import { jobHandlers } from '../../src/modules/jobs/job-handlers.js';
import { JobName } from '../../src/modules/jobs/job.types.js';
import { connectSocket, startTestApp, type TestApp, type TestSocket, waitForEvent } from '../helpers/app.js';
import { makeFirm, makePortalClient } from '../helpers/factories.js';
import { startSmtpSink } from '../helpers/smtp.js';

describe('unread reminders (BullMQ + SMTP)', () => {
  let t: TestApp;
  let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    smtp = await startSmtpSink();
    t = await startTestApp('reminders', { UNREAD_REMINDER_SECONDS: '2', SMTP_URL: smtp.url });
    // The worker's processor, in this process: the same wiring as src/worker.ts.
    t.app.get(JobRepository).start(jobHandlers(t.app));
  });
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await t.close();
    await smtp.close();
  });

  async function open(token: string) {
    const s = connectSocket(t.url, token);
    sockets.push(s);
    await waitForEvent(s, 'connect');
    return s;
  }
  const send = (s: TestSocket, payload: { text: string; conversationId?: string | null }) =>
    s.timeout(5000).emitWithAck('message:send', {
      clientMessageId: randomUUID(),
      text: payload.text,
      conversationId: payload.conversationId ?? undefined,
    });

  it('notifies the client once by e-mail when firm messages stay unread, and the monitor shows it', async () => {
    const staff = await makeFirm(t);
    const client = await makePortalClient(t, staff);
    await t
      .http()
      .patch(`/api/clients/${client.client.id}`)
      .set(staff.auth)
      .send({ email: 'financeiro@padaria.com.br' })
      .expect(200);
    const s = await open(staff.token);
    const conv = client.client.conversationId;
    await send(s, { conversationId: conv, text: 'Sua guia do DAS chegou' });
    await send(s, { conversationId: conv, text: 'Vence dia 20' });
    // One job for the conversation and side, however many messages.
    expect(
      (await t.app.get(JobRepository).delayedJobIds(JobName.UnreadReminder)).filter((id) =>
        id.includes(String(conv)),
      ),
    ).toEqual([`reminder-${conv}-client`]);

    await expect.poll(() => smtp.mails.length, { timeout: 10_000 }).toBe(1);
    expect(smtp.mails[0].to).toEqual(['financeiro@padaria.com.br']);
    expect(smtp.mails[0].raw).toMatch(/enviou 2 mensagens que/);

    const monitor = await t.http().get('/api/monitor').set(staff.auth).expect(200);
    expect(monitor.body.items).toEqual([
      expect.objectContaining({ conversationId: conv, direction: 'toClient', count: 2, reminded: true }),
    ]);
    expect(monitor.body.staffOnline.map((m: { id: string }) => m.id)).toEqual([staff.user.id]);

    // Another message while still unread: no second mail.
    await send(s, { conversationId: conv, text: 'Lembrando' });
    await new Promise((r) => setTimeout(r, 3500));
    expect(smtp.mails.length).toBe(1);
  });

  it('a read before the delay cancels the reminder; staff get client messages reminders', async () => {
    const staff = await makeFirm(t);
    const client = await makePortalClient(t, staff);
    const before = smtp.mails.length;
    const c = await open(client.token);
    const ack = (await send(c, { text: 'Alguém aí?' })) as { ok: boolean; message: { seq: number } };
    const conv = client.client.conversationId;
    const s = await open(staff.token);
    await s
      .timeout(5000)
      .emitWithAck('conversation:read', { conversationId: String(conv), seq: ack.message.seq });
    expect(
      (await t.app.get(JobRepository).delayedJobIds(JobName.UnreadReminder)).some((id) =>
        id.includes(String(conv)),
      ),
    ).toBe(false);
    await new Promise((r) => setTimeout(r, 3000));
    expect(smtp.mails.length).toBe(before);

    // Unread this time: the firm's staff are told.
    await send(c, { text: 'Preciso de ajuda com a DCTFWeb' });
    await expect.poll(() => smtp.mails.length, { timeout: 10_000 }).toBe(before + 1);
    expect(smtp.mails.at(-1)?.to).toEqual([expect.stringContaining('@example.com')]);
    // One message, one word: "1 mensagem", never "1 mensagem(ns)".
    expect(smtp.mails.at(-1)?.raw).toMatch(/enviou 1 mensagem que ainda/);
    const monitor = await t.http().get('/api/monitor').set(staff.auth).expect(200);
    expect(monitor.body.items[0]).toMatchObject({ direction: 'toStaff', count: 1, reminded: true });
    expect(monitor.body.items[0].waitingSeconds).toBeGreaterThanOrEqual(2);
  });
});
