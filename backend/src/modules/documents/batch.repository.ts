import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectConnection, InjectModel } from '@nestjs/mongoose';
import { type Connection, type Model, Types } from 'mongoose';
import { BATCH_ITEM_STATUSES, type BatchItemStatus } from '../../contract/index.js';
import { IdDirectory } from '../../infra/id-directory.js';
import { findByIdInFirm } from '../../infra/mongo.util.js';
import { BATCH_ITEM_MODEL, BATCH_MODEL, type BatchDoc, type BatchItemDoc } from './document.schema.js';

/** Batches listed in the history. */
const HISTORY_MAX = 100;

/** Batches and their items, by _id; the firm's batches through a directory. */
@Injectable()
export class BatchRepository implements OnApplicationBootstrap {
  private readonly directory: IdDirectory;

  constructor(
    @InjectModel(BATCH_MODEL) private readonly batches: Model<BatchDoc>,
    @InjectModel(BATCH_ITEM_MODEL) private readonly items: Model<BatchItemDoc>,
    @InjectConnection() connection: Connection,
  ) {
    this.directory = IdDirectory.of(connection, 'batch_directory', this.batches as unknown as Model<never>);
  }

  onApplicationBootstrap(): Promise<void> {
    return this.directory.build();
  }

  async create(firmId: string, createdBy: { id: string; name: string }): Promise<BatchDoc> {
    const doc: BatchDoc = {
      _id: new Types.ObjectId(),
      firmId: new Types.ObjectId(firmId),
      createdBy,
      itemIds: [],
      counts: Object.fromEntries(BATCH_ITEM_STATUSES.map((s) => [s, 0])) as Record<BatchItemStatus, number>,
      createdAt: new Date(),
    };
    await this.batches.collection.insertOne(doc as never);
    await this.directory.add(firmId, [String(doc._id)]);
    return doc;
  }

  find(firmId: string, id: string): Promise<BatchDoc | null> {
    return findByIdInFirm(this.batches, id, firmId);
  }

  /** Adds items (already built) to a batch, in order. */
  async addItems(batch: BatchDoc, items: BatchItemDoc[]): Promise<void> {
    if (!items.length) return;
    await this.items.collection.insertMany(items as never[]);
    const inc: Record<string, number> = {};
    for (const i of items) inc[`counts.${i.status}`] = (inc[`counts.${i.status}`] ?? 0) + 1;
    await this.batches
      .updateOne(
        { _id: batch._id },
        { $push: { itemIds: { $each: items.map((i) => String(i._id)) } }, $inc: inc },
      )
      .exec();
  }

  async itemsOf(batch: BatchDoc): Promise<BatchItemDoc[]> {
    const docs = await Promise.all(batch.itemIds.map((id) => this.findItem(String(batch.firmId), id)));
    return docs.filter((d): d is BatchItemDoc => d !== null && String(d.batchId) === String(batch._id));
  }

  findItem(firmId: string, id: string): Promise<BatchItemDoc | null> {
    return findByIdInFirm(this.items, id, firmId);
  }

  /**
   * Updates an item and moves the batch's per-status counts by the transition the item
   * really made (read atomically with the update), so retries never count twice.
   */
  async setItem(item: BatchItemDoc, set: Partial<BatchItemDoc>): Promise<BatchItemDoc | null> {
    const before = await this.items
      .findOneAndUpdate({ _id: item._id }, { $set: set }, { returnDocument: 'before' })
      .lean<BatchItemDoc>()
      .exec();
    if (!before) return null;
    const after = { ...before, ...set };
    if (set.status && set.status !== before.status) {
      await this.batches
        .updateOne(
          { _id: before.batchId },
          { $inc: { [`counts.${before.status}`]: -1, [`counts.${set.status}`]: 1 } },
        )
        .exec();
    }
    return after;
  }

  /** The firm's latest batches, newest first. */
  async list(firmId: string): Promise<BatchDoc[]> {
    const ids = (await this.directory.list(firmId)).slice(-HISTORY_MAX);
    const docs = await Promise.all(ids.map((id) => this.find(firmId, id)));
    return docs
      .filter((d): d is BatchDoc => d !== null)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  }
}
