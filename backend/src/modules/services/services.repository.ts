import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectConnection, InjectModel } from '@nestjs/mongoose';
import type { Collection } from 'mongodb';
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

/** What the staff list filters, counts and sorts by: one row per order in the firm's index. */
interface OrderRow {
  n: number;
  s: ServiceOrderStatus;
  c: string;
  f: string | null;
  a: string | null;
  /** Due date, YYYY-MM-DD. */
  d: string | null;
  /** Opened at (ms). */
  t: number;
}

/** `service_order_index`: per firm, its orders' rows keyed `o<orderId>` (a key is never all digits). */
interface OrderIndexDoc {
  _id: string;
  rows: Record<string, OrderRow>;
  /** Every order of the firm is in: written with its first order, or by a rebuild. */
  complete?: boolean;
}

const rowKey = (orderId: string) => `rows.o${orderId}`;

function rowOf(o: ServiceOrderDoc): OrderRow {
  return {
    n: o.number,
    s: o.status,
    c: String(o.clientId),
    f: o.formId ? String(o.formId) : null,
    a: o.assigneeId ? String(o.assigneeId) : null,
    d: o.dueDate,
    t: o.createdAt.getTime(),
  };
}

/**
 * Forms, their versions, orders, drafts. Like clients and conversations, a firm's lists go
 * through per-firm documents and every read is by `_id` (FerretDB on SQLite indexes nothing
 * else): what a list costs follows the firm's own size, not other firms' data. The staff's
 * order list reads one index document (a small row per order: what it filters, counts and
 * sorts by) and then only the page's orders, however many orders the firm has had.
 */
@Injectable()
export class ServicesRepository implements OnApplicationBootstrap {
  /** The firm's form ids. */
  private readonly formIds: IdDirectory;
  private readonly index: Collection<OrderIndexDoc>;
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
    this.index = connection.collection<OrderIndexDoc>('service_order_index');
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
    // The firm's first order starts a whole index; later ones join it (a rebuild joins any missed).
    await this.index.updateOne(
      { _id: String(order.firmId) },
      {
        $set: {
          [rowKey(String(order._id))]: rowOf(order),
          ...(order.number === 1 ? { complete: true } : {}),
        },
      },
      { upsert: true },
    );
    await this.clientOrderIds.add(String(order.clientId), [String(order._id)]);
  }

  findOrder(firmId: string, orderId: string): Promise<ServiceOrderDoc | null> {
    return findByIdInFirm(this.orders, orderId, firmId);
  }

  /** Orders by _id, in the order given (lookups run together), without their timelines. */
  private async ordersByIds(firmId: string, ids: string[]): Promise<ServiceOrderDoc[]> {
    const docs = await Promise.all(
      ids.map((id) => this.orders.findById(id, { timeline: 0 }).lean<ServiceOrderDoc>().exec()),
    );
    return docs.filter((d): d is ServiceOrderDoc => d !== null && String(d.firmId) === firmId);
  }

  /**
   * Applies a change decided on the order as read (the caller holds the order's lock, so
   * nobody changed it since): by `_id` alone, the new timeline entries appended.
   */
  async updateOrder(
    order: ServiceOrderDoc,
    set: Partial<Pick<ServiceOrderDoc, 'status' | 'assigneeId'>>,
    entries: TimelineDoc[],
  ): Promise<ServiceOrderDoc | null> {
    const after = await this.orders
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
    if (after) {
      const key = rowKey(String(after._id));
      await this.index.updateOne(
        { _id: String(after.firmId) },
        {
          $set: {
            [`${key}.s`]: after.status,
            [`${key}.a`]: after.assigneeId ? String(after.assigneeId) : null,
          },
        },
      );
    }
    return after;
  }

  /**
   * The firm's order rows. An index found incomplete (orders from before it existed, or a
   * firm without orders yet) is rebuilt once from the orders themselves (a filtered scan).
   */
  private async rows(firmId: string): Promise<(OrderRow & { id: string })[]> {
    const withIds = (rows: Record<string, OrderRow> = {}) =>
      Object.entries(rows).map(([key, row]) => ({ ...row, id: key.slice(1) }));
    const doc = await this.index.findOne({ _id: firmId });
    if (doc?.complete) return withIds(doc.rows);
    const found = await this.orders
      .find({ firmId: oid(firmId) }, { timeline: 0, answers: 0 })
      .lean<ServiceOrderDoc[]>()
      .exec();
    const rows = Object.fromEntries(found.map((o) => [rowKey(String(o._id)), rowOf(o)]));
    await this.index.updateOne({ _id: firmId }, { $set: { ...rows, complete: true } }, { upsert: true });
    const after = await this.index.findOne({ _id: firmId });
    return withIds(after?.rows);
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
    const base = (await this.rows(firmId)).filter(
      (r) =>
        (!f.clientId || r.c === f.clientId) &&
        (!f.formId || r.f === f.formId) &&
        (!f.assigneeId || (f.assigneeId === 'none' ? !r.a : r.a === f.assigneeId)),
    );
    const late = (r: OrderRow) => OPEN.includes(r.s) && !!r.d && r.d < today;
    const counts: Record<string, number> = {};
    for (const r of base) counts[r.s] = (counts[r.s] ?? 0) + 1;
    const listed = base
      .filter((r) => (!f.status || r.s === f.status) && (!f.overdueOnly || late(r)))
      .sort((a, b) => b.t - a.t || b.n - a.n);
    const pageIds = listed.slice(page.skip, page.skip + page.limit).map((r) => r.id);
    return {
      items: await this.ordersByIds(firmId, pageIds),
      total: listed.length,
      counts,
      overdue: base.filter(late).length,
    };
  }

  /** A client's orders, newest first. */
  async listClientOrders(firmId: string, clientId: string, limit: number): Promise<ServiceOrderDoc[]> {
    const ids = await this.clientOrderIds.list(clientId);
    const docs = await this.ordersByIds(firmId, ids);
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
