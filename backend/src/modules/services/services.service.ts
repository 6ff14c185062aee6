import { Injectable } from '@nestjs/common';
import { Types } from 'mongoose';
import type { z } from 'zod';
import {
  addBusinessDays,
  type AnswerIssue,
  checkAnswers,
  CLOSED_STATUSES,
  orderForClient,
  ErrorCode,
  type FormField,
  type ServiceDraft,
  type ServiceForm,
  type ServiceOrder,
  type ServiceOrderDetail,
  type ServiceOrderListResponse,
  SERVICE_ORDER_STATUS_LABELS,
  SERVICE_ORDER_STATUSES,
  type ServiceOrderStatus,
  todayInBrazil,
  type createServiceOrderRequestSchema,
  type listServiceOrdersQuerySchema,
  type replyServiceOrderRequestSchema,
  type serviceFormRequestSchema,
  type updateServiceOrderRequestSchema,
} from '../../contract/index.js';
import { AppError, notFound, validationFailed } from '../../common/errors.js';
import { EventBus } from '../../common/event-bus.js';
import type { ClientPrincipal, StaffPrincipal } from '../auth/principal.js';
import { ChatService } from '../chat/chat.service.js';
import type { ClientDoc } from '../clients/client.schema.js';
import { ClientsService } from '../clients/clients.service.js';
import { FilesService, type StoredFile } from '../files/files.service.js';
import type { MessageDoc } from '../chat/message.schema.js';
import { StaffService } from '../staff/staff.service.js';
import { Locks } from './locks.js';
import { ServicesRepository } from './services.repository.js';
import type { ServiceFormDoc, ServiceOrderDoc, TimelineDoc } from './services.schema.js';

type FormInput = z.output<typeof serviceFormRequestSchema>;
type CreateInput = z.output<typeof createServiceOrderRequestSchema>;
type UpdateInput = z.output<typeof updateServiceOrderRequestSchema>;
type ReplyInput = z.output<typeof replyServiceOrderRequestSchema>;
type ListQuery = z.output<typeof listServiceOrdersQuerySchema>;

const oid = (id: string) => new Types.ObjectId(id);
const SYSTEM_SENDER = { kind: 'system' as const, id: 'service-orders', name: 'Ordens de serviço' };
/** Orders a client lists at most (portal, Início). */
const CLIENT_ORDERS_LIMIT = 200;

function toForm(doc: ServiceFormDoc): ServiceForm {
  return {
    id: String(doc._id),
    title: doc.title,
    description: doc.description ?? '',
    fields: doc.fields.map(toField),
    version: doc.version,
    audience: doc.audience,
    clientIds: (doc.clientIds ?? []).map(String),
    slaDays: doc.slaDays ?? null,
    active: doc.active,
    updatedAt: doc.updatedAt.toISOString(),
  };
}

function toField(f: FormField): FormField {
  return {
    key: f.key,
    label: f.label,
    type: f.type,
    required: !!f.required,
    help: f.help ?? '',
    options: [...(f.options ?? [])],
  };
}

function isOverdue(doc: Pick<ServiceOrderDoc, 'status' | 'dueDate'>, today: string): boolean {
  return !!doc.dueDate && doc.dueDate < today && !CLOSED_STATUSES.includes(doc.status);
}

function toOrder(doc: ServiceOrderDoc, today = todayInBrazil()): ServiceOrder {
  return {
    id: String(doc._id),
    number: doc.number,
    formId: doc.formId ? String(doc.formId) : null,
    formVersion: doc.formVersion ?? null,
    title: doc.title,
    clientId: String(doc.clientId),
    status: doc.status,
    assigneeId: doc.assigneeId ? String(doc.assigneeId) : null,
    answers: doc.answers ?? {},
    dueDate: doc.dueDate ?? null,
    origin: doc.origin,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
    overdue: isOverdue(doc, today),
    clientName: doc.clientName,
  };
}

/** `OS nº 12 — Admissão de funcionário` */
const label = (o: Pick<ServiceOrderDoc, 'number' | 'title'>) => `OS nº ${o.number} — ${o.title}`;

@Injectable()
export class ServicesService {
  constructor(
    private readonly repo: ServicesRepository,
    private readonly clients: ClientsService,
    private readonly staff: StaffService,
    private readonly files: FilesService,
    private readonly chat: ChatService,
    private readonly events: EventBus,
    private readonly locks: Locks,
  ) {}

  // ---- forms (staff) ----

  /** The chosen clients, checked against the firm's client directory (one read). */
  private async checkAudience(firmId: string, input: FormInput): Promise<Types.ObjectId[]> {
    if (input.audience === 'all') return [];
    const ids = [...new Set(input.clientIds)];
    const known = new Set(await this.clients.idsOf(firmId));
    const missing = ids.filter((id) => !known.has(id));
    if (missing.length) {
      throw validationFailed(
        'Cliente não encontrado no escritório',
        missing.map((id) => ({ path: `clientIds.${ids.indexOf(id)}`, message: 'cliente não encontrado' })),
      );
    }
    return ids.map(oid);
  }

  async createForm(caller: StaffPrincipal, input: FormInput): Promise<ServiceForm> {
    const clientIds = await this.checkAudience(caller.firmId, input);
    const now = new Date();
    const doc: ServiceFormDoc = {
      _id: new Types.ObjectId(),
      firmId: oid(caller.firmId),
      title: input.title,
      description: input.description,
      fields: input.fields.map(toField),
      version: 1,
      audience: input.audience,
      clientIds,
      slaDays: input.slaDays,
      active: input.active,
      createdAt: now,
      updatedAt: now,
    };
    await this.repo.insertForm(doc);
    return toForm(doc);
  }

  async updateForm(caller: StaffPrincipal, formId: string, input: FormInput): Promise<ServiceForm> {
    const before = await this.repo.findForm(caller.firmId, formId);
    if (!before) throw notFound('Service form');
    const clientIds = await this.checkAudience(caller.firmId, input);
    const doc: ServiceFormDoc = {
      ...before,
      title: input.title,
      description: input.description,
      fields: input.fields.map(toField),
      version: before.version + 1,
      audience: input.audience,
      clientIds,
      slaDays: input.slaDays,
      active: input.active,
      updatedAt: new Date(),
    };
    if (!(await this.repo.replaceForm(doc))) {
      throw new AppError(
        409,
        ErrorCode.Conflict,
        'Outra pessoa salvou este formulário agora mesmo. Recarregue para ver a versão nova.',
      );
    }
    return toForm(doc);
  }

  async forms(caller: StaffPrincipal): Promise<{ items: ServiceForm[] }> {
    return { items: (await this.repo.listForms(caller.firmId)).map(toForm) };
  }

  async form(caller: StaffPrincipal, formId: string): Promise<ServiceForm> {
    const doc = await this.repo.findForm(caller.firmId, formId);
    if (!doc) throw notFound('Service form');
    return toForm(doc);
  }

  // ---- forms and drafts (client) ----

  private offered(form: ServiceFormDoc, clientId: string): boolean {
    return form.active && (form.audience === 'all' || form.clientIds.some((id) => String(id) === clientId));
  }

  private async offeredForm(caller: ClientPrincipal, formId: string): Promise<ServiceFormDoc> {
    const form = await this.repo.findForm(caller.firmId, formId);
    if (!form || !this.offered(form, caller.clientId)) throw notFound('Service form');
    return form;
  }

  async myForms(caller: ClientPrincipal): Promise<{ items: ServiceForm[] }> {
    const forms = await this.repo.listForms(caller.firmId);
    // The client sees which forms it is offered, not who else is.
    return {
      items: forms
        .filter((f) => this.offered(f, caller.clientId))
        .map((f) => ({ ...toForm(f), clientIds: [] })),
    };
  }

  async myDrafts(caller: ClientPrincipal): Promise<{ items: ServiceDraft[] }> {
    const offered = (await this.repo.listForms(caller.firmId)).filter((f) =>
      this.offered(f, caller.clientId),
    );
    const drafts = await this.repo.listDrafts(
      caller.firmId,
      caller.clientId,
      offered.map((f) => String(f._id)),
    );
    return {
      items: drafts.map((d) => ({
        formId: String(d.formId),
        formVersion: d.formVersion,
        answers: d.answers ?? {},
        updatedAt: d.updatedAt.toISOString(),
      })),
    };
  }

  async saveDraft(
    caller: ClientPrincipal,
    formId: string,
    answers: Record<string, unknown>,
  ): Promise<ServiceDraft> {
    const form = await this.offeredForm(caller, formId);
    const checked = checkAnswers(form.fields, answers, { partial: true });
    if (checked.issues.length) throw invalidAnswers(checked.issues);
    const updatedAt = new Date();
    await this.repo.saveDraft({
      _id: `${caller.clientId}:${formId}`,
      firmId: oid(caller.firmId),
      clientId: oid(caller.clientId),
      formId: form._id,
      formVersion: form.version,
      answers: checked.answers,
      updatedAt,
    });
    return {
      formId,
      formVersion: form.version,
      answers: checked.answers,
      updatedAt: updatedAt.toISOString(),
    };
  }

  deleteDraft(caller: ClientPrincipal, formId: string): Promise<void> {
    return this.repo.deleteDraft(caller.clientId, formId);
  }

  // ---- orders ----

  /**
   * Checks the answers against the form's fields and the files they name: a client may name
   * only files it uploaded (or that were shared in its conversation); staff, any of the firm's.
   */
  private async checkOrderAnswers(
    caller: StaffPrincipal | ClientPrincipal,
    fields: FormField[],
    answers: Record<string, unknown>,
    conversationId: string | null,
  ): Promise<{ answers: Record<string, unknown>; files: string[] }> {
    const checked = checkAnswers(fields, answers);
    const issues = [...checked.issues];
    const fileKeys = fields.filter((f) => f.type === 'file' && typeof checked.answers[f.key] === 'string');
    const ids = fileKeys.map((f) => checked.answers[f.key] as string);
    const usable = await this.usableFiles(caller, ids, conversationId);
    for (const f of fileKeys) {
      if (!usable.has(checked.answers[f.key] as string))
        issues.push({ path: `answers.${f.key}`, message: 'Arquivo não encontrado: anexe-o de novo' });
    }
    if (issues.length) throw invalidAnswers(issues);
    return { answers: checked.answers, files: ids };
  }

  private async usableFiles(
    caller: StaffPrincipal | ClientPrincipal,
    ids: string[],
    conversationId: string | null,
  ): Promise<Map<string, StoredFile>> {
    if (ids.length === 0) return new Map();
    const found = await this.files.findMany(caller.firmId, [...new Set(ids)]);
    const ok = found.filter(
      (f) =>
        caller.kind === 'staff' ||
        (f.meta.uploader.kind === 'client' && f.meta.uploader.id === caller.clientId) ||
        (!!conversationId && f.meta.conversationId === conversationId),
    );
    return new Map(ok.map((f) => [f.id, f]));
  }

  private async mustClient(firmId: string, clientId: string): Promise<ClientDoc> {
    const client = await this.clients.findById(firmId, clientId);
    if (!client) throw notFound('Client');
    return client;
  }

  async submit(
    caller: ClientPrincipal,
    input: { formId: string; answers: Record<string, unknown> },
  ): Promise<ServiceOrder> {
    const form = await this.offeredForm(caller, input.formId);
    const client = await this.mustClient(caller.firmId, caller.clientId);
    const conversationId = await this.clients.conversationOf(client);
    const { answers, files } = await this.checkOrderAnswers(
      caller,
      form.fields,
      input.answers,
      conversationId,
    );
    const today = todayInBrazil();
    const order = await this.insertOrder({
      client,
      form,
      title: form.title,
      answers,
      dueDate: form.slaDays ? addBusinessDays(today, form.slaDays) : null,
      origin: 'client',
      assigneeId: null,
      by: { kind: 'client', id: caller.clientId, name: client.name },
      note: null,
    });
    await this.files.attachToConversation(caller.firmId, files, conversationId);
    await this.repo.deleteDraft(caller.clientId, input.formId);
    await this.post(order, client, conversationId, {
      sender: { kind: 'client', id: caller.clientId, name: client.name },
      key: 'opened',
      text: `Nova solicitação: ${label(order)}`,
    });
    return this.publish(order, client);
  }

  async create(caller: StaffPrincipal, input: CreateInput): Promise<ServiceOrder> {
    const client = await this.mustClient(caller.firmId, input.clientId);
    let form: ServiceFormDoc | null = null;
    if (input.formId) {
      form = await this.repo.findForm(caller.firmId, input.formId);
      if (!form) throw notFound('Service form');
    }
    if (input.assigneeId) await this.mustStaff(caller.firmId, input.assigneeId);
    const conversationId = await this.clients.conversationOf(client);
    let answers: Record<string, unknown> = {};
    let files: string[] = [];
    if (form)
      ({ answers, files } = await this.checkOrderAnswers(caller, form.fields, input.answers ?? {}, null));
    else if (input.answers && Object.keys(input.answers).length)
      throw invalidAnswers([{ path: 'answers', message: 'Respostas só com um formulário escolhido' }]);
    const today = todayInBrazil();
    const order = await this.insertOrder({
      client,
      form,
      title: input.title,
      answers,
      dueDate: input.dueDate ?? (form?.slaDays ? addBusinessDays(today, form.slaDays) : null),
      origin: 'firm',
      assigneeId: input.assigneeId ?? null,
      by: { kind: 'staff', id: caller.staffId, name: caller.name },
      note: input.note ?? null,
    });
    // The client may read what the firm attached to its order.
    await this.files.attachToConversation(caller.firmId, files, conversationId);
    await this.post(order, client, conversationId, {
      sender: SYSTEM_SENDER,
      key: 'opened',
      text: `O escritório abriu a ${label(order)}${input.note ? `\n${input.note}` : ''}`,
    });
    return this.publish(order, client);
  }

  private async insertOrder(o: {
    client: ClientDoc;
    form: ServiceFormDoc | null;
    title: string;
    answers: Record<string, unknown>;
    dueDate: string | null;
    origin: 'client' | 'firm';
    assigneeId: string | null;
    by: TimelineDoc['by'];
    note: string | null;
  }): Promise<ServiceOrderDoc> {
    const number = await this.repo.nextOrderNumber(String(o.client.firmId));
    const now = new Date();
    const doc: ServiceOrderDoc = {
      _id: new Types.ObjectId(),
      firmId: o.client.firmId,
      clientId: o.client._id,
      clientName: o.client.name,
      number,
      formId: o.form?._id ?? null,
      formVersion: o.form?.version ?? null,
      title: o.title,
      status: 'open',
      assigneeId: o.assigneeId ? oid(o.assigneeId) : null,
      answers: o.answers,
      dueDate: o.dueDate,
      origin: o.origin,
      timeline: [{ at: now, by: o.by, event: 'opened', status: 'open', note: o.note }],
      createdAt: now,
      updatedAt: now,
    };
    await this.repo.insertOrder(doc);
    return doc;
  }

  private async mustStaff(firmId: string, staffId: string): Promise<void> {
    if (!(await this.staff.findById(firmId, staffId))) {
      throw validationFailed('Pessoa da equipe não encontrada', [
        { path: 'assigneeId', message: 'pessoa da equipe não encontrada' },
      ]);
    }
  }

  async list(caller: StaffPrincipal, q: ListQuery): Promise<ServiceOrderListResponse> {
    const today = todayInBrazil();
    const { items, total, counts, overdue } = await this.repo.listOrders(
      caller.firmId,
      {
        status: q.status,
        clientId: q.clientId,
        assigneeId: q.assigneeId,
        formId: q.formId,
        overdueOnly: q.overdue === 'true',
      },
      today,
      { skip: (q.page - 1) * q.pageSize, limit: q.pageSize },
    );
    // Names as they are now (a client renamed since its order was opened), by _id.
    const clients = await this.clients.findEachById(caller.firmId, [
      ...new Set(items.map((o) => String(o.clientId))),
    ]);
    const names = new Map(clients.map((c) => [String(c._id), c.name]));
    return {
      items: items.map((o) =>
        toOrder({ ...o, clientName: names.get(String(o.clientId)) ?? o.clientName }, today),
      ),
      total,
      counts: Object.fromEntries(SERVICE_ORDER_STATUSES.map((s) => [s, counts[s] ?? 0])) as Record<
        ServiceOrderStatus,
        number
      >,
      overdueCount: overdue,
    };
  }

  async get(caller: StaffPrincipal, orderId: string): Promise<ServiceOrderDetail> {
    const order = await this.repo.findOrder(caller.firmId, orderId);
    if (!order) throw notFound('Service order');
    return this.detail(order, 'staff');
  }

  async myOrders(caller: ClientPrincipal): Promise<{ items: ServiceOrder[] }> {
    const today = todayInBrazil();
    const docs = await this.repo.listClientOrders(caller.firmId, caller.clientId, CLIENT_ORDERS_LIMIT);
    return { items: docs.map((o) => orderForClient(toOrder(o, today))) };
  }

  async myOrder(caller: ClientPrincipal, orderId: string): Promise<ServiceOrderDetail> {
    return this.detail(await this.mustOwnOrder(caller, orderId), 'client');
  }

  private async mustOwnOrder(caller: ClientPrincipal, orderId: string): Promise<ServiceOrderDoc> {
    const order = await this.repo.findOrder(caller.firmId, orderId);
    if (!order || String(order.clientId) !== caller.clientId) throw notFound('Service order');
    return order;
  }

  /** The order with its form version, files and history; `known` when the caller already read the client. */
  private async detail(
    order: ServiceOrderDoc,
    side: 'staff' | 'client',
    known?: ClientDoc,
  ): Promise<ServiceOrderDetail> {
    const [version, client] = await Promise.all([
      order.formId
        ? this.repo.findVersion(String(order.firmId), String(order.formId), order.formVersion ?? 0)
        : null,
      known ?? this.clients.findById(String(order.firmId), String(order.clientId)),
    ]);
    const fields = (version?.fields ?? []).map(toField);
    const fileIds = [
      ...fields
        .filter((f) => f.type === 'file' && typeof order.answers[f.key] === 'string')
        .map((f) => order.answers[f.key] as string),
      ...order.timeline.flatMap((t) => t.fileIds ?? []),
    ];
    const files = fileIds.length
      ? await this.files.findMany(String(order.firmId), [...new Set(fileIds)])
      : [];
    const timeline = order.timeline
      .filter((t) => side === 'staff' || t.event !== 'assigned')
      .map((t) => ({
        at: t.at.toISOString(),
        by: { kind: t.by.kind, id: t.by.id, name: t.by.name },
        status: t.status,
        note: t.note ?? null,
        event: t.event,
        ...(side === 'staff' && t.event === 'assigned' ? { assigneeId: t.assigneeId ?? null } : {}),
        ...(t.fileIds?.length ? { fileIds: t.fileIds } : {}),
      }));
    const base = toOrder(order);
    return {
      ...(side === 'client' ? orderForClient(base) : base),
      timeline,
      fields,
      files: files.map((f) => ({ id: f.id, name: f.name, contentType: f.meta.contentType, size: f.size })),
      conversationId: client?.conversationId ? String(client.conversationId) : null,
    };
  }

  /**
   * Reads an order, decides a change from what it holds and applies it, under the order's
   * lock (Redis, every node): two changes at once run one after the other, each deciding on
   * what the other left, and no timeline entry is lost.
   */
  private async change(
    orderId: string,
    read: () => Promise<ServiceOrderDoc>,
    decide: (order: ServiceOrderDoc) => Promise<{
      set: Partial<Pick<ServiceOrderDoc, 'status' | 'assigneeId'>>;
      entries: TimelineDoc[];
    } | null>,
  ): Promise<{ after: ServiceOrderDoc; entries: TimelineDoc[] }> {
    return this.locks.with(`service-order:${orderId}`, async () => {
      const before = await read();
      const change = await decide(before);
      if (!change) return { after: before, entries: [] };
      const after = await this.repo.updateOrder(before, change.set, change.entries);
      if (!after) throw notFound('Service order');
      return { after, entries: change.entries };
    });
  }

  async update(caller: StaffPrincipal, orderId: string, input: UpdateInput): Promise<ServiceOrder> {
    if (input.assigneeId) await this.mustStaff(caller.firmId, input.assigneeId);
    const by = { kind: 'staff' as const, id: caller.staffId, name: caller.name };
    const { after, entries } = await this.change(
      orderId,
      async () => {
        const order = await this.repo.findOrder(caller.firmId, orderId);
        if (!order) throw notFound('Service order');
        return order;
      },
      async (order) => {
        const at = new Date();
        const entries: TimelineDoc[] = [];
        const set: Partial<Pick<ServiceOrderDoc, 'status' | 'assigneeId'>> = {};
        const note = input.note ?? null;
        if (input.status !== undefined && input.status !== order.status) {
          set.status = input.status;
          entries.push({ at, by, event: 'status', status: input.status, note });
        } else if (note) {
          entries.push({ at, by, event: 'note', status: order.status, note });
        }
        const assignee = input.assigneeId;
        if (assignee !== undefined && String(order.assigneeId ?? null) !== String(assignee)) {
          set.assigneeId = assignee ? oid(assignee) : null;
          entries.push({
            at,
            by,
            event: 'assigned',
            status: set.status ?? order.status,
            note: null,
            assigneeId: assignee,
          });
        }
        return entries.length ? { set, entries } : null;
      },
    );
    if (entries.length === 0) return toOrder(after);
    const client = await this.mustClient(caller.firmId, String(after.clientId));
    const toClient = entries.find((e) => e.event === 'status' || e.event === 'note');
    if (toClient) {
      const conversationId = await this.clients.conversationOf(client);
      await this.post(after, client, conversationId, {
        sender: SYSTEM_SENDER,
        key: String(after.timeline.length),
        text: this.changeText(after, toClient),
      });
    }
    return this.publish(after, client);
  }

  private changeText(order: ServiceOrderDoc, entry: TimelineDoc): string {
    const note = entry.note ? `\n${entry.note}` : '';
    if (entry.event === 'note') return `Mensagem sobre a ${label(order)}:${note}`;
    if (entry.status === 'waiting_client')
      return `O escritório precisa de informações suas na ${label(order)}.${note}`;
    return `${label(order)}: agora está ${SERVICE_ORDER_STATUS_LABELS[entry.status].toLowerCase()}.${note}`;
  }

  async reply(caller: ClientPrincipal, orderId: string, input: ReplyInput): Promise<ServiceOrderDetail> {
    const client = await this.mustClient(caller.firmId, caller.clientId);
    const conversationId = await this.clients.conversationOf(client);
    const usable = await this.usableFiles(caller, input.fileIds, conversationId);
    const missing = input.fileIds.findIndex((id) => !usable.has(id));
    if (missing >= 0) {
      throw validationFailed('Arquivo não encontrado: anexe-o de novo', [
        { path: `fileIds.${missing}`, message: 'Arquivo não encontrado: anexe-o de novo' },
      ]);
    }
    const by = { kind: 'client' as const, id: caller.clientId, name: client.name };
    const { after } = await this.change(
      orderId,
      () => this.mustOwnOrder(caller, orderId),
      async (order) => {
        if (CLOSED_STATUSES.includes(order.status))
          throw new AppError(409, ErrorCode.Conflict, 'Esta solicitação já foi encerrada.');
        // Answering what the firm asked puts the order back in the firm's hands.
        const status: ServiceOrderStatus = order.status === 'waiting_client' ? 'in_progress' : order.status;
        return {
          set: { status },
          entries: [
            {
              at: new Date(),
              by,
              event: 'reply',
              status,
              note: input.note || null,
              ...(input.fileIds.length ? { fileIds: input.fileIds } : {}),
            },
          ],
        };
      },
    );
    await this.files.attachToConversation(caller.firmId, input.fileIds, conversationId);
    await this.post(after, client, conversationId, {
      sender: by,
      key: String(after.timeline.length),
      text: `Resposta sobre a ${label(after)}${input.note ? `:\n${input.note}` : ''}`,
      attachments: input.fileIds.map((id) => {
        const f = usable.get(id)!;
        return { id: f.id, name: f.name, contentType: f.meta.contentType, size: f.size };
      }),
    });
    await this.publish(after, client);
    return this.detail(after, 'client', client);
  }

  async cancelMine(caller: ClientPrincipal, orderId: string): Promise<ServiceOrderDetail> {
    const client = await this.mustClient(caller.firmId, caller.clientId);
    const by = { kind: 'client' as const, id: caller.clientId, name: client.name };
    const { after, entries } = await this.change(
      orderId,
      () => this.mustOwnOrder(caller, orderId),
      async (order) => {
        if (order.status === 'cancelled') return null;
        if (order.origin !== 'client')
          throw new AppError(
            409,
            ErrorCode.Conflict,
            'Esta ordem foi aberta pelo escritório: fale com ele pelo chat.',
          );
        if (order.status !== 'open')
          throw new AppError(
            409,
            ErrorCode.Conflict,
            'O escritório já começou esta solicitação: peça o cancelamento pelo chat.',
          );
        return {
          set: { status: 'cancelled' },
          entries: [{ at: new Date(), by, event: 'status', status: 'cancelled', note: null }],
        };
      },
    );
    if (entries.length) {
      const conversationId = await this.clients.conversationOf(client);
      await this.post(after, client, conversationId, {
        sender: by,
        key: String(after.timeline.length),
        text: `Cancelei a solicitação ${label(after)}.`,
      });
      await this.publish(after, client);
    }
    return this.detail(after, 'client', client);
  }

  /** The order's message in the conversation: a card linking to it, counted in unread. */
  private async post(
    order: ServiceOrderDoc,
    client: ClientDoc,
    conversationId: string,
    m: { sender: MessageDoc['sender']; key: string; text: string; attachments?: MessageDoc['attachments'] },
  ): Promise<void> {
    await this.chat.post({
      firmId: String(order.firmId),
      clientId: String(client._id),
      conversationId,
      sender: m.sender,
      clientMessageId: `service-order:${String(order._id)}:${m.key}`,
      text: m.text,
      attachments: m.attachments,
      serviceOrder: { id: String(order._id), number: order.number, status: order.status, title: order.title },
    });
  }

  /** Tells the firm's staff and (when it may see Serviços) the client's sockets. */
  private async publish(order: ServiceOrderDoc, client: ClientDoc): Promise<ServiceOrder> {
    const dto = toOrder(order);
    await this.events.emit('service-order.updated', {
      firmId: String(order.firmId),
      clientId: String(order.clientId),
      order: dto,
      clientMaySee: !!client.permissions?.serviceForms,
    });
    return dto;
  }
}

function invalidAnswers(issues: AnswerIssue[]): AppError {
  const n = issues.length;
  return validationFailed(n === 1 ? issues[0].message : `Confira os ${n} campos destacados`, issues);
}
