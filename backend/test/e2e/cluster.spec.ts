import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../../src/contract/index.js';
import { connectSocket, dropDatabase, type TestSocket, waitForEvent } from '../helpers/app.js';
import { freshDbUrl, serviceUrls } from '../helpers/env.js';
import { completeCnpj } from '../../src/contract/index.js';
import { type ApiProcess, sharedSecret, startApiProcess } from '../helpers/processes.js';

/** Two api processes on one Redis and one database: what scale-out must look like. */
describe('two api nodes', () => {
  let a: ApiProcess;
  let b: ApiProcess;
  let mongoUrl: string;
  let env: Record<string, string>;
  const sockets: TestSocket[] = [];
  const open = async (node: ApiProcess, token: string) => {
    const s = connectSocket(node.url, token);
    sockets.push(s);
    await waitForEvent(s, 'connect');
    return s;
  };

  beforeAll(async () => {
    mongoUrl = freshDbUrl('cluster');
    env = {
      MONGO_URL: mongoUrl,
      REDIS_URL: serviceUrls().redis,
      REDIS_KEY_PREFIX: `tc${randomBytes(3).toString('hex')}:`,
      SECRET_KEY: sharedSecret(),
      ARGON2_MEMORY_KIB: '1024',
      LOGIN_RATE_PER_MINUTE: '100000',
      // Short presence expiry so a killed node ages out within the test.
      PRESENCE_TTL_SECONDS: '4',
    };
    [a, b] = await Promise.all([startApiProcess(env), startApiProcess(env)]);
  });
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await Promise.all([a?.stop(), b?.stop()]);
    await dropDatabase(mongoUrl);
  });

  async function setup() {
    const slug = `cl-${randomUUID().slice(0, 8)}`;
    const firm = await request(a.url)
      .post('/api/firms')
      .send({
        firm: { name: 'Dois Nós', slug },
        admin: { name: 'Ana', email: `${slug}@example.com`, password: 'password-1' },
      })
      .expect(201);
    const auth = { Authorization: `Bearer ${firm.body.token}` };
    const cnpj = completeCnpj(
      `${randomBytes(4).readUInt32BE(0).toString().padStart(8, '0').slice(0, 8)}0001`,
    );
    const created = await request(a.url)
      .post('/api/clients')
      .set(auth)
      .send({ cnpj, name: 'Cliente Distribuído' })
      .expect(201);
    const enabled = await request(a.url)
      .put(`/api/clients/${created.body.id}/portal`)
      .set(auth)
      .send({ enabled: true })
      .expect(200);
    // The client logs in through the other node: sessions live in Redis.
    const login = await request(b.url)
      .post(`/api/portal/${slug}/login`)
      .send({ cnpj, password: enabled.body.password })
      .expect(200);
    return {
      staffToken: firm.body.token as string,
      auth,
      clientId: created.body.id as string,
      clientToken: login.body.token as string,
      conversationId: enabled.body.conversationId as string,
    };
  }

  it('delivers a message sent through one node to sockets on the other, both ways', async () => {
    const x = await setup();
    const staffOnA = await open(a, x.staffToken);
    const clientOnB = await open(b, x.clientToken);
    const atClient = waitForEvent<Message>(clientOnB, 'message:new');
    const ack = await staffOnA.timeout(5000).emitWithAck('message:send', {
      conversationId: x.conversationId,
      clientMessageId: randomUUID(),
      text: 'de A para B',
    });
    expect(ack.ok).toBe(true);
    expect((await atClient).text).toBe('de A para B');

    const atStaff = waitForEvent<Message>(staffOnA, 'message:new');
    await clientOnB
      .timeout(5000)
      .emitWithAck('message:send', { clientMessageId: randomUUID(), text: 'de B para A' });
    expect((await atStaff).text).toBe('de B para A');
  });

  it('keeps presence right across nodes, and ages out a node that dies', async () => {
    const x = await setup();
    const clientOnB = await open(b, x.clientToken);
    const seen: boolean[] = [];
    clientOnB.on('presence:firm', (p) => seen.push(p.online));
    await expect.poll(() => seen).toEqual([false]);

    const c = await startApiProcess(env);
    const staffOnC = connectSocket(c.url, x.staffToken);
    sockets.push(staffOnC);
    await waitForEvent(staffOnC, 'connect');
    await expect.poll(() => seen).toEqual([false, true]);
    const staffList = await request(b.url).get('/api/staff').set(x.auth).expect(200);
    expect(staffList.body.items[0].online).toBe(true);

    // The node holding the only staff socket dies without a clean disconnect.
    await c.stop('SIGKILL');
    const died = Date.now();
    await expect.poll(() => seen, { timeout: 15_000, interval: 250 }).toEqual([false, true, false]);
    expect(Date.now() - died).toBeLessThan(15_000);
  });

  it('takes chat and "Estou Online?" away from open sockets on every node, and gives them back', async () => {
    const x = await setup();
    const clientOnB = await open(b, x.clientToken);
    const got = { messages: [] as string[], typing: 0, presence: [] as boolean[] };
    clientOnB.on('message:new', (m) => got.messages.push(m.text));
    clientOnB.on('typing', () => got.typing++);
    clientOnB.on('presence:firm', (p) => got.presence.push(p.online));
    await expect.poll(() => got.presence).toEqual([false]);
    const portal = (permissions: Record<string, boolean>) =>
      request(a.url)
        .put(`/api/clients/${x.clientId}/portal`)
        .set(x.auth)
        .send({ enabled: true, permissions })
        .expect(200);

    await portal({ chat: false, onlineStatus: false });
    // The firm comes online, writes and types while the client may not see any of it.
    const staffOnA = await open(a, x.staffToken);
    const hidden = await staffOnA.timeout(5000).emitWithAck('message:send', {
      conversationId: x.conversationId,
      clientMessageId: randomUUID(),
      text: 'não deveria chegar',
    });
    expect(hidden.ok).toBe(true);
    staffOnA.emit('typing', { conversationId: x.conversationId, typing: true });
    await staffOnA.timeout(5000).emitWithAck('sync', { conversationId: x.conversationId, afterSeq: 0 });

    // Granting again pushes the firm's state, published by node A after all of the above.
    await portal({ chat: true, onlineStatus: true });
    await expect.poll(() => got.presence).toEqual([false, true]);
    expect(got.messages).toEqual([]);
    expect(got.typing).toBe(0);

    const shown = await staffOnA.timeout(5000).emitWithAck('message:send', {
      conversationId: x.conversationId,
      clientMessageId: randomUUID(),
      text: 'agora sim',
    });
    expect(shown.ok).toBe(true);
    staffOnA.emit('typing', { conversationId: x.conversationId, typing: true });
    await expect.poll(() => got.messages).toEqual(['agora sim']);
    await expect.poll(() => got.typing).toBe(1);
    staffOnA.disconnect();
    await expect.poll(() => got.presence).toEqual([false, true, false]);
  });

  it('ends a blocked client’s sockets on every node', async () => {
    const x = await setup();
    const onA = await open(a, x.clientToken);
    const onB = await open(b, x.clientToken);
    const revoked = [onA, onB].map((s) => waitForEvent<{ reason: string }>(s, 'session:revoked'));
    await request(a.url).post(`/api/clients/${x.clientId}/portal/block`).set(x.auth).expect(200);
    expect(await Promise.all(revoked)).toEqual([{ reason: 'blocked' }, { reason: 'blocked' }]);
    await expect.poll(() => onB.connected).toBe(false);
  });
});
