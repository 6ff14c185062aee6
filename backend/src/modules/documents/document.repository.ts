import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectConnection, InjectModel } from '@nestjs/mongoose';
import { type Connection, type Model, Types } from 'mongoose';
import { IdDirectory } from '../../infra/id-directory.js';
import { findByIdInFirm, isDuplicateKey } from '../../infra/mongo.util.js';
import { DOCUMENT_MODEL, type DocumentDoc, type TrailDoc } from './document.schema.js';

/** Trail entries kept per document (a client downloading in a loop can't grow it further). */
export const TRAIL_MAX = 500;

interface HashDoc {
  _id: string;
  documentId: string;
}
interface MonthsDoc {
  _id: string;
  ids: string[];
}
/** The guia a client has for a type and competence: `<clientId>:<type>:<competence>`. */
interface SlotDoc {
  _id: string;
  documentId: string;
}

/** The marker, in `migrations`, that every pending guia holds its slot. */
const SLOTS_MIGRATION = 'guia-slots';

/** `YYYY-MM` of a date, in UTC (buckets only need to be stable). */
const monthOf = (d: Date) => d.toISOString().slice(0, 7);

/**
 * Documents, read by _id only (see IdDirectory): a client's documents through its directory,
 * the firm's through one directory document per month of delivery (newest month first), and
 * "this file was already sent to this client" through a document keyed by client and hash.
 */
@Injectable()
export class DocumentRepository implements OnApplicationBootstrap {
  private readonly byClient: IdDirectory;

  constructor(
    @InjectModel(DOCUMENT_MODEL) private readonly documents: Model<DocumentDoc>,
    @InjectConnection() private readonly connection: Connection,
  ) {
    this.byClient = new IdDirectory(connection, 'client_documents', {
      idsOf: async (clientId) =>
        (await this.documents.find({ clientId }).lean<{ _id: unknown }[]>().exec()).map((d) => String(d._id)),
      firms: async () => (await this.documents.distinct('clientId').exec()).map(String),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.byClient.build();
    await this.fillGuiaSlots();
  }

  /**
   * Pending guias from before slots existed take theirs (the newest of a client's type and
   * competence), once: a scan of the pending guias at the first start with this code.
   */
  private async fillGuiaSlots(): Promise<void> {
    const done = this.connection.collection<{ _id: string }>('migrations');
    if (await done.findOne({ _id: SLOTS_MIGRATION })) return;
    const pending = await this.documents
      .find({ status: 'pending' }, { clientId: 1, type: 1, competence: 1, createdAt: 1 })
      .lean<Pick<DocumentDoc, '_id' | 'clientId' | 'type' | 'competence' | 'createdAt'>[]>()
      .exec();
    pending.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    for (const d of pending) {
      const key = slotKey(d);
      if (key)
        await this.slots.updateOne({ _id: key }, { $set: { documentId: String(d._id) } }, { upsert: true });
    }
    await done.updateOne({ _id: SLOTS_MIGRATION }, { $set: { at: new Date() } }, { upsert: true });
  }

  private get slots() {
    return this.connection.collection<SlotDoc>('guia_slots');
  }

  /**
   * Makes `doc` the client's guia of its type and competence; returns the id of the one that
   * held that place before (a reissued guia replaces it), or null. One _id lookup, however
   * many documents the client has.
   */
  async takeGuiaSlot(
    doc: Pick<DocumentDoc, '_id' | 'clientId' | 'type' | 'competence'>,
  ): Promise<string | null> {
    const key = slotKey(doc);
    if (!key) return null;
    const id = String(doc._id);
    const before = await this.slots.findOneAndUpdate(
      { _id: key },
      { $set: { documentId: id } },
      { upsert: true, returnDocument: 'before' },
    );
    return before && before.documentId !== id ? before.documentId : null;
  }

  private get hashes() {
    return this.connection.collection<HashDoc>('document_hashes');
  }
  private get months() {
    return this.connection.collection<MonthsDoc>('document_months');
  }

  /**
   * Claims "this content was delivered to this client" for `documentId`. Returns the document
   * that already holds the claim (a duplicate), or null when this one now does (or already did:
   * a retried job).
   */
  async claimHash(clientId: string, sha256: string, documentId: string): Promise<string | null> {
    const _id = `${clientId}:${sha256}`;
    try {
      await this.hashes.insertOne({ _id, documentId });
      return null;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    const held = await this.hashes.findOne({ _id });
    return held && held.documentId !== documentId ? held.documentId : null;
  }

  /** Lets the same content be sent again (the document it claimed was never stored). */
  async releaseHash(clientId: string, sha256: string, documentId: string): Promise<void> {
    const _id = `${clientId}:${sha256}`;
    const held = await this.hashes.findOne({ _id });
    if (held?.documentId === documentId) await this.hashes.deleteOne({ _id });
  }

  /** Stores a document under its (pre-chosen) id; a second insert of the same id keeps the first. */
  async insert(doc: DocumentDoc): Promise<DocumentDoc> {
    try {
      await this.documents.collection.insertOne(doc as never);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const stored = await this.documents.findById(doc._id).lean<DocumentDoc>().exec();
      if (stored) return stored;
      throw err;
    }
    const id = String(doc._id);
    await this.byClient.add(String(doc.clientId), [id]);
    const month = `${String(doc.firmId)}:${monthOf(doc.createdAt)}`;
    await this.months.updateOne({ _id: month }, { $addToSet: { ids: id } }, { upsert: true });
    await this.months.updateOne(
      { _id: String(doc.firmId) },
      { $addToSet: { ids: monthOf(doc.createdAt) } },
      { upsert: true },
    );
    return doc;
  }

  findById(firmId: string, id: string): Promise<DocumentDoc | null> {
    return findByIdInFirm(this.documents, id, firmId);
  }

  async findMany(firmId: string, ids: string[]): Promise<DocumentDoc[]> {
    const docs = await Promise.all(ids.map((id) => this.findById(firmId, id)));
    return docs.filter((d): d is DocumentDoc => d !== null);
  }

  /** The client's documents, newest first. */
  async listByClient(firmId: string, clientId: string): Promise<DocumentDoc[]> {
    const docs = await this.findMany(firmId, await this.byClient.list(clientId));
    return docs.filter((d) => String(d.clientId) === clientId).sort(newestFirst);
  }

  /**
   * The firm's documents newest first, month by month, handed to `visit` until it says
   * stop; at most `maxScanned` documents are read.
   */
  async scanFirm(
    firmId: string,
    visit: (doc: DocumentDoc) => boolean,
    maxScanned: number,
  ): Promise<{ truncated: boolean }> {
    const index = await this.months.findOne({ _id: firmId });
    const months = [...(index?.ids ?? [])].sort().reverse();
    let scanned = 0;
    for (const month of months) {
      const bucket = await this.months.findOne({ _id: `${firmId}:${month}` });
      const docs = (await this.findMany(firmId, bucket?.ids ?? [])).sort(newestFirst);
      for (const doc of docs) {
        if (++scanned > maxScanned) return { truncated: true };
        if (!visit(doc)) return { truncated: false };
      }
    }
    return { truncated: false };
  }

  /** Appends to the trail (callers check TRAIL_MAX on the copy they read) and sets fields. */
  async record(id: string, entry: TrailDoc | null, set: Partial<DocumentDoc> = {}): Promise<void> {
    await this.documents
      .updateOne(
        { _id: id },
        { ...(entry ? { $push: { trail: entry } } : {}), ...(Object.keys(set).length ? { $set: set } : {}) },
      )
      .exec();
  }

  /** Counts an open; returns true for the first one. */
  async countOpen(id: string, entry: TrailDoc | null): Promise<boolean> {
    const before = await this.documents
      .findOneAndUpdate(
        { _id: id },
        { $inc: { opens: 1 }, ...(entry ? { $push: { trail: entry } } : {}) },
        { returnDocument: 'before' },
      )
      .lean<DocumentDoc>()
      .exec();
    if (!before || before.opens > 0) return false;
    await this.documents.updateOne({ _id: id }, { $set: { openedAt: entry?.at ?? new Date() } }).exec();
    return true;
  }

  /** Moves a guia's stored status; returns the document before, or null when it was not `from`. */
  async setStatus(
    id: string,
    from: DocumentDoc['status'][],
    set: Partial<DocumentDoc>,
    entry: TrailDoc | null,
  ): Promise<DocumentDoc | null> {
    const doc = await this.documents.findById(id).lean<DocumentDoc>().exec();
    if (!doc || !from.includes(doc.status)) return null;
    await this.record(id, entry, set);
    return doc;
  }
}

function slotKey(doc: Pick<DocumentDoc, 'clientId' | 'type' | 'competence'>): string | null {
  if (!doc.type || doc.type === 'outros' || !doc.competence) return null;
  return `${String(doc.clientId)}:${doc.type}:${doc.competence}`;
}

const newestFirst = (a: DocumentDoc, b: DocumentDoc) =>
  b.createdAt.getTime() - a.createdAt.getTime() || String(b._id).localeCompare(String(a._id));

export const newDocumentId = () => new Types.ObjectId();
