import {
  Controller,
  Get,
  Param,
  Post,
  Res,
  StreamableFile,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import type { Response } from 'express';
import type { FileItem } from '../../contract/index.js';
import { parseId } from '../../common/ids.js';
import { Caller, StaffOrClient } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { FilesService, type UploadedFile as Upload } from './files.service.js';

// Multer stops reading past this; the service gives the configured limit its own clear error.
const HARD_LIMIT_BYTES = 101 * 1024 * 1024;

@Controller('files')
export class FilesController {
  constructor(private readonly files: FilesService) {}

  @StaffOrClient()
  @Post()
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: HARD_LIMIT_BYTES, files: 1 } }))
  upload(@Caller() caller: Principal, @UploadedFile() file: Upload | undefined): Promise<FileItem> {
    return this.files.upload(caller, file);
  }

  @StaffOrClient()
  @Get(':id')
  async download(
    @Caller() caller: Principal,
    @Param('id') id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const { item, stream } = await this.files.download(caller, parseId(id, 'File'));
    res.set({
      'Content-Type': item.contentType,
      'Content-Length': String(item.size),
      'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(item.name)}`,
      'X-Content-Type-Options': 'nosniff',
    });
    return new StreamableFile(stream);
  }
}
