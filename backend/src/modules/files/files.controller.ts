import { Controller, Req, Res, StreamableFile } from '@nestjs/common';
import type { Request, Response } from 'express';
import { api, type EndpointInput, type EndpointResponse } from '../../contract/index.js';
import { Endpoint, Input } from '../../common/endpoint.decorator.js';
import { Caller } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { FilesService } from './files.service.js';

const { upload, download } = api.files;

@Controller()
export class FilesController {
  constructor(private readonly files: FilesService) {}

  /** Multipart `file`; the body is streamed (no interceptor buffers it), see FilesService.upload. */
  @Endpoint(upload)
  upload(@Caller() caller: Principal, @Req() req: Request): Promise<EndpointResponse<typeof upload>> {
    return this.files.upload(caller, req);
  }

  @Endpoint(download)
  async download(
    @Caller() caller: Principal,
    @Input() { params }: EndpointInput<typeof download>,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const { item, stream } = await this.files.download(caller, params.id);
    res.set({
      'Content-Type': item.contentType,
      'Content-Length': String(item.size),
      'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(item.name)}`,
      'X-Content-Type-Options': 'nosniff',
    });
    return new StreamableFile(stream);
  }
}
