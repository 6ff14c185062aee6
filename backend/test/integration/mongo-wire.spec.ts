import { randomBytes } from 'node:crypto';
import { GridFSBucket } from 'mongodb';
import mongoose, { type Connection, Schema, Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationSchema, type ConversationDoc } from '../../src/modules/chat/conversation.schema.js';
import { messageSchema } from '../../src/modules/chat/message.schema.js';
import { clientSchema } from '../../src/modules/clients/client.schema.js';
import { isDuplicateKey } from '../../src/infra/mongo.util.js';
import { freshDbUrl } from '../helpers/env.js';

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
    };
    await Message.create({ ...msg, seq: 1, clientMessageId: 'm1' });
    await expect(Message.create({ ...msg, seq: 1, clientMessageId: 'm2' })).rejects.toMatchObject({
      code: 11000,
    });
    await expect(Message.create({ ...msg, seq: 2, clientMessageId: 'm1' })).rejects.toMatchObject({
      code: 11000,
    });
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
