import { randomUUID } from 'node:crypto';
import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeCnpj, formatCnpj } from '../../src/contract/index.js';
import { ConversationRepository } from '../../src/modules/chat/conversation.repository.js';
import { MessageWriter } from '../../src/modules/chat/message-writer.js';
import { emitAck, openSocket, startTestApp, type TestApp, type TestSocket } from '../helpers/app.js';
import { makeClient, makeFirm, type StaffSession } from '../helpers/factories.js';

/** One search, the same everywhere: the client list (and the pickers that call it) and the inbox. */
describe('search finds what people type', () => {
  let t: TestApp;
  let staff: StaffSession;
  const sockets: TestSocket[] = [];
  const clients = {
    padaria: { name: 'Padaria Pão Quente Ltda', cnpj: completeCnpj('112223330001') },
    tech: { name: 'Tech Nova Sistemas S.A.', cnpj: completeCnpj('12ABC34501DE') },
    mercadinho: { name: 'Mercadinho Boa Vista ME', cnpj: completeCnpj('223334440001') },
  };
  const ids: Record<keyof typeof clients, { client: string; conversation: string }> = {} as never;

  beforeAll(async () => {
    t = await startTestApp('search');
    staff = await makeFirm(t);
    for (const [key, c] of Object.entries(clients) as [keyof typeof clients, (typeof clients)['padaria']][]) {
      const made = await makeClient(t, staff, { cnpj: formatCnpj(c.cnpj), name: c.name });
      const enabled = await t
        .http()
        .put(`/api/clients/${made.id}/portal`)
        .set(staff.auth)
        .send({ enabled: true })
        .expect(200);
      ids[key] = { client: made.id, conversation: enabled.body.conversationId };
    }
  });
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await t.close();
  });

  const clientList = async (search: string) =>
    (
      (await t.http().get('/api/clients').query({ search }).set(staff.auth).expect(200)).body.items as {
        name: string;
      }[]
    )
      .map((c) => c.name)
      .sort();
  const inbox = async (search: string) =>
    (
      (await t.http().get('/api/conversations').query({ search }).set(staff.auth).expect(200)).body.items as {
        client: { name: string };
      }[]
    )
      .map((c) => c.client.name)
      .sort();

  const cases: [string, (keyof typeof clients)[]][] = [
    ['11.222.333/0001-81', ['padaria']],
    ['11222333000181', ['padaria']],
    ['11222333', ['padaria']],
    ['11.222', ['padaria']],
    ['0001-81', ['mercadinho', 'padaria']],
    ['22.333.444/0001-81', ['mercadinho']],
    ['12.ABC.345/01DE-35', ['tech']],
    ['12.ABC', ['tech']],
    ['12.abc', ['tech']],
    ['12abc345', ['tech']],
    ['pao quente', ['padaria']],
    ['Pão Quente', ['padaria']],
    ['PADARIA LTDA.', ['padaria']],
    ['boa vista', ['mercadinho']],
    ['99.999', []],
  ];
  const names = (keys: (keyof typeof clients)[]) => keys.map((k) => clients[k].name).sort();

  it('the client list finds a CNPJ typed as shown, bare or in part, and names without accents', async () => {
    for (const [search, expected] of cases) expect(await clientList(search), search).toEqual(names(expected));
  });

  it('the inbox finds the same conversations by CNPJ and name, and by message words', async () => {
    for (const [search, expected] of cases) expect(await inbox(search), search).toEqual(names(expected));

    const staffSocket = await openSocket(t.url, staff.token, sockets);
    const sent = await emitAck<{ ok: boolean }>(
      staffSocket,
      'message:send',
      { conversationId: ids.tech.conversation, clientMessageId: randomUUID(), text: 'Segue a GUIA de março' },
      5000,
    );
    expect(sent.ok).toBe(true);
    expect(await inbox('guia marco')).toEqual(names(['tech']));
    // A term may match the client and another the messages.
    expect(await inbox('tech marco')).toEqual(names(['tech']));
    expect(await inbox('padaria marco')).toEqual([]);
    await t.app.get(MessageWriter).flush();
    expect(await inbox('guia')).toEqual(names(['tech']));
  });

  it('a client whose CNPJ or name changes is found in the inbox by the new ones', async () => {
    const cnpj = completeCnpj('334445550001');
    await t
      .http()
      .patch(`/api/clients/${ids.mercadinho.client}`)
      .set(staff.auth)
      .send({ cnpj, name: 'Mercado Boa Vista Eireli' })
      .expect(200);
    expect(await inbox(formatCnpj(cnpj))).toEqual(['Mercado Boa Vista Eireli']);
    expect(await inbox('eireli')).toEqual(['Mercado Boa Vista Eireli']);
    expect(await inbox('22.333.444')).toEqual([]);
    clients.mercadinho = { name: 'Mercado Boa Vista Eireli', cnpj };
  });

  it('conversations stored before they carried the CNPJ get it at the next start', async () => {
    const conn = t.app.get<Connection>(getConnectionToken());
    await conn.collection('conversations').updateMany({}, { $unset: { clientCnpj: '' } });
    await conn.collection('migrations').deleteOne({ _id: 'conversations-client-cnpj' as never });
    expect(await inbox('11.222.333')).toEqual([]);
    await t.app.get(ConversationRepository).onApplicationBootstrap();
    expect(await inbox('11.222.333')).toEqual(names(['padaria']));
    expect(await inbox('12.ABC')).toEqual(names(['tech']));
  });
});
