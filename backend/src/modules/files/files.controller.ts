import { Controller, Get, Param, Post, Req, Res, StreamableFile } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { FileItem } from '../../contract/index.js';
import { parseId } from '../../common/ids.js';
import { Caller, StaffOrClient } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { FilesService } from './files.service.js';

@Controller('files')
export class FilesController {
  constructor(private readonly files: FilesService) {}

  /** Multipart `file`; the body is streamed (no interceptor buffers it), see FilesService.upload. */
  @StaffOrClient()
  @Post()
  upload(@Caller() caller: Principal, @Req() req: Request): Promise<FileItem> {
    return this.files.upload(caller, req);
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
