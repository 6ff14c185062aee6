import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { type Db, GridFSBucket, ObjectId } from 'mongodb';
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

/** A file being stored; see FileRepository.createUpload. */
export interface FileUpload {
  readonly id: string;
  write(chunk: Buffer): Promise<void>;
  finish(): Promise<StoredFile>;
  /** Deletes whatever was stored, finished or not. */
  discard(): Promise<void>;
}

/** Attachments in GridFS (bucket `files`); metadata carries the tenant and the uploader. */
@Injectable()
export class FileRepository {
  constructor(@InjectConnection() private readonly connection: Connection) {}

  private db(): Db {
    const db = this.connection.db;
    if (!db) throw new Error('MongoDB connection is not open');
    return db as unknown as Db;
  }

  private bucket(): GridFSBucket {
    return new GridFSBucket(this.db(), { bucketName: 'files' });
  }

  /**
   * Starts storing a file whose bytes arrive in pieces. Each write resolves once
   * GridFS has taken the piece (a full chunk is inserted first), so no insert is
   * in flight when `discard` deletes what was written.
   */
  createUpload(name: string, meta: StoredFileMeta): FileUpload {
    const stream = this.bucket().openUploadStream(name, { metadata: meta });
    // Failures reach the caller through write() and finish(); an unheard 'error' would end the process.
    stream.on('error', () => undefined);
    const id = stream.id as ObjectId;
    let size = 0;
    return {
      id: String(id),
      write: (chunk) =>
        new Promise<void>((resolve, reject) =>
          stream.write(chunk, (err) => {
            if (err) return reject(err);
            size += chunk.length;
            resolve();
          }),
        ),
      finish: async () => {
        stream.end();
        await finished(stream);
        return { id: String(id), name, size, meta };
      },
      discard: async () => {
        stream.destroy();
        const db = this.db();
        await db.collection('files.chunks').deleteMany({ files_id: id });
        await db.collection('files.files').deleteOne({ _id: id });
      },
    };
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
    await this.db()
      .collection('files.files')
      .updateMany(
        { _id: { $in: fileIds.map((id) => new ObjectId(id)) }, 'metadata.firmId': firmId },
        { $set: { 'metadata.conversationId': conversationId } },
      );
  }

  async remove(fileId: string): Promise<void> {
    const id = new ObjectId(fileId);
    await this.db().collection('files.chunks').deleteMany({ files_id: id });
    await this.db().collection('files.files').deleteOne({ _id: id });
  }

  open(fileId: string): Readable {
    return this.bucket().openDownloadStream(new ObjectId(fileId));
  }
}
