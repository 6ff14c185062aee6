import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { type Db, GridFSBucket } from 'mongodb';
import mongoose, { type Connection, Schema, Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationSchema, type ConversationDoc } from '../../src/modules/chat/conversation.schema.js';
import { messageSchema } from '../../src/modules/chat/message.schema.js';
import { clientSchema } from '../../src/modules/clients/client.schema.js';
import { isDuplicateKey } from '../../src/infra/mongo.util.js';
import { freshDbUrl, serviceUrls } from '../helpers/env.js';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until `done` holds of its result or `ms` pass; returns the last result. */
async function pollFor<T>(probe: () => Promise<T>, done: (value: T) => boolean, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await sleep(100);
  }
}

/**
 * The SQLite directory of the FerretDB that `npm run services:up` started, when that is
 * the server `url` points at (same port as the recorded one); null otherwise.
 */
function embeddedFerretDir(url: string): string | null {
  const data = path.resolve(repoRoot, process.env.CONNECTHUB_DATA_DIR || '.data');
  const portFile = path.join(data, 'ferretdb.port');
  if (!existsSync(portFile)) return null;
  const port = new URL(url).port || '27017';
  return readFileSync(portFile, 'utf8').trim() === port ? path.join(data, 'ferretdb') : null;
}

async function sqlite3(file: string, sql: string): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)('sqlite3', ['-readonly', file, sql]);
    return stdout.trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(
        'the sqlite3 CLI is not on PATH (Debian: apt-get install sqlite3; .ci/run installs it)',
      );
    }
    throw err;
  }
}

/**
 * What the project relies on from the MongoDB-wire server (FerretDB v1 in dev/CI,
 * MongoDB 7 in production), exercised through mongoose against the real server.
 */
describe('MongoDB-wire server capabilities', () => {
  let conn: Connection;

  beforeAll(async () => {
    conn = await mongoose.createConnection(freshDbUrl('wire')).asPromise();
  });
  afterAll(async () => {
    await conn.dropDatabase();
    await conn.close();
  });

  it('enforces unique and compound unique indexes', async () => {
    const Client = conn.model('Client', clientSchema);
    await Client.init();
    const firmA = new Types.ObjectId();
    const firmB = new Types.ObjectId();
    const base = { name: 'X', searchKey: 'x', permissions: {} };
    await Client.create({ ...base, firmId: firmA, cnpj: '11222333000181' });
    await expect(Client.create({ ...base, firmId: firmA, cnpj: '11222333000181' })).rejects.toMatchObject({
      code: 11000,
    });
    // Same CNPJ in another firm is another tenant's client.
    await Client.create({ ...base, firmId: firmB, cnpj: '11222333000181' });
    expect(await Client.countDocuments({ cnpj: '11222333000181' })).toBe(2);

    const Message = conn.model('Message', messageSchema);
    await Message.init();
    const conversationId = new Types.ObjectId();
    const msg = {
      firmId: firmA,
      conversationId,
      sender: { kind: 'client' as const, id: 'c', name: 'C' },
      senderId: 'c',
      text: 't',
      clientCount: 1,
      firmCount: 0,
      createdAt: new Date(),
    };
    const c = String(conversationId);
    await Message.create({ ...msg, _id: `${c}:1`, seq: 1, clientMessageId: 'm1' });
    // The same seq under another _id, and the same sender key under another seq: both refused.
    await expect(
      Message.create({ ...msg, _id: `${c}:1x`, seq: 1, clientMessageId: 'm2' }),
    ).rejects.toMatchObject({ code: 11000 });
    await expect(
      Message.create({ ...msg, _id: `${c}:2`, seq: 2, clientMessageId: 'm1' }),
    ).rejects.toMatchObject({
      code: 11000,
    });
  });

  it('insertMany unordered stores the rest and names each refused document by index (group commit)', async () => {
    const Message = conn.model('Message', messageSchema);
    await Message.init();
    const conversationId = new Types.ObjectId();
    const c = String(conversationId);
    const doc = (seq: number, key: string) => ({
      _id: `${c}:${seq}`,
      firmId: new Types.ObjectId(),
      conversationId,
      seq,
      sender: { kind: 'client', id: 'c', name: 'C' },
      senderId: 'c',
      clientMessageId: key,
      clientCount: seq,
      firmCount: 0,
      text: 't',
      attachments: [],
      createdAt: new Date(),
    });
    const coll = conn.collection<ReturnType<typeof doc>>('messages');
    await coll.insertOne(doc(1, 'a'));
    const err = (await coll
      .insertMany([doc(2, 'b'), doc(1, 'x'), doc(3, 'a'), doc(4, 'd')], { ordered: false })
      .catch((e: unknown) => e)) as {
      writeErrors?: { index: number; code?: number; err?: { code?: number } }[];
    };
    expect(err.writeErrors?.map((w) => [w.index, w.err?.code ?? w.code]).sort()).toEqual([
      [1, 11000],
      [2, 11000],
    ]);
    const seqs = (await Message.find({ conversationId }).lean()).map((m) => m.seq).sort();
    expect(seqs).toEqual([1, 2, 4]);
  });

  it('moves counters forward only with $max, and adds to sets with $addToSet $each', async () => {
    const coll = conn.collection<{ _id: string; n: number; at: Date; w?: string[] }>('wire_max');
    await coll.insertOne({ _id: 'a', n: 5, at: new Date(1000) });
    await coll.updateOne({ _id: 'a' }, { $max: { n: 3, at: new Date(500) } });
    expect(await coll.findOne({ _id: 'a' })).toMatchObject({ n: 5, at: new Date(1000) });
    await coll.updateOne({ _id: 'a' }, { $max: { n: 9, at: new Date(2000) } });
    await coll.updateOne({ _id: 'a' }, { $addToSet: { w: { $each: ['x', 'y'] } } });
    await coll.updateOne({ _id: 'a' }, { $addToSet: { w: { $each: ['y', 'z'] } } });
    expect(await coll.findOne({ _id: 'a' })).toMatchObject({ n: 9, at: new Date(2000), w: ['x', 'y', 'z'] });
  });

  it('reports a unique violation by an update in a way isDuplicateKey recognizes', async () => {
    const Client = conn.model('Client', clientSchema);
    const firmId = new Types.ObjectId();
    const base = { name: 'X', searchKey: 'x', permissions: {}, firmId };
    await Client.create({ ...base, cnpj: '11222333000181' });
    const other = await Client.create({ ...base, cnpj: '12ABC34501DE35' });
    const err = await Client.findOneAndUpdate({ _id: other._id }, { $set: { cnpj: '11222333000181' } })
      .exec()
      .catch((e: unknown) => e);
    expect(isDuplicateKey(err)).toBe(true);
    const err2 = await Client.updateOne({ _id: other._id }, { $set: { cnpj: '11222333000181' } })
      .exec()
      .catch((e: unknown) => e);
    expect(isDuplicateKey(err2)).toBe(true);
    expect((await Client.findById(other._id).lean())?.cnpj).toBe('12ABC34501DE35');
  });

  it('keeps $inc exact under concurrent findOneAndUpdate and honours upsert with $setOnInsert', async () => {
    const Conversation = conn.model<ConversationDoc>('Conversation', conversationSchema);
    await Conversation.init();
    const firmId = new Types.ObjectId();
    const clientId = new Types.ObjectId();
    const upsert = () =>
      Conversation.findOneAndUpdate(
        { firmId, clientId },
        { $setOnInsert: { _id: new Types.ObjectId(), clientName: 'Cliente', lastSeq: 0 } },
        { upsert: true, returnDocument: 'after' },
      ).lean();
    const first = await upsert();
    const again = await upsert();
    expect(String(again?._id)).toBe(String(first?._id));

    const seqs = await Promise.all(
      Array.from({ length: 50 }, () =>
        Conversation.findOneAndUpdate(
          { _id: first?._id, firmId },
          { $inc: { lastSeq: 1, unreadForStaff: 1 } },
          { returnDocument: 'after' },
        ).lean(),
      ),
    );
    // Every caller saw a distinct value: the increments were atomic.
    expect(new Set(seqs.map((d) => d?.lastSeq)).size).toBe(50);
    const final = await Conversation.findById(first?._id).lean();
    expect(final?.lastSeq).toBe(50);
    expect(final?.unreadForStaff).toBe(50);
  });

  // FerretDB v1's SQLite backend pushes {_id: x} down as `_ferretdb_sjson->'$._id' = ?` but
  // indexes `_ferretdb_sjson->"_id"`, which SQLite does not match, so scripts/ferretdb adds
  // an index on the pushed-down expression to every collection table (see its main.go).
  it('looks documents up by _id through an index', async () => {
    const db = conn.db as unknown as Db | undefined;
    if (!db) throw new Error('no db handle');
    const name = `byid_${randomBytes(4).toString('hex')}`;
    const ids = [new Types.ObjectId(), new Types.ObjectId(), new Types.ObjectId()];
    await db.collection(name).insertMany(ids.map((_id, n) => ({ _id, n })));
    const explain = () =>
      db.command({ explain: { find: name, filter: { _id: ids[1] } }, verbosity: 'queryPlanner' });

    const buildInfo = await db.admin().command({ buildInfo: 1 });
    if (buildInfo.ferretdbVersion === undefined) {
      // MongoDB: the _id index serves the lookup (IDHACK; EXPRESS_IXSCAN from 8.0).
      const { queryPlanner } = await explain();
      expect(JSON.stringify(queryPlanner.winningPlan)).toMatch(/IDHACK|IXSCAN/);
      return;
    }

    // FerretDB's SQLite backend answers explain with SQLite's query plan lines.
    const plan = async (): Promise<string> => {
      // A real query first: FerretDB's connection may still hold the schema from before
      // the index, and EXPLAIN alone does not reload it.
      await db.collection(name).findOne({ _id: ids[1] });
      const { queryPlanner } = await explain();
      return ((queryPlanner?.Plan ?? []) as string[]).join('\n');
    };
    const first = await plan();
    if (!/^id=\d+ parent=\d+ notused=\d+ detail=/m.test(first)) {
      throw new Error(
        `FerretDB ${buildInfo.ferretdbVersion} without the SQLite backend (explain: ${first}); ` +
          'this test knows MongoDB and FerretDB-SQLite only',
      );
    }

    // The embedded server of `npm run services:up`: check its SQLite file directly, with the
    // exact query FerretDB pushes down.
    const dir = embeddedFerretDir(serviceUrls().mongo);
    if (dir !== null) {
      const file = path.join(dir, `${db.databaseName}.sqlite`);
      expect(existsSync(file)).toBe(true);
      const table = await sqlite3(
        file,
        `SELECT table_name FROM _ferretdb_collections WHERE name = '${name}'`,
      );
      expect(table).toMatch(/^\w+$/);
      const query = `EXPLAIN QUERY PLAN SELECT _ferretdb_sjson FROM "${table}" WHERE _ferretdb_sjson->'$._id' = ?`;
      const sqlitePlan = await pollFor(
        () => sqlite3(file, query),
        (p) => /SEARCH .*USING (COVERING )?INDEX/.test(p),
      );
      expect(sqlitePlan).toMatch(/SEARCH .*USING (COVERING )?INDEX/);
    }

    // And FerretDB's own planner picks it for the query it runs (the only check possible
    // against a FerretDB-SQLite other than the embedded one).
    expect(await pollFor(plan, (p) => /SEARCH .*USING (COVERING )?INDEX/.test(p))).toMatch(
      /SEARCH .*USING (COVERING )?INDEX/,
    );
  });

  it('stores and streams files through GridFS', async () => {
    const db = conn.db;
    if (!db) throw new Error('no db handle');
    const bucket = new GridFSBucket(db as never, { bucketName: 'files', chunkSizeBytes: 64 * 1024 });
    const data = randomBytes(300 * 1024);
    const id = await new Promise<unknown>((resolve, reject) => {
      const up = bucket.openUploadStream('guia.pdf', { metadata: { contentType: 'application/pdf' } });
      up.on('finish', () => resolve(up.id)).on('error', reject);
      up.end(data);
    });
    const chunks: Buffer[] = [];
    await new Promise<void>((resolve, reject) => {
      bucket
        .openDownloadStream(id as never)
        .on('data', (c: Buffer) => chunks.push(c))
        .on('end', () => resolve())
        .on('error', reject);
    });
    expect(Buffer.concat(chunks).equals(data)).toBe(true);
    const [file] = await bucket.find({ _id: id as never }).toArray();
    expect(file.length).toBe(data.length);
  });

  it('supports the aggregation stages we allow ourselves', async () => {
    const Items = conn.model('Item', new Schema({ firmId: Schema.Types.ObjectId, kind: String, n: Number }));
    const firmId = new Types.ObjectId();
    await Items.insertMany([
      { firmId, kind: 'a', n: 1 },
      { firmId, kind: 'a', n: 2 },
      { firmId, kind: 'b', n: 5 },
    ]);
    // FerretDB v1.24 computes only the first accumulator of a $group (the others
    // come back 0), so our code uses one accumulator per $group.
    const totals = await Items.aggregate([
      { $match: { firmId } },
      { $group: { _id: '$kind', total: { $sum: '$n' } } },
      { $sort: { _id: 1 } },
    ]);
    expect(totals).toEqual([
      { _id: 'a', total: 3 },
      { _id: 'b', total: 5 },
    ]);
    const counts = await Items.aggregate([
      { $match: { firmId } },
      { $group: { _id: '$kind', count: { $count: {} } } },
      { $sort: { count: -1 } },
      { $limit: 1 },
    ]);
    expect(counts).toEqual([{ _id: 'a', count: 2 }]);
    const [{ bigOnes }] = await Items.aggregate([
      { $match: { firmId, n: { $gte: 2 } } },
      { $count: 'bigOnes' },
    ]);
    expect(bigOnes).toBe(2);
  });
});
