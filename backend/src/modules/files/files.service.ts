import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, type FileItem } from '../../contract/index.js';
import { AppError, notFound } from '../../common/errors.js';
import { type AppConfig, APP_CONFIG } from '../../config/config.js';
import type { Principal } from '../auth/principal.js';
import { safeFileName } from './file-name.js';
import { SNIFF_BYTES, sniffContentType } from './file-type.js';
import { type FileUpload, FileRepository, type StoredFile, type StoredFileMeta } from './file.repository.js';

export type { StoredFile };

/** Who stored a file: the caller, its firm; shared in no conversation yet. */
export type UploadOwner = Omit<StoredFileMeta, 'contentType'>;

export function uploadOwner(caller: Principal): UploadOwner {
  return {
    firmId: caller.firmId,
    uploader:
      caller.kind === 'staff'
        ? { kind: 'staff', id: caller.staffId }
        : { kind: 'client', id: caller.clientId },
    conversationId: null,
  };
}
import { type IncomingFile, receiveSingleFile, type UploadRequest } from './multipart.js';

@Injectable()
export class FilesService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly files: FileRepository,
  ) {}

  /** Clients send files in the chat and attach them to service forms. */
  private assertCanUse(caller: Principal): void {
    if (caller.kind === 'client' && !caller.permissions.chat && !caller.permissions.serviceForms) {
      throw new AppError(
        403,
        ErrorCode.PermissionDenied,
        'Permission "chat" or "serviceForms" is not granted',
      );
    }
  }

  /**
   * Streams the multipart body's one file into GridFS, judging its type from the
   * first bytes before storing any; nothing larger than UPLOAD_MAX_MB is ever
   * read into memory or left stored.
   */
  async upload(caller: Principal, body: UploadRequest): Promise<FileItem> {
    this.assertCanUse(caller);
    const owner = uploadOwner(caller);
    const { file } = await receiveSingleFile(
      body,
      {
        field: 'file',
        maxBytes: this.config.UPLOAD_MAX_MB * 1024 * 1024,
        tooLarge: () =>
          new AppError(413, ErrorCode.PayloadTooLarge, `Arquivo maior que ${this.config.UPLOAD_MAX_MB} MB`),
      },
      (incoming) => this.store(incoming, owner),
      ({ upload }) => upload.discard(),
    );
    return { id: file.id, name: file.name, contentType: file.meta.contentType, size: file.size };
  }

  /**
   * Stores one incoming file (a multipart part) in GridFS as it streams: its type judged from
   * the first bytes (and refused with UNSUPPORTED_FILE unless `accept` takes it), its name made
   * safe, its SHA-256 computed on the way. `upload.discard()` removes it again.
   */
  async store(
    incoming: IncomingFile,
    owner: UploadOwner,
    accept: (contentType: string) => boolean = () => true,
  ): Promise<{ upload: FileUpload; file: StoredFile; sha256: string }> {
    const hash = createHash('sha256');
    const head: Buffer[] = [];
    let headBytes = 0;
    let upload: FileUpload | undefined;
    const begin = async () => {
      const data = Buffer.concat(head);
      if (data.length === 0) throw new AppError(400, ErrorCode.UnsupportedFile, 'Arquivo vazio');
      const contentType = sniffContentType(data, incoming.name);
      if (!contentType) {
        throw new AppError(
          400,
          ErrorCode.UnsupportedFile,
          'Tipo de arquivo não aceito: envie PDF, imagem, documento do Office ou XML',
        );
      }
      if (!accept(contentType)) {
        throw new AppError(400, ErrorCode.UnsupportedFile, 'Tipo de arquivo não aceito aqui');
      }
      const started = this.files.createUpload(safeFileName(incoming.name, contentType), {
        ...owner,
        contentType,
      });
      upload = started;
      await started.write(data);
      return started;
    };
    try {
      for await (const chunk of incoming.data as AsyncIterable<Buffer>) {
        hash.update(chunk);
        if (upload) {
          await upload.write(chunk);
          continue;
        }
        head.push(chunk);
        headBytes += chunk.length;
        if (headBytes >= SNIFF_BYTES) await begin();
      }
      const done = upload ?? (await begin());
      return { upload: done, file: await done.finish(), sha256: hash.digest('hex') };
    } catch (err) {
      await upload?.discard();
      throw err;
    }
  }

  /** Staff of the firm may read any of its files; a client only its own uploads and its conversation's. */
  async download(caller: Principal, fileId: string): Promise<{ item: FileItem; stream: Readable }> {
    this.assertCanUse(caller);
    const file = await this.files.find(caller.firmId, fileId);
    if (!file) throw notFound('File');
    if (caller.kind === 'client') {
      const own = file.meta.uploader.kind === 'client' && file.meta.uploader.id === caller.clientId;
      const shared = !!caller.conversationId && file.meta.conversationId === caller.conversationId;
      if (!own && !shared) throw notFound('File');
    }
    return {
      item: { id: file.id, name: file.name, contentType: file.meta.contentType, size: file.size },
      stream: this.files.open(file.id),
    };
  }

  /** A stored file of the firm (documents keep their own access rules), or null. */
  find(firmId: string, fileId: string): Promise<StoredFile | null> {
    return this.files.find(firmId, fileId);
  }

  open(fileId: string): Readable {
    return this.files.open(fileId);
  }

  /** A stored file's bytes (the worker reads guias); refuses files above `maxBytes`. */
  async readAll(firmId: string, fileId: string, maxBytes: number): Promise<Buffer> {
    const file = await this.files.find(firmId, fileId);
    if (!file) throw notFound('File');
    if (file.size > maxBytes) throw new AppError(413, ErrorCode.PayloadTooLarge, 'Arquivo grande demais');
    const chunks: Buffer[] = [];
    for await (const chunk of this.files.open(fileId) as AsyncIterable<Buffer>) chunks.push(chunk);
    return Buffer.concat(chunks);
  }

  /** Removes a stored file (a batch file that turned out unusable). */
  discard(fileId: string): Promise<void> {
    return this.files.remove(fileId);
  }

  /** The firm's files among these ids (chat attaches them to messages). */
  findMany(firmId: string, fileIds: string[]): Promise<StoredFile[]> {
    return this.files.findMany(firmId, fileIds);
  }

  /** Marks these files as shared in the conversation, so its client may read them. */
  attachToConversation(firmId: string, fileIds: string[], conversationId: string): Promise<void> {
    return this.files.attachToConversation(firmId, fileIds, conversationId);
  }
}
