import type { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, type FileItem } from '../../contract/index.js';
import { AppError, notFound } from '../../common/errors.js';
import { type AppConfig, APP_CONFIG } from '../../config/config.js';
import type { Principal } from '../auth/principal.js';
import { safeFileName } from './file-name.js';
import { SNIFF_BYTES, sniffContentType } from './file-type.js';
import { type FileUpload, FileRepository, type StoredFile, type StoredFileMeta } from './file.repository.js';
import { type IncomingFile, receiveSingleFile, type UploadRequest } from './multipart.js';

@Injectable()
export class FilesService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly files: FileRepository,
  ) {}

  private assertCanUse(caller: Principal): void {
    if (caller.kind === 'client' && !caller.permissions.chat) {
      throw new AppError(403, ErrorCode.PermissionDenied, 'Permission "chat" is not granted');
    }
  }

  /**
   * Streams the multipart body's one file into GridFS, judging its type from the
   * first bytes before storing any; nothing larger than UPLOAD_MAX_MB is ever
   * read into memory or left stored.
   */
  async upload(caller: Principal, body: UploadRequest): Promise<FileItem> {
    this.assertCanUse(caller);
    const owner = {
      firmId: caller.firmId,
      uploader:
        caller.kind === 'staff'
          ? { kind: 'staff' as const, id: caller.staffId }
          : { kind: 'client' as const, id: caller.clientId },
      conversationId: null,
    };
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

  private async store(
    incoming: IncomingFile,
    owner: Omit<StoredFileMeta, 'contentType'>,
  ): Promise<{ upload: FileUpload; file: StoredFile }> {
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
        if (upload) {
          await upload.write(chunk);
          continue;
        }
        head.push(chunk);
        headBytes += chunk.length;
        if (headBytes >= SNIFF_BYTES) await begin();
      }
      const done = upload ?? (await begin());
      return { upload: done, file: await done.finish() };
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

  /** The firm's files among these ids (chat attaches them to messages). */
  findMany(firmId: string, fileIds: string[]): Promise<StoredFile[]> {
    return this.files.findMany(firmId, fileIds);
  }

  /** Marks these files as shared in the conversation, so its client may read them. */
  attachToConversation(firmId: string, fileIds: string[], conversationId: string): Promise<void> {
    return this.files.attachToConversation(firmId, fileIds, conversationId);
  }
}
