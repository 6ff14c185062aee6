import type { Connection, Model } from 'mongoose';

interface DirectoryDoc {
  _id: string;
  ids: string[];
  /** The list is whole: built from the owning collection, or started empty after the migration. */
  complete?: boolean;
}

/** The directory document that says every firm's directory was built. */
const MIGRATED = '$built';

/**
 * One document per firm listing the ids of its documents in another collection (its
 * clients, its conversations, its staff), so a firm's list is one lookup by _id plus one by
 * _id per row: what it costs follows the firm's own size, never how much other firms store.
 * (FerretDB v1 on SQLite answers only `{_id}` filters from an index and scans the whole
 * collection for any other filter, `{firmId}` included; MongoDB serves both from indexes.)
 *
 * Writers add ids as they create documents and remove them as they delete ($addToSet /
 * $pull, atomic on both servers). Data from before directories existed is listed once, at
 * start (`build`, a scan of the owning collection); a directory found incomplete later is
 * rebuilt the same way on first read.
 */
export class IdDirectory {
  private built = false;

  constructor(
    private readonly connection: Connection,
    private readonly collectionName: string,
    private readonly owner: {
      /** The firm's ids, read from the owning collection (a filtered scan, rare). */
      idsOf: (firmId: string) => Promise<string[]>;
      /** Every firm that has documents there (a scan, once). */
      firms: () => Promise<string[]>;
    },
  ) {}

  /** The directory of a model whose documents carry `firmId`. */
  static of(connection: Connection, collectionName: string, model: Model<never>): IdDirectory {
    return new IdDirectory(connection, collectionName, {
      idsOf: async (firmId) =>
        (await model.find({ firmId }).lean<{ _id: unknown }[]>().exec()).map((d) => String(d._id)),
      firms: async () => (await model.distinct('firmId').exec()).map(String),
    });
  }

  private get collection() {
    return this.connection.collection<DirectoryDoc>(this.collectionName);
  }

  /** Builds every firm's directory once (the first start with directories); idempotent. */
  async build(): Promise<void> {
    if (await this.collection.findOne({ _id: MIGRATED })) {
      this.built = true;
      return;
    }
    for (const firmId of await this.owner.firms()) await this.rebuild(firmId);
    await this.collection.updateOne(
      { _id: MIGRATED },
      { $set: { ids: [], complete: true } },
      { upsert: true },
    );
    this.built = true;
  }

  async add(firmId: string, ids: string[]): Promise<void> {
    if (!ids.length) return;
    await this.collection.updateOne(
      { _id: firmId },
      // A firm's first document after the build starts a whole list; before it, the build decides.
      { $addToSet: { ids: { $each: ids } }, ...(this.built ? { $setOnInsert: { complete: true } } : {}) },
      { upsert: true },
    );
  }

  async remove(firmId: string, ids: string[]): Promise<void> {
    if (!ids.length) return;
    await this.collection.updateOne({ _id: firmId }, { $pull: { ids: { $in: ids } } });
  }

  async list(firmId: string): Promise<string[]> {
    const doc = await this.collection.findOne({ _id: firmId });
    if (doc?.complete) return doc.ids;
    if (!doc && this.built) return [];
    return this.rebuild(firmId);
  }

  private async rebuild(firmId: string): Promise<string[]> {
    const found = await this.owner.idsOf(firmId);
    // A union with whatever writers added meanwhile; complete only once the scan's ids are in.
    await this.collection.updateOne(
      { _id: firmId },
      { $addToSet: { ids: { $each: found } }, $set: { complete: true } },
      { upsert: true },
    );
    const after = await this.collection.findOne({ _id: firmId });
    return after?.ids ?? found;
  }
}
