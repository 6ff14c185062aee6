import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addBusinessDays, formatCnpj, type Message, todayInBrazil } from '../../src/contract/index.js';
import { openSocket, startTestApp, type TestApp, type TestSocket, waitForEvent } from '../helpers/app.js';
import {
  type ClientSession,
  makeCnpj,
  makeFirm,
  makePortalClient,
  makeStaff,
  type StaffSession,
} from '../helpers/factories.js';

/** One field of every type (the contract's twelve). */
const ALL_FIELDS = [
  { key: 'nome', label: 'Nome', type: 'text', required: true },
  { key: 'obs', label: 'Observações', type: 'longtext' },
  { key: 'qtd', label: 'Quantidade', type: 'number' },
  { key: 'salario', label: 'Salário', type: 'money', required: true },
  { key: 'inicio', label: 'Início', type: 'date', required: true },
  { key: 'jornada', label: 'Jornada', type: 'select', options: ['44h', '40h'], required: true },
  { key: 'experiencia', label: 'Experiência?', type: 'yesno', required: true },
  { key: 'empresa', label: 'CNPJ', type: 'cnpj' },
  { key: 'cpf', label: 'CPF', type: 'cpf', required: true },
  { key: 'email', label: 'E-mail', type: 'email' },
  { key: 'fone', label: 'Telefone', type: 'phone' },
  { key: 'doc', label: 'Documento', type: 'file' },
];

const VALID = {
  nome: '  Maria da Silva ',
  salario: 350000,
  inicio: '2027-01-04',
  jornada: '44h',
  experiencia: true,
  cpf: '529.982.247-25',
};

const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

describe('Serviços: forms, ordens de serviço, live both ways', () => {
  let t: TestApp;
  let staff: StaffSession;
  let other: StaffSession;
  const sockets: TestSocket[] = [];
  beforeAll(async () => {
    t = await startTestApp('services');
    staff = await makeFirm(t, 'Contabilidade Serviços');
    other = await makeFirm(t, 'Outro Escritório');
  });
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    await t.close();
  });

  const createForm = async (s: StaffSession, body: Record<string, unknown>) =>
    (await t.http().post('/api/service-forms').set(s.auth).send(body).expect(201)).body;
  const upload = async (auth: { Authorization: string }, name = 'rg.pdf') =>
    (await t.http().post('/api/files').set(auth).attach('file', pdf, name).expect(201)).body as {
      id: string;
    };
  const submit = (c: ClientSession, formId: string, answers: Record<string, unknown>) =>
    t.http().post('/api/me/service-orders').set(c.auth).send({ formId, answers });

  it('builds forms (checked), offers them per client and permission, and versions every change', async () => {
    const bad = await t
      .http()
      .post('/api/service-forms')
      .set(staff.auth)
      .send({
        title: 'Ruim',
        fields: [
          { key: 'a', label: 'A', type: 'select' },
          { key: 'b', label: 'B', type: 'text' },
          { key: 'Bad Key', label: 'C', type: 'text' },
          { key: 'd', label: 'D', type: 'color' },
        ],
      })
      .expect(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    const paths = bad.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['fields.0.options', 'fields.2.key', 'fields.3.type']));

    const twice = await t
      .http()
      .post('/api/service-forms')
      .set(staff.auth)
      .send({
        title: 'Repetida',
        fields: [
          { key: 'a', label: 'A', type: 'text' },
          { key: 'a', label: 'B', type: 'cpf' },
        ],
      })
      .expect(400);
    expect(twice.body.error.details).toEqual([
      { path: 'fields.1.key', message: 'chave repetida no formulário' },
    ]);

    const a = await makePortalClient(t, staff);
    const b = await makePortalClient(t, staff);
    const toAll = await createForm(staff, { title: 'Admissão', fields: ALL_FIELDS, slaDays: 5 });
    expect(toAll).toMatchObject({ version: 1, audience: 'all', clientIds: [], slaDays: 5, active: true });
    expect(toAll.fields).toHaveLength(12);
    expect(toAll.fields[1]).toEqual({
      key: 'obs',
      label: 'Observações',
      type: 'longtext',
      required: false,
      help: '',
      options: [],
    });
    const onlyA = await createForm(staff, {
      title: 'Só para A',
      fields: [{ key: 'x', label: 'X', type: 'text' }],
      audience: 'selected',
      clientIds: [a.client.id],
    });
    const hidden = await createForm(staff, {
      title: 'Inativo',
      fields: [{ key: 'x', label: 'X', type: 'text' }],
      active: false,
    });
    // Another firm's client can't be chosen.
    const foreign = await makePortalClient(t, other);
    await t
      .http()
      .post('/api/service-forms')
      .set(staff.auth)
      .send({
        title: 'X',
        fields: [{ key: 'x', label: 'X', type: 'text' }],
        audience: 'selected',
        clientIds: [foreign.client.id],
      })
      .expect(400);

    const titles = async (c: ClientSession) =>
      (await t.http().get('/api/me/service-forms').set(c.auth).expect(200)).body.items.map(
        (f: { title: string }) => f.title,
      );
    expect(await titles(a)).toEqual(expect.arrayContaining(['Admissão', 'Só para A']));
    expect(await titles(a)).not.toContain('Inativo');
    expect(await titles(b)).toEqual(['Admissão']);
    await submit(b, onlyA.id, { x: 'oi' }).expect(404);
    await submit(a, hidden.id, { x: 'oi' }).expect(404);
    // The client is not told who else a form is offered to.
    const seen = (await t.http().get('/api/me/service-forms').set(a.auth).expect(200)).body.items;
    expect(seen.find((f: { id: string }) => f.id === onlyA.id).clientIds).toEqual([]);

    // PUT: version + 1; the list shows the new one.
    const v2 = await t
      .http()
      .put(`/api/service-forms/${onlyA.id}`)
      .set(staff.auth)
      .send({
        title: 'Para A e B',
        fields: [{ key: 'x', label: 'X', type: 'text', required: true }],
        audience: 'selected',
        clientIds: [a.client.id, b.client.id],
      })
      .expect(200);
    expect(v2.body).toMatchObject({ version: 2, title: 'Para A e B' });
    expect(await titles(b)).toEqual(expect.arrayContaining(['Para A e B']));
    const list = (await t.http().get('/api/service-forms').set(staff.auth).expect(200)).body.items;
    expect(list.map((f: { title: string }) => f.title)).toEqual(
      expect.arrayContaining(['Admissão', 'Para A e B', 'Inativo']),
    );
    // Permission: a client without serviceForms gets 403 on every route of its Serviços.
    const noPerm = await makePortalClient(t, staff, { serviceForms: false });
    for (const [method, path] of [
      ['get', '/api/me/service-forms'],
      ['get', '/api/me/service-orders'],
      ['get', '/api/me/service-drafts'],
      ['post', '/api/me/service-orders'],
    ] as const) {
      const res = await t.http()[method](path).set(noPerm.auth).send({ formId: toAll.id, answers: VALID });
      expect(res.status, path).toBe(403);
      expect(res.body.error.code).toBe('PERMISSION_DENIED');
    }
  });

  it('checks every answer on the server against the form: no required field or CPF check can be skipped', async () => {
    const c = await makePortalClient(t, staff);
    const form = await createForm(staff, { title: 'Todos os tipos', fields: ALL_FIELDS });
    const empty = await submit(c, form.id, {}).expect(400);
    expect(empty.body.error.code).toBe('VALIDATION_FAILED');
    expect(empty.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(
      [
        'answers.cpf',
        'answers.experiencia',
        'answers.inicio',
        'answers.jornada',
        'answers.nome',
        'answers.salario',
      ].sort(),
    );
    expect(empty.body.error.details[0].message).toBe('Preenchimento obrigatório');
    // Whitespace is not an answer.
    const blank = await submit(c, form.id, { ...VALID, nome: '   ' }).expect(400);
    expect(blank.body.error.details).toEqual([
      { path: 'answers.nome', message: 'Preenchimento obrigatório' },
    ]);

    const someoneElses = await upload((await makePortalClient(t, staff)).auth);
    const staffFile = await upload(staff.auth);
    const cases: [string, unknown, string][] = [
      ['nome', 42, 'Informe um texto'],
      ['nome', 'x'.repeat(501), 'Use no máximo 500 caracteres'],
      ['obs', 'x'.repeat(5001), 'Use no máximo 5000 caracteres'],
      ['qtd', 'muitos', 'Informe um número'],
      ['salario', '3.500,00', 'Informe um valor em reais'],
      ['salario', 12.5, 'Informe um valor em reais'],
      ['salario', -1, 'O valor não pode ser negativo'],
      ['inicio', '2027-02-30', 'Informe uma data válida'],
      ['inicio', '04/01/2027', 'Informe uma data válida'],
      ['jornada', '36h', 'Escolha uma das opções'],
      ['experiencia', 'sim', 'Responda sim ou não'],
      ['empresa', '11.222.333/0001-00', 'CNPJ inválido: confira os dígitos'],
      ['cpf', '529.982.247-24', 'CPF inválido: confira os dígitos'],
      ['cpf', '111.111.111-11', 'CPF inválido: confira os dígitos'],
      ['email', 'maria@', 'E-mail inválido'],
      ['fone', '1234', 'Telefone inválido: use DDD + número'],
      ['doc', 'not-an-id', 'Anexe o arquivo'],
      ['doc', someoneElses.id, 'Arquivo não encontrado: anexe-o de novo'],
      ['doc', staffFile.id, 'Arquivo não encontrado: anexe-o de novo'],
      ['inventado', 'x', 'Campo que não existe neste formulário'],
    ];
    for (const [key, value, message] of cases) {
      const res = await submit(c, form.id, { ...VALID, [key]: value });
      expect(res.status, `${key}=${String(value).slice(0, 20)}`).toBe(400);
      expect(res.body.error.details, `${key}`).toEqual([{ path: `answers.${key}`, message }]);
    }
    // Nothing was stored by any of those.
    expect((await t.http().get('/api/me/service-orders').set(c.auth).expect(200)).body.items).toEqual([]);

    const mine = await upload(c.auth, 'RG Maria.pdf');
    const cnpj = makeCnpj(true);
    const ok = await submit(c, form.id, {
      ...VALID,
      obs: 'Começa segunda',
      qtd: 2,
      empresa: formatCnpj(cnpj).toLowerCase(),
      email: 'Maria@Example.com',
      fone: '+55 (11) 98765-4321',
      doc: mine.id,
    }).expect(201);
    expect(ok.body).toMatchObject({
      origin: 'client',
      status: 'open',
      formId: form.id,
      formVersion: 1,
      title: 'Todos os tipos',
    });
    expect(ok.body.answers).toEqual({
      nome: 'Maria da Silva',
      obs: 'Começa segunda',
      qtd: 2,
      salario: 350000,
      inicio: '2027-01-04',
      jornada: '44h',
      experiencia: true,
      empresa: cnpj,
      cpf: '52998224725',
      email: 'maria@example.com',
      fone: '11987654321',
      doc: mine.id,
    });
    // Staff read the order with its file; the file downloads.
    const detail = await t.http().get(`/api/service-orders/${ok.body.id}`).set(staff.auth).expect(200);
    expect(detail.body.files).toEqual([
      { id: mine.id, name: 'RG Maria.pdf', contentType: 'application/pdf', size: pdf.length },
    ]);
    expect(detail.body.fields.map((f: { key: string }) => f.key)).toEqual(ALL_FIELDS.map((f) => f.key));
    await t.http().get(`/api/files/${mine.id}`).set(staff.auth).expect(200);
    // A client with serviceForms but no chat may still attach files to its forms.
    const noChat = await makePortalClient(t, staff, { chat: false, serviceForms: true });
    await upload(noChat.auth);
  });

  it('keeps the version an order was filled with; drafts save partial answers and are cleared on submit', async () => {
    const c = await makePortalClient(t, staff);
    const form = await createForm(staff, {
      title: 'Rescisão',
      fields: [
        { key: 'nome', label: 'Nome', type: 'text', required: true },
        { key: 'cpf', label: 'CPF', type: 'cpf' },
      ],
    });
    // Draft: an unfinished CPF is kept as typed; nothing is required yet.
    const draft = await t
      .http()
      .put(`/api/me/service-drafts/${form.id}`)
      .set(c.auth)
      .send({ answers: { cpf: '529.98' } })
      .expect(200);
    expect(draft.body).toMatchObject({ formId: form.id, formVersion: 1, answers: { cpf: '529.98' } });
    await t
      .http()
      .put(`/api/me/service-drafts/${form.id}`)
      .set(c.auth)
      .send({ answers: { nope: 1 } })
      .expect(400);
    expect((await t.http().get('/api/me/service-drafts').set(c.auth).expect(200)).body.items).toEqual([
      expect.objectContaining({ formId: form.id, answers: { cpf: '529.98' } }),
    ]);
    const v1 = await submit(c, form.id, { nome: 'João', cpf: '52998224725' }).expect(201);
    expect((await t.http().get('/api/me/service-drafts').set(c.auth).expect(200)).body.items).toEqual([]);

    await t
      .http()
      .put(`/api/service-forms/${form.id}`)
      .set(staff.auth)
      .send({
        title: 'Rescisão',
        fields: [
          { key: 'nome', label: 'Nome completo', type: 'text', required: true },
          {
            key: 'motivo',
            label: 'Motivo',
            type: 'select',
            options: ['Pedido', 'Sem justa causa'],
            required: true,
          },
        ],
      })
      .expect(200);
    // The same answers no longer pass: the server checks against version 2 now.
    const again = await submit(c, form.id, { nome: 'João', cpf: '52998224725' }).expect(400);
    expect(again.body.error.details).toEqual([
      { path: 'answers.cpf', message: 'Campo que não existe neste formulário' },
      { path: 'answers.motivo', message: 'Preenchimento obrigatório' },
    ]);
    // The first order still reads with version 1's fields.
    const old = await t.http().get(`/api/me/service-orders/${v1.body.id}`).set(c.auth).expect(200);
    expect(old.body).toMatchObject({ formVersion: 1, answers: { nome: 'João', cpf: '52998224725' } });
    expect(old.body.fields.map((f: { label: string }) => f.label)).toEqual(['Nome', 'CPF']);
    const v2 = await submit(c, form.id, { nome: 'Ana', motivo: 'Pedido' }).expect(201);
    expect(v2.body.formVersion).toBe(2);
  });

  it('follows an order both ways live: sockets, conversation messages counted unread, reply, done', async () => {
    const c = await makePortalClient(t, staff);
    const colleague = await makeStaff(t, staff);
    const form = await createForm(staff, {
      title: 'Emissão de nota',
      fields: [{ key: 'valor', label: 'Valor', type: 'money', required: true }],
      slaDays: 1,
    });
    const staffSocket = await openSocket(t.url, staff.token, sockets);
    const clientSocket = await openSocket(t.url, c.token, sockets);
    const conversationId = c.client.conversationId as string;
    const conv = async () =>
      (await t.http().get(`/api/conversations/${conversationId}`).set(staff.auth).expect(200)).body;
    const before = await conv();

    // Client submits → staff hear of it, and the client's message is unread for the firm.
    const staffHears = waitForEvent<{ order: { number: number; status: string } }>(
      staffSocket,
      'service-order:updated',
    );
    const staffMessage = waitForEvent<Message>(staffSocket, 'message:new');
    const created = (await submit(c, form.id, { valor: 150000 }).expect(201)).body;
    expect((await staffHears).order).toMatchObject({ number: created.number, status: 'open' });
    const opened = await staffMessage;
    expect(opened).toMatchObject({
      sender: { kind: 'client', id: c.client.id },
      serviceOrder: { id: created.id, number: created.number, status: 'open', title: 'Emissão de nota' },
    });
    expect(created.dueDate).toBe(addBusinessDays(todayInBrazil(), 1));
    expect((await conv()).unreadForStaff).toBe(before.unreadForStaff + 1);

    // Staff assign (internal) and move it: the client sees the change live and in the chat.
    const clientHears = waitForEvent<{ order: { status: string } }>(clientSocket, 'service-order:updated');
    const clientMessage = waitForEvent<Message>(clientSocket, 'message:new');
    const moved = await t
      .http()
      .patch(`/api/service-orders/${created.id}`)
      .set(staff.auth)
      .send({ status: 'in_progress', assigneeId: colleague.user.id })
      .expect(200);
    expect(moved.body).toMatchObject({ status: 'in_progress', assigneeId: colleague.user.id });
    const heard = (await clientHears).order as { status: string; assigneeId: string | null };
    expect(heard).toMatchObject({ status: 'in_progress', assigneeId: null });
    const system = await clientMessage;
    expect(system).toMatchObject({
      sender: { kind: 'system' },
      serviceOrder: { id: created.id, status: 'in_progress' },
    });
    expect(system.text).toContain('agora está em andamento.');
    expect((await conv()).pendingForClient).toBe(before.pendingForClient + 1);

    // Staff ask for information; the client answers with a file → back to em andamento.
    const asked = waitForEvent<Message>(clientSocket, 'message:new');
    await t
      .http()
      .patch(`/api/service-orders/${created.id}`)
      .set(staff.auth)
      .send({ status: 'waiting_client', note: 'Envie o contrato do tomador, por favor.' })
      .expect(200);
    expect((await asked).text).toContain('Envie o contrato do tomador');
    expect((await conv()).pendingForClient).toBe(before.pendingForClient + 2);
    const file = await upload(c.auth, 'contrato.pdf');
    const replyHeard = waitForEvent<Message>(staffSocket, 'message:new');
    const replied = await t
      .http()
      .post(`/api/me/service-orders/${created.id}/reply`)
      .set(c.auth)
      .send({ note: 'Segue o contrato.', fileIds: [file.id] })
      .expect(200);
    expect(replied.body.status).toBe('in_progress');
    const reply = await replyHeard;
    expect(reply).toMatchObject({
      sender: { kind: 'client' },
      attachments: [expect.objectContaining({ id: file.id })],
    });

    // Done: the client sees it live; its history tells the whole story, without the internal assignment.
    const doneHeard = waitForEvent<{ order: { status: string } }>(clientSocket, 'service-order:updated');
    await t
      .http()
      .patch(`/api/service-orders/${created.id}`)
      .set(staff.auth)
      .send({ status: 'done', note: 'Nota emitida.' })
      .expect(200);
    expect((await doneHeard).order.status).toBe('done');
    const mine = await t.http().get(`/api/me/service-orders/${created.id}`).set(c.auth).expect(200);
    expect(mine.body.status).toBe('done');
    expect(mine.body.assigneeId).toBeNull();
    expect(
      mine.body.timeline.map((e: { event: string; status: string }) => `${e.event}:${e.status}`),
    ).toEqual([
      'opened:open',
      'status:in_progress',
      'status:waiting_client',
      'reply:in_progress',
      'status:done',
    ]);
    expect(mine.body.files.map((f: { id: string }) => f.id)).toEqual([file.id]);
    const full = await t.http().get(`/api/service-orders/${created.id}`).set(staff.auth).expect(200);
    expect(full.body.timeline.map((e: { event: string }) => e.event)).toContain('assigned');
    expect(full.body.timeline[1].by).toMatchObject({ kind: 'staff', id: staff.user.id });
    // A closed order takes no reply; only an untouched one can be withdrawn by the client.
    await t
      .http()
      .post(`/api/me/service-orders/${created.id}/reply`)
      .set(c.auth)
      .send({ note: 'oi' })
      .expect(409);
    await t.http().post(`/api/me/service-orders/${created.id}/cancel`).set(c.auth).expect(409);
    const second = (await submit(c, form.id, { valor: 1 }).expect(201)).body;
    const cancelled = await t
      .http()
      .post(`/api/me/service-orders/${second.id}/cancel`)
      .set(c.auth)
      .expect(200);
    expect(cancelled.body.status).toBe('cancelled');
    // History, like any message, reaches a reconnecting client through the conversation.
    const history = await t
      .http()
      .get(`/api/conversations/${conversationId}/messages`)
      .set(c.auth)
      .expect(200);
    expect(history.body.items.filter((m: Message) => m.serviceOrder?.id === created.id)).toHaveLength(5);
  });

  it('lets the firm open an order for a client; lists with filters, counts and overdue', async () => {
    const c = await makePortalClient(t, staff);
    const other2 = await makePortalClient(t, staff);
    const form = await createForm(staff, {
      title: 'Alteração contratual',
      fields: [{ key: 'desc', label: 'Descrição', type: 'longtext', required: true }],
      slaDays: 10,
    });
    const heard = openSocket(t.url, c.token, sockets).then((s) =>
      waitForEvent<{ order: { origin: string } }>(s, 'service-order:updated'),
    );
    await new Promise((r) => setTimeout(r, 200));
    const byFirm = await t
      .http()
      .post('/api/service-orders')
      .set(staff.auth)
      .send({ clientId: c.client.id, title: 'DEFIS 2026', note: 'Vamos preparar sua DEFIS.' })
      .expect(201);
    expect(byFirm.body).toMatchObject({ origin: 'firm', status: 'open', formId: null, dueDate: null });
    expect((await heard).order.origin).toBe('firm');
    const withForm = await t
      .http()
      .post('/api/service-orders')
      .set(staff.auth)
      .send({
        clientId: c.client.id,
        title: 'Mudança de endereço',
        formId: form.id,
        answers: { desc: 'Rua Nova, 10' },
      })
      .expect(201);
    expect(withForm.body.dueDate).toBe(addBusinessDays(todayInBrazil(), 10));
    const missing = await t
      .http()
      .post('/api/service-orders')
      .set(staff.auth)
      .send({ clientId: c.client.id, title: 'X', formId: form.id, answers: {} })
      .expect(400);
    expect(missing.body.error.details).toEqual([
      { path: 'answers.desc', message: 'Preenchimento obrigatório' },
    ]);
    const late = await t
      .http()
      .post('/api/service-orders')
      .set(staff.auth)
      .send({
        clientId: other2.client.id,
        title: 'Atrasada',
        dueDate: '2026-01-05',
        assigneeId: staff.user.id,
      })
      .expect(201);
    expect(late.body.overdue).toBe(true);
    // What the firm opened, the firm closes: the client can't withdraw it.
    await t.http().post(`/api/me/service-orders/${byFirm.body.id}/cancel`).set(c.auth).expect(409);
    // The client's Início and Serviços list them (newest first).
    const mine = (await t.http().get('/api/me/service-orders').set(c.auth).expect(200)).body.items;
    expect(mine.map((o: { title: string }) => o.title)).toEqual(['Mudança de endereço', 'DEFIS 2026']);
    // Order numbers are sequential in the firm.
    expect(withForm.body.number).toBe(byFirm.body.number + 1);

    const list = (q: Record<string, string>) =>
      t.http().get('/api/service-orders').query(q).set(staff.auth).expect(200);
    const byClient = (await list({ clientId: c.client.id })).body;
    expect(byClient.total).toBe(2);
    expect(byClient.counts).toEqual({ open: 2, in_progress: 0, waiting_client: 0, done: 0, cancelled: 0 });
    expect((await list({ formId: form.id })).body.items.map((o: { id: string }) => o.id)).toEqual([
      withForm.body.id,
    ]);
    expect((await list({ assigneeId: staff.user.id })).body.items.map((o: { id: string }) => o.id)).toEqual([
      late.body.id,
    ]);
    const unassigned = (await list({ assigneeId: 'none', clientId: c.client.id })).body;
    expect(unassigned.total).toBe(2);
    const overdue = (await list({ overdue: 'true' })).body;
    expect(overdue.items.map((o: { id: string }) => o.id)).toEqual([late.body.id]);
    expect(overdue.overdueCount).toBeGreaterThanOrEqual(1);
    await t
      .http()
      .patch(`/api/service-orders/${late.body.id}`)
      .set(staff.auth)
      .send({ status: 'done' })
      .expect(200);
    expect((await list({ overdue: 'true' })).body.items).toEqual([]);
    expect((await list({ status: 'done', clientId: other2.client.id })).body.items[0].overdue).toBe(false);
    await t.http().get('/api/service-orders').query({ status: 'nope' }).set(staff.auth).expect(400);

    // The list reads the firm's order index; one lost (or from before it existed) is rebuilt
    // from the orders, and changes after that keep it right.
    const everything = (await list({})).body;
    const db = mongoose.connections.find((c) => c.name === t.config.MONGO_URL.split('/').pop())!;
    const lost = await db.collection('service_order_index').deleteOne({ _id: staff.firm.id } as never);
    expect(lost.deletedCount).toBe(1);
    const rebuilt = (await list({})).body;
    expect(rebuilt.total).toBe(everything.total);
    expect(rebuilt.counts).toEqual(everything.counts);
    expect(rebuilt.items.map((o: { id: string }) => o.id)).toEqual(
      everything.items.map((o: { id: string }) => o.id),
    );
    await t
      .http()
      .patch(`/api/service-orders/${byFirm.body.id}`)
      .set(staff.auth)
      .send({ status: 'in_progress' })
      .expect(200);
    expect(
      (await list({ status: 'in_progress', clientId: c.client.id })).body.items.map(
        (o: { id: string }) => o.id,
      ),
    ).toEqual([byFirm.body.id]);
  });

  it('keeps firms apart and read-only sessions read-only', async () => {
    const c = await makePortalClient(t, staff);
    const form = await createForm(staff, {
      title: 'Do escritório A',
      fields: [{ key: 'x', label: 'X', type: 'text' }],
    });
    const order = (await submit(c, form.id, { x: 'a' }).expect(201)).body;
    const foreignClient = await makePortalClient(t, other);
    // Other firm's staff: nothing of firm A exists.
    await t.http().get(`/api/service-orders/${order.id}`).set(other.auth).expect(404);
    await t
      .http()
      .patch(`/api/service-orders/${order.id}`)
      .set(other.auth)
      .send({ status: 'done' })
      .expect(404);
    await t.http().get(`/api/service-forms/${form.id}`).set(other.auth).expect(404);
    await t
      .http()
      .put(`/api/service-forms/${form.id}`)
      .set(other.auth)
      .send({ title: 'x', fields: [{ key: 'x', label: 'X', type: 'text' }] })
      .expect(404);
    await t
      .http()
      .post('/api/service-orders')
      .set(other.auth)
      .send({ clientId: c.client.id, title: 'x' })
      .expect(404);
    expect(
      (await t.http().get('/api/service-orders').set(other.auth).expect(200)).body.items.map(
        (o: { id: string }) => o.id,
      ),
    ).not.toContain(order.id);
    // Other firm's client: can't see or use firm A's forms or orders.
    await submit(foreignClient, form.id, { x: 'a' }).expect(404);
    await t.http().get(`/api/me/service-orders/${order.id}`).set(foreignClient.auth).expect(404);
    await t
      .http()
      .put(`/api/me/service-drafts/${form.id}`)
      .set(foreignClient.auth)
      .send({ answers: {} })
      .expect(404);
    // Another client of the same firm: not its order.
    const neighbour = await makePortalClient(t, staff);
    await t.http().get(`/api/me/service-orders/${order.id}`).set(neighbour.auth).expect(404);
    await t
      .http()
      .post(`/api/me/service-orders/${order.id}/reply`)
      .set(neighbour.auth)
      .send({ note: 'x' })
      .expect(404);
    // Staff looking as the client: reads, never writes.
    const imp = await t.http().post(`/api/clients/${c.client.id}/impersonate`).set(staff.auth).expect(200);
    const impAuth = { Authorization: `Bearer ${imp.body.token}` };
    await t.http().get('/api/me/service-orders').set(impAuth).expect(200);
    const ro = await t
      .http()
      .post('/api/me/service-orders')
      .set(impAuth)
      .send({ formId: form.id, answers: { x: 'b' } })
      .expect(403);
    expect(ro.body.error.code).toBe('READ_ONLY_SESSION');
    // Staff only: a client token can't reach the staff routes.
    await t.http().get('/api/service-orders').set(c.auth).expect(403);
  });

  it('gives concurrent orders distinct consecutive numbers and loses no concurrent change', async () => {
    const c = await makePortalClient(t, staff);
    const form = await createForm(staff, {
      title: 'Rápido',
      fields: [{ key: 'x', label: 'X', type: 'text' }],
    });
    const made = await Promise.all(
      Array.from({ length: 8 }, (_, i) => submit(c, form.id, { x: String(i) }).expect(201)),
    );
    const numbers = made.map((r) => r.body.number as number).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 8 }, (_, i) => numbers[0] + i));
    const id = made[0].body.id;
    await Promise.all(
      ['Primeira nota', 'Segunda nota', 'Terceira nota'].map((note) =>
        t.http().patch(`/api/service-orders/${id}`).set(staff.auth).send({ note }).expect(200),
      ),
    );
    const detail = await t.http().get(`/api/service-orders/${id}`).set(staff.auth).expect(200);
    expect(
      detail.body.timeline
        .filter((e: { event: string }) => e.event === 'note')
        .map((e: { note: string }) => e.note)
        .sort(),
    ).toEqual(['Primeira nota', 'Segunda nota', 'Terceira nota']);
  });
});
