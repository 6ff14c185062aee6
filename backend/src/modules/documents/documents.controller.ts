import { Controller, Headers, Ip, Req, Res, StreamableFile } from '@nestjs/common';
import type { Request, Response } from 'express';
import { api, type EndpointInput, type EndpointResponse } from '../../contract/index.js';
import { Endpoint, Input } from '../../common/endpoint.decorator.js';
import { Caller } from '../auth/auth.decorators.js';
import type { ClientPrincipal, StaffPrincipal } from '../auth/principal.js';
import type { DocumentDoc } from './document.schema.js';
import { DocumentsService } from './documents.service.js';

const d = api.documents;

function sendFile(res: Response, doc: DocumentDoc, stream: NodeJS.ReadableStream): StreamableFile {
  res.set({
    'Content-Type': doc.contentType,
    'Content-Length': String(doc.size),
    'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(doc.fileName)}`,
    'X-Content-Type-Options': 'nosniff',
  });
  return new StreamableFile(stream as never);
}

/** Documents and guias (contract: `documentsApi`). */
@Controller()
export class DocumentsController {
  constructor(private readonly documents: DocumentsService) {}

  @Endpoint(d.createBatch)
  createBatch(
    @Caller() caller: StaffPrincipal,
    @Req() req: Request,
  ): Promise<EndpointResponse<typeof d.createBatch>> {
    return this.documents.createBatch(caller, req);
  }

  @Endpoint(d.addToBatch)
  addToBatch(
    @Caller() caller: StaffPrincipal,
    @Input() { params }: EndpointInput<typeof d.addToBatch>,
    @Req() req: Request,
  ): Promise<EndpointResponse<typeof d.addToBatch>> {
    return this.documents.addToBatch(caller, params.id, req);
  }

  @Endpoint(d.batches)
  batches(@Caller() caller: StaffPrincipal): Promise<EndpointResponse<typeof d.batches>> {
    return this.documents.listBatches(caller);
  }

  @Endpoint(d.batch)
  batch(
    @Caller() caller: StaffPrincipal,
    @Input() { params }: EndpointInput<typeof d.batch>,
  ): Promise<EndpointResponse<typeof d.batch>> {
    return this.documents.batch(caller, params.id);
  }

  @Endpoint(d.assignItem)
  assignItem(
    @Caller() caller: StaffPrincipal,
    @Input() { params, body }: EndpointInput<typeof d.assignItem>,
  ): Promise<EndpointResponse<typeof d.assignItem>> {
    return this.documents.assignItem(caller, params.batchId, params.itemId, body.clientId);
  }

  @Endpoint(d.send)
  send(@Caller() caller: StaffPrincipal, @Req() req: Request): Promise<EndpointResponse<typeof d.send>> {
    return this.documents.send(caller, req);
  }

  @Endpoint(d.list)
  list(
    @Caller() caller: StaffPrincipal,
    @Input() { query }: EndpointInput<typeof d.list>,
  ): Promise<EndpointResponse<typeof d.list>> {
    return this.documents.list(caller, query);
  }

  @Endpoint(d.get)
  get(
    @Caller() caller: StaffPrincipal,
    @Input() { params }: EndpointInput<typeof d.get>,
  ): Promise<EndpointResponse<typeof d.get>> {
    return this.documents.get(caller, params.id);
  }

  @Endpoint(d.file)
  async file(
    @Caller() caller: StaffPrincipal,
    @Input() { params }: EndpointInput<typeof d.file>,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const { doc, stream } = await this.documents.file(caller, params.id);
    return sendFile(res, doc, stream);
  }

  @Endpoint(d.markPaid)
  markPaid(
    @Caller() caller: StaffPrincipal,
    @Input() { params }: EndpointInput<typeof d.markPaid>,
  ): Promise<EndpointResponse<typeof d.markPaid>> {
    return this.documents.markPaid(caller, params.id);
  }

  @Endpoint(d.mine)
  mine(
    @Caller() caller: ClientPrincipal,
    @Input() { query }: EndpointInput<typeof d.mine>,
  ): Promise<EndpointResponse<typeof d.mine>> {
    return this.documents.mine(caller, query);
  }

  @Endpoint(d.myDocument)
  myDocument(
    @Caller() caller: ClientPrincipal,
    @Input() { params }: EndpointInput<typeof d.myDocument>,
    @Ip() ip: string,
    @Headers('user-agent') userAgent: string | undefined,
  ): Promise<EndpointResponse<typeof d.myDocument>> {
    return this.documents.myDocument(caller, params.id, { ip, userAgent: userAgent ?? null });
  }

  @Endpoint(d.myFile)
  async myFile(
    @Caller() caller: ClientPrincipal,
    @Input() { params }: EndpointInput<typeof d.myFile>,
    @Ip() ip: string,
    @Headers('user-agent') userAgent: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const { doc, stream } = await this.documents.myFile(caller, params.id, {
      ip,
      userAgent: userAgent ?? null,
    });
    return sendFile(res, doc, stream);
  }

  @Endpoint(d.clientSend)
  clientSend(
    @Caller() caller: ClientPrincipal,
    @Req() req: Request,
  ): Promise<EndpointResponse<typeof d.clientSend>> {
    return this.documents.clientSend(caller, req);
  }

  @Endpoint(d.clientPaid)
  clientPaid(
    @Caller() caller: ClientPrincipal,
    @Input() { params }: EndpointInput<typeof d.clientPaid>,
    @Ip() ip: string,
    @Headers('user-agent') userAgent: string | undefined,
    @Req() req: Request,
  ): Promise<EndpointResponse<typeof d.clientPaid>> {
    return this.documents.clientPaid(caller, params.id, req, { ip, userAgent: userAgent ?? null });
  }
}
