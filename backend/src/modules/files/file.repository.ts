import type { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { GridFSBucket, ObjectId } from 'mongodb';
import type { Connection } from 'mongoose';

export interface StoredFileMeta {
  firmId: string;
  uploader: { kind: 'staff' | 'client'; id: string };
  contentType: string;
  /** Set when the file is sent in a message: who may download it. */
  conversationId: string | null;
}

export interface StoredFile {
  id: string;
  name: string;
  size: number;
  meta: StoredFileMeta;
}

/** Attachments in GridFS (bucket `files`); metadata carries the tenant and the uploader. */
@Injectable()
export class FileRepository {
  constructor(@InjectConnection() private readonly connection: Connection) {}

  private bucket(): GridFSBucket {
    const db = this.connection.db;
    if (!db) throw new Error('MongoDB connection is not open');
    return new GridFSBucket(db as never, { bucketName: 'files' });
  }

  save(name: string, data: Buffer, meta: StoredFileMeta): Promise<StoredFile> {
    return new Promise((resolve, reject) => {
      const up = this.bucket().openUploadStream(name, { metadata: meta });
      up.once('error', reject);
      up.once('finish', () => resolve({ id: String(up.id), name, size: data.length, meta }));
      up.end(data);
    });
  }

  async find(firmId: string, fileId: string): Promise<StoredFile | null> {
    const [doc] = await this.bucket()
      .find({ _id: new ObjectId(fileId), 'metadata.firmId': firmId })
      .limit(1)
      .toArray();
    if (!doc) return null;
    return {
      id: String(doc._id),
      name: doc.filename,
      size: doc.length,
      meta: doc.metadata as StoredFileMeta,
    };
  }

  async findMany(firmId: string, fileIds: string[]): Promise<StoredFile[]> {
    const docs = await this.bucket()
      .find({ _id: { $in: fileIds.map((id) => new ObjectId(id)) }, 'metadata.firmId': firmId })
      .toArray();
    return docs.map((doc) => ({
      id: String(doc._id),
      name: doc.filename,
      size: doc.length,
      meta: doc.metadata as StoredFileMeta,
    }));
  }

  async attachToConversation(firmId: string, fileIds: string[], conversationId: string): Promise<void> {
    const db = this.connection.db;
    if (!db) throw new Error('MongoDB connection is not open');
    await db
      .collection('files.files')
      .updateMany(
        { _id: { $in: fileIds.map((id) => new ObjectId(id)) }, 'metadata.firmId': firmId },
        { $set: { 'metadata.conversationId': conversationId } },
      );
  }

  open(fileId: string): Readable {
    return this.bucket().openDownloadStream(new ObjectId(fileId));
  }
}
