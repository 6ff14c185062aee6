import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { type Model, type QueryFilter, Types } from 'mongoose';
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

/** Forms, their versions, orders, drafts: every query carries the firm. */
@Injectable()
export class ServicesRepository {
  constructor(
    @InjectModel(SERVICE_FORM_MODEL) private readonly forms: Model<ServiceFormDoc>,
    @InjectModel(SERVICE_FORM_VERSION_MODEL) private readonly versions: Model<ServiceFormVersionDoc>,
    @InjectModel(SERVICE_ORDER_MODEL) private readonly orders: Model<ServiceOrderDoc>,
    @InjectModel(SERVICE_DRAFT_MODEL) private readonly drafts: Model<ServiceDraftDoc>,
    @InjectModel(COUNTER_MODEL) private readonly counters: Model<CounterDoc>,
  ) {}

  // ---- forms ----

  async insertForm(form: ServiceFormDoc): Promise<void> {
    await this.versions.create(versionOf(form));
    await this.forms.create(form);
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
    const { _id, firmId, ...rest } = form;
    await this.forms.updateOne({ _id, firmId }, { $set: rest }).exec();
    return true;
  }

  findForm(firmId: string, formId: string): Promise<ServiceFormDoc | null> {
    return this.forms
      .findOne({ _id: oid(formId), firmId: oid(firmId) })
      .lean<ServiceFormDoc>()
      .exec();
  }

  listForms(firmId: string): Promise<ServiceFormDoc[]> {
    return this.forms
      .find({ firmId: oid(firmId) })
      .sort({ title: 1 })
      .lean<ServiceFormDoc[]>()
      .exec();
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
  }

  findOrder(firmId: string, orderId: string): Promise<ServiceOrderDoc | null> {
    return this.orders
      .findOne({ _id: oid(orderId), firmId: oid(firmId) })
      .lean<ServiceOrderDoc>()
      .exec();
  }

  /**
   * Applies a change to an order as it was read (`updatedAt` unchanged since): null when
   * someone else changed it in between (the caller reads again and retries).
   */
  updateOrder(
    order: ServiceOrderDoc,
    set: Partial<Pick<ServiceOrderDoc, 'status' | 'assigneeId'>>,
    entries: TimelineDoc[],
  ): Promise<ServiceOrderDoc | null> {
    const at = entries[entries.length - 1].at;
    return this.orders
      .findOneAndUpdate(
        { _id: order._id, firmId: order.firmId, updatedAt: order.updatedAt },
        { $set: { ...set, updatedAt: at, timeline: [...order.timeline, ...entries] } },
        { returnDocument: 'after', timestamps: false },
      )
      .lean<ServiceOrderDoc>()
      .exec();
  }

  /** The filters other than status and overdue (the chips count under them). */
  private filter(firmId: string, f: OrderFilter): QueryFilter<ServiceOrderDoc> {
    const q: QueryFilter<ServiceOrderDoc> = { firmId: oid(firmId) };
    if (f.clientId) q.clientId = oid(f.clientId);
    if (f.formId) q.formId = oid(f.formId);
    if (f.assigneeId) q.assigneeId = f.assigneeId === 'none' ? null : oid(f.assigneeId);
    return q;
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
    const base = this.filter(firmId, f);
    const overdueQuery = { ...base, status: { $in: OPEN }, dueDate: { $lt: today } };
    let listed: QueryFilter<ServiceOrderDoc> = f.overdueOnly ? overdueQuery : base;
    if (f.status) {
      const allowed = !f.overdueOnly || OPEN.includes(f.status);
      listed = { ...listed, status: allowed ? f.status : { $in: [] } };
    }
    const [items, total, grouped, overdue] = await Promise.all([
      this.orders
        .find(listed, { timeline: 0 })
        .sort({ createdAt: -1, _id: -1 })
        .skip(page.skip)
        .limit(page.limit)
        .lean<ServiceOrderDoc[]>()
        .exec(),
      this.orders.countDocuments(listed).exec(),
      this.orders
        .aggregate<{ _id: string; n: number }>([
          { $match: base },
          { $group: { _id: '$status', n: { $sum: 1 } } },
        ])
        .exec(),
      this.orders.countDocuments(overdueQuery).exec(),
    ]);
    return { items, total, counts: Object.fromEntries(grouped.map((g) => [g._id, g.n])), overdue };
  }

  listClientOrders(firmId: string, clientId: string, limit: number): Promise<ServiceOrderDoc[]> {
    return this.orders
      .find({ firmId: oid(firmId), clientId: oid(clientId) }, { timeline: 0 })
      .sort({ createdAt: -1, _id: -1 })
      .limit(limit)
      .lean<ServiceOrderDoc[]>()
      .exec();
  }

  // ---- drafts ----

  async saveDraft(draft: ServiceDraftDoc): Promise<void> {
    await this.drafts.replaceOne({ _id: draft._id }, draft, { upsert: true }).exec();
  }

  listDrafts(firmId: string, clientId: string): Promise<ServiceDraftDoc[]> {
    return this.drafts
      .find({ firmId: oid(firmId), clientId: oid(clientId) })
      .lean<ServiceDraftDoc[]>()
      .exec();
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
