import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectConnection, InjectModel } from '@nestjs/mongoose';
import { type Connection, type Model, Types } from 'mongoose';
import { IdDirectory } from '../../infra/id-directory.js';
import { findByIdInFirm } from '../../infra/mongo.util.js';
import type { ServiceOrderStatus } from '../../contract/index.js';
import {
  COUNTER_MODEL,
  type CounterDoc,
  SERVICE_DRAFT_MODEL,
  SERVICE_FORM_MODEL,
  SERVICE_FORM_VERSION_MODEL,
  SERVICE_ORDER_MODEL,
  type ServiceDraftDoc,
  type ServiceFormDoc,
  type ServiceFormVersionDoc,
  type ServiceOrderDoc,
  type TimelineDoc,
} from './services.schema.js';

const oid = (id: string) => new Types.ObjectId(id);

export interface OrderFilter {
  status?: ServiceOrderStatus;
  clientId?: string;
  assigneeId?: string | 'none';
  formId?: string;
  /** Only open orders past their due date. */
  overdueOnly?: boolean;
}

const OPEN: ServiceOrderStatus[] = ['open', 'in_progress', 'waiting_client'];

/**
 * Forms, their versions, orders, drafts. Like clients and conversations, a firm's lists go
 * through per-firm id directories and every read is by `_id` (FerretDB on SQLite indexes
 * nothing else): what a list costs follows the firm's own size, not other firms' data.
 */
@Injectable()
export class ServicesRepository implements OnApplicationBootstrap {
  /** The firm's form ids. */
  private readonly formIds: IdDirectory;
  /** The firm's order ids (the staff list). */
  private readonly orderIds: IdDirectory;
  /** A client's order ids, by client id (the portal's Serviços and Início). */
  private readonly clientOrderIds: IdDirectory;

  constructor(
    @InjectModel(SERVICE_FORM_MODEL) private readonly forms: Model<ServiceFormDoc>,
    @InjectModel(SERVICE_FORM_VERSION_MODEL) private readonly versions: Model<ServiceFormVersionDoc>,
    @InjectModel(SERVICE_ORDER_MODEL) private readonly orders: Model<ServiceOrderDoc>,
    @InjectModel(SERVICE_DRAFT_MODEL) private readonly drafts: Model<ServiceDraftDoc>,
    @InjectModel(COUNTER_MODEL) private readonly counters: Model<CounterDoc>,
    @InjectConnection() connection: Connection,
  ) {
    this.formIds = IdDirectory.of(connection, 'service_form_directory', forms as unknown as Model<never>);
    this.orderIds = IdDirectory.of(connection, 'service_order_directory', orders as unknown as Model<never>);
    this.clientOrderIds = new IdDirectory(connection, 'service_order_client_directory', {
      idsOf: async (clientId) =>
        (
          await orders
            .find({ clientId: oid(clientId) }, { _id: 1 })
            .lean<{ _id: unknown }[]>()
            .exec()
        ).map((d) => String(d._id)),
      firms: async () => (await orders.distinct('clientId').exec()).map(String),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.formIds.build();
    await this.orderIds.build();
    await this.clientOrderIds.build();
  }

  // ---- forms ----

  async insertForm(form: ServiceFormDoc): Promise<void> {
    await this.versions.create(versionOf(form));
    await this.forms.create(form);
    await this.formIds.add(String(form.firmId), [String(form._id)]);
  }

  /**
   * Stores the next version of a form. The version document goes first, under a unique
   * `<formId>:<version>`: of two editors saving the same version, the second gets null.
   */
  async replaceForm(form: ServiceFormDoc): Promise<boolean> {
    try {
      await this.versions.create(versionOf(form));
    } catch (err) {
      if ((err as { code?: number }).code === 11000) return false;
      throw err;
    }
    const { _id, firmId: _firm, ...rest } = form;
    await this.forms.updateOne({ _id }, { $set: rest }).exec();
    return true;
  }

  findForm(firmId: string, formId: string): Promise<ServiceFormDoc | null> {
    return findByIdInFirm(this.forms, formId, firmId);
  }

  /** The firm's forms by title. */
  async listForms(firmId: string): Promise<ServiceFormDoc[]> {
    const ids = await this.formIds.list(firmId);
    const docs = (await Promise.all(ids.map((id) => this.findForm(firmId, id)))).filter(
      (d): d is ServiceFormDoc => d !== null,
    );
    return docs.sort((a, b) => a.title.localeCompare(b.title, 'pt-BR'));
  }

  async findVersion(firmId: string, formId: string, version: number): Promise<ServiceFormVersionDoc | null> {
    const doc = await this.versions.findById(`${formId}:${version}`).lean<ServiceFormVersionDoc>().exec();
    return doc && String(doc.firmId) === firmId ? doc : null;
  }

  // ---- orders ----

  /** The firm's next OS number (atomic on both servers: one document, `$inc`). */
  async nextOrderNumber(firmId: string): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      try {
        const doc = await this.counters
          .findOneAndUpdate(
            { _id: `serviceOrders:${firmId}` },
            { $inc: { seq: 1 } },
            { upsert: true, returnDocument: 'after' },
          )
          .lean<CounterDoc>()
          .exec();
        return doc!.seq;
      } catch (err) {
        // Two first orders of a firm at once: both upserts insert, one loses; it increments now.
        if ((err as { code?: number }).code !== 11000 || attempt > 2) throw err;
      }
    }
  }

  async insertOrder(order: ServiceOrderDoc): Promise<void> {
    await this.orders.create(order);
    await this.orderIds.add(String(order.firmId), [String(order._id)]);
    await this.clientOrderIds.add(String(order.clientId), [String(order._id)]);
  }

  findOrder(firmId: string, orderId: string): Promise<ServiceOrderDoc | null> {
    return findByIdInFirm(this.orders, orderId, firmId);
  }

  /** Orders by _id (lookups run together), without their timelines; `answers` only when asked. */
  private async ordersByIds(firmId: string, ids: string[], withAnswers: boolean): Promise<ServiceOrderDoc[]> {
    const projection = withAnswers ? { timeline: 0 } : { timeline: 0, answers: 0 };
    const docs = await Promise.all(
      ids.map((id) => this.orders.findById(id, projection).lean<ServiceOrderDoc>().exec()),
    );
    return docs.filter((d): d is ServiceOrderDoc => d !== null && String(d.firmId) === firmId);
  }

  /**
   * Applies a change decided on the order as read (the caller holds the order's lock, so
   * nobody changed it since): by `_id` alone, the new timeline entries appended.
   */
  updateOrder(
    order: ServiceOrderDoc,
    set: Partial<Pick<ServiceOrderDoc, 'status' | 'assigneeId'>>,
    entries: TimelineDoc[],
  ): Promise<ServiceOrderDoc | null> {
    return this.orders
      .findOneAndUpdate(
        { _id: order._id },
        {
          $set: { ...set, updatedAt: entries[entries.length - 1].at },
          $push: { timeline: { $each: entries } },
        },
        { returnDocument: 'after', timestamps: false },
      )
      .lean<ServiceOrderDoc>()
      .exec();
  }

  /**
   * A page of the firm's orders, newest first, its total, the counts per status and the
   * number overdue (open with a due date before `today`) under the same other filters.
   */
  async listOrders(
    firmId: string,
    f: OrderFilter,
    today: string,
    page: { skip: number; limit: number },
  ): Promise<{ items: ServiceOrderDoc[]; total: number; counts: Record<string, number>; overdue: number }> {
    const all = await this.ordersByIds(firmId, await this.orderIds.list(firmId), false);
    const base = all.filter(
      (o) =>
        (!f.clientId || String(o.clientId) === f.clientId) &&
        (!f.formId || String(o.formId) === f.formId) &&
        (!f.assigneeId || (f.assigneeId === 'none' ? !o.assigneeId : String(o.assigneeId) === f.assigneeId)),
    );
    const late = (o: ServiceOrderDoc) => OPEN.includes(o.status) && !!o.dueDate && o.dueDate < today;
    const counts: Record<string, number> = {};
    for (const o of base) counts[o.status] = (counts[o.status] ?? 0) + 1;
    const listed = base
      .filter((o) => (!f.status || o.status === f.status) && (!f.overdueOnly || late(o)))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.number - a.number);
    const pageIds = listed.slice(page.skip, page.skip + page.limit).map((o) => String(o._id));
    const full = new Map((await this.ordersByIds(firmId, pageIds, true)).map((o) => [String(o._id), o]));
    return {
      items: pageIds.map((id) => full.get(id)).filter((o): o is ServiceOrderDoc => !!o),
      total: listed.length,
      counts,
      overdue: base.filter(late).length,
    };
  }

  /** A client's orders, newest first. */
  async listClientOrders(firmId: string, clientId: string, limit: number): Promise<ServiceOrderDoc[]> {
    const ids = await this.clientOrderIds.list(clientId);
    const docs = await this.ordersByIds(firmId, ids, true);
    return docs
      .filter((o) => String(o.clientId) === clientId)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.number - a.number)
      .slice(0, limit);
  }

  // ---- drafts ----

  async saveDraft(draft: ServiceDraftDoc): Promise<void> {
    await this.drafts.replaceOne({ _id: draft._id }, draft, { upsert: true }).exec();
  }

  /** The client's drafts of these forms (one lookup by _id each). */
  async listDrafts(firmId: string, clientId: string, formIds: string[]): Promise<ServiceDraftDoc[]> {
    const docs = await Promise.all(
      formIds.map((formId) => this.drafts.findById(`${clientId}:${formId}`).lean<ServiceDraftDoc>().exec()),
    );
    return docs.filter((d): d is ServiceDraftDoc => d !== null && String(d.firmId) === firmId);
  }

  async deleteDraft(clientId: string, formId: string): Promise<void> {
    await this.drafts.deleteOne({ _id: `${clientId}:${formId}` }).exec();
  }
}

function versionOf(form: ServiceFormDoc): ServiceFormVersionDoc {
  return {
    _id: `${String(form._id)}:${form.version}`,
    firmId: form.firmId,
    formId: form._id,
    version: form.version,
    title: form.title,
    fields: form.fields,
    slaDays: form.slaDays,
    createdAt: form.updatedAt,
  };
}
