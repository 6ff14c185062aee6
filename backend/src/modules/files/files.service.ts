import type { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, type FileItem } from '../../contract/index.js';
import { AppError, notFound } from '../../common/errors.js';
import { type AppConfig, APP_CONFIG } from '../../config/config.js';
import type { Principal } from '../auth/principal.js';
import { sniffContentType } from './file-type.js';
import { FileRepository } from './file.repository.js';

export interface UploadedFile {
  originalname: string;
  buffer: Buffer;
  size: number;
}

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

  async upload(caller: Principal, file: UploadedFile | undefined): Promise<FileItem> {
    this.assertCanUse(caller);
    if (!file)
      throw new AppError(400, ErrorCode.ValidationFailed, 'Send the file in the multipart field "file"');
    if (file.size > this.config.UPLOAD_MAX_MB * 1024 * 1024) {
      throw new AppError(413, ErrorCode.PayloadTooLarge, `Arquivo maior que ${this.config.UPLOAD_MAX_MB} MB`);
    }
    if (file.size === 0) throw new AppError(400, 'UNSUPPORTED_FILE', 'Arquivo vazio');
    const contentType = sniffContentType(file.buffer, file.originalname);
    if (!contentType) {
      throw new AppError(
        400,
        'UNSUPPORTED_FILE',
        'Tipo de arquivo não aceito: envie PDF, imagem, documento do Office ou XML',
      );
    }
    // Browsers send names as latin1 bytes of UTF-8; keep what the user saw.
    const name = Buffer.from(file.originalname, 'latin1').toString('utf8').slice(0, 200) || 'arquivo';
    const stored = await this.files.save(name, file.buffer, {
      firmId: caller.firmId,
      uploader:
        caller.kind === 'staff'
          ? { kind: 'staff', id: caller.staffId }
          : { kind: 'client', id: caller.clientId },
      contentType,
      conversationId: null,
    });
    return { id: stored.id, name: stored.name, contentType, size: stored.size };
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
}
