import type { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { Types } from 'mongoose';
import {
  type Batch,
  type BatchItem,
  type BatchSummary,
  clientSendFieldsSchema,
  type Document,
  type DocumentCategory,
  type DocumentDetail,
  type DocumentListResponse,
  ErrorCode,
  type ListDocumentsQuery,
  type MyDocumentsResponse,
  sendDocumentFieldsSchema,
} from '../../contract/index.js';
import { AppError, notFound, validationFailed } from '../../common/errors.js';
import { type AppConfig, APP_CONFIG } from '../../config/config.js';
import type { ClientPrincipal, StaffPrincipal } from '../auth/principal.js';
import { ClientsService } from '../clients/clients.service.js';
import { safeFileName } from '../files/file-name.js';
import { FilesService, type StoredFile, type UploadOwner, uploadOwner } from '../files/files.service.js';
import { type IncomingFile, receiveFiles, type UploadRequest } from '../files/multipart.js';
import { JobName } from '../jobs/job.types.js';
import { JobsService } from '../jobs/jobs.service.js';
import { BatchRepository } from './batch.repository.js';
import { DeliveryService, NO_GUIA_DATA, trail } from './delivery.service.js';
import {
  effectiveStatus,
  toBatchItem,
  toDocument,
  toTrailEntry,
  todayInBrazil,
  visibleTo,
} from './document.dto.js';
import { DocumentRepository, TRAIL_MAX } from './document.repository.js';
import type { BatchDoc, BatchItemDoc, DocumentDoc } from './document.schema.js';
import type { JobAnswer } from './guide-jobs.service.js';

/** Files per upload request, and per batch. */
const FILES_PER_REQUEST = 50;
const FILES_PER_BATCH = 5000;
/** Documents the firm-wide list reads at most to answer one filtered page. */
const LIST_SCAN_MAX = 5000;
/** How long a single send waits for the worker to read and deliver it. */
const SEND_WAIT_MS = 30_000;

type Received = { ok: true; file: StoredFile; sha256: string } | { ok: false; name: string; reason: string };

export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
}

const readOnly = () => new AppError(403, ErrorCode.ReadOnlySession, 'Impersonated sessions are read-only');

@Injectable()
export class DocumentsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly documents: DocumentRepository,
    private readonly batches: BatchRepository,
    private readonly delivery: DeliveryService,
    private readonly clients: ClientsService,
    private readonly files: FilesService,
    private readonly jobs: JobsService,
  ) {}

  private get maxBytes() {
    return this.config.UPLOAD_MAX_MB * 1024 * 1024;
  }
  private tooLarge = () =>
    new AppError(413, ErrorCode.PayloadTooLarge, `Arquivo maior que ${this.config.UPLOAD_MAX_MB} MB`);

  // ---- batches -------------------------------------------------------------------------

  async createBatch(caller: StaffPrincipal, req: UploadRequest): Promise<Batch> {
    const batch = await this.batches.create(caller.firmId, { id: caller.staffId, name: caller.name });
    const items = await this.receiveIntoBatch(caller, batch, req);
    return this.toBatch({ ...batch, itemIds: items.map((i) => String(i._id)) }, items);
  }

  async addToBatch(caller: StaffPrincipal, batchId: string, req: UploadRequest): Promise<Batch> {
    const batch = await this.mustFindBatch(caller.firmId, batchId);
    if (batch.itemIds.length >= FILES_PER_BATCH) {
      throw validationFailed(`Um lote tem no máximo ${FILES_PER_BATCH} arquivos`);
    }
    const items = await this.receiveIntoBatch(caller, batch, req);
    return this.toBatch(batch, items);
  }

  /** Stores the request's PDFs (anything else becomes a failed item), then queues each to be read. */
  private async receiveIntoBatch(
    caller: StaffPrincipal,
    batch: BatchDoc,
    req: UploadRequest,
  ): Promise<BatchItemDoc[]> {
    const owner = uploadOwner(caller);
    const { files } = await receiveFiles<Received>(
      req,
      { field: 'files', maxFiles: FILES_PER_REQUEST, maxBytes: this.maxBytes, tooLarge: this.tooLarge },
      (incoming) => this.storePdf(incoming, owner),
      async (r) => {
        if (r.ok) await this.files.discard(r.file.id);
      },
    );
    const now = new Date();
    const items: BatchItemDoc[] = files.map((r) => ({
      _id: new Types.ObjectId(),
      firmId: new Types.ObjectId(caller.firmId),
      batchId: batch._id,
      fileId: r.ok ? r.file.id : null,
      fileName: r.ok ? r.file.name : r.name,
      size: r.ok ? r.file.size : 0,
      sha256: r.ok ? r.sha256 : null,
      status: r.ok ? 'queued' : 'failed',
      reason: r.ok ? null : r.reason,
      clientId: null,
      clientName: null,
      documentId: null,
      read: null,
      createdAt: now,
    }));
    const before = batch.itemIds.length;
    await this.batches.addItems(batch, items);
    // Fair turns between batches: a file's priority is its place in its batch, so the first
    // files of a firm's new batch go before the 900th file of another's (a single send, a
    // review assignment and reminders carry no priority and go before all of them).
    for (const [i, item] of items.entries()) {
      if (item.status !== 'queued') continue;
      const itemId = String(item._id);
      await this.jobs.addOnce(
        JobName.GuideRead,
        { firmId: caller.firmId, batchId: String(batch._id), itemId },
        `guide-read-${itemId}`,
        0,
        before + i + 1,
      );
    }
    return items;
  }

  private async storePdf(incoming: IncomingFile, owner: UploadOwner): Promise<Received> {
    try {
      const { file, sha256 } = await this.files.store(incoming, owner, (t) => t === 'application/pdf');
      return { ok: true, file, sha256 };
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== ErrorCode.UnsupportedFile) throw err;
      // The rest of this part is read and dropped; the next file follows.
      incoming.data.resume();
      const name = safeFileName(incoming.name, 'application/pdf');
      return {
        ok: false,
        name,
        reason: err.message === 'Arquivo vazio' ? 'Arquivo vazio' : 'O arquivo não é um PDF',
      };
    }
  }

  private async mustFindBatch(firmId: string, batchId: string): Promise<BatchDoc> {
    const batch = await this.batches.find(firmId, batchId);
    if (!batch) throw notFound('Batch');
    return batch;
  }

  private toBatch(batch: BatchDoc, items: BatchItemDoc[]): Batch {
    return {
      id: String(batch._id),
      createdAt: batch.createdAt.toISOString(),
      items: items.map(toBatchItem),
      createdBy: batch.createdBy,
      counts: { ...batch.counts },
    };
  }

  async batch(caller: StaffPrincipal, batchId: string): Promise<Batch> {
    const batch = await this.mustFindBatch(caller.firmId, batchId);
    const items = await this.batches.itemsOf(batch);
    // The counts as the items say now (the stored ones move with every change, this is exact).
    const counts = { ...batch.counts };
    for (const k of Object.keys(counts) as (keyof typeof counts)[]) counts[k] = 0;
    for (const i of items) counts[i.status] += 1;
    return { ...this.toBatch(batch, items), counts };
  }

  async listBatches(caller: StaffPrincipal): Promise<{ items: BatchSummary[] }> {
    const list = await this.batches.list(caller.firmId);
    return {
      items: list.map((b) => ({
        id: String(b._id),
        createdAt: b.createdAt.toISOString(),
        createdBy: b.createdBy,
        counts: { ...b.counts },
        total: b.itemIds.length,
      })),
    };
  }

  async assignItem(
    caller: StaffPrincipal,
    batchId: string,
    itemId: string,
    clientId: string,
  ): Promise<BatchItem> {
    const batch = await this.mustFindBatch(caller.firmId, batchId);
    const item = await this.batches.findItem(caller.firmId, itemId);
    if (!item || String(item.batchId) !== String(batch._id)) throw notFound('Batch item');
    if (!(await this.clients.findById(caller.firmId, clientId))) throw notFound('Client');
    if (item.status !== 'review') {
      throw new AppError(409, ErrorCode.Conflict, 'Só itens em revisão podem ser atribuídos a um cliente');
    }
    const answer = await this.waitFor(
      this.jobs.addAndWait(
        JobName.GuideRead,
        { firmId: caller.firmId, batchId, itemId, clientId },
        `guide-assign-${itemId}-${clientId}-${Date.now()}`,
        SEND_WAIT_MS,
      ),
    );
    if (!answer.ok) throw this.answerError(answer);
    const after = await this.batches.findItem(caller.firmId, itemId);
    return toBatchItem(after ?? item);
  }

  private async waitFor(job: Promise<unknown>): Promise<JobAnswer> {
    try {
      return (
        ((await job) as JobAnswer | null) ?? { ok: false, code: ErrorCode.Conflict, message: 'Nada a fazer' }
      );
    } catch (err) {
      if (/timed out|timeout/i.test(String((err as Error).message))) {
        throw new AppError(
          503,
          ErrorCode.Unavailable,
          'A leitura do documento está demorando; confira em instantes',
        );
      }
      throw err;
    }
  }

  private answerError(a: Extract<JobAnswer, { ok: false }>): AppError {
    const status = a.code === ErrorCode.NotFound ? 404 : a.code === ErrorCode.Conflict ? 409 : 400;
    return new AppError(status, a.code, a.message);
  }

  // ---- single sends ---------------------------------------------------------------------

  async send(caller: StaffPrincipal, req: UploadRequest): Promise<Document> {
    const { file, sha256, fields } = await this.receiveOne(caller, req, [
      'clientId',
      'category',
      'title',
      'fileName',
      'emailUntil',
    ]);
    const discard = () => this.files.discard(file.id).catch(() => undefined);
    const parsed = sendDocumentFieldsSchema.safeParse(fields);
    if (!parsed.success) {
      await discard();
      const issue = parsed.error.issues[0];
      throw validationFailed(`${issue.path.join('.') || 'body'}: ${issue.message}`);
    }
    const f = parsed.data;
    if (!(await this.clients.findById(caller.firmId, f.clientId))) {
      await discard();
      throw notFound('Client');
    }
    const documentId = String(new Types.ObjectId());
    const name = f.fileName ? safeFileName(f.fileName, file.meta.contentType) : file.name;
    const answer = await this.waitFor(
      this.jobs.addAndWait(
        JobName.DocumentSend,
        {
          firmId: caller.firmId,
          clientId: f.clientId,
          documentId,
          file: { id: file.id, name, contentType: file.meta.contentType, size: file.size, sha256 },
          category: f.category,
          title: f.title || null,
          emailUntil: f.emailUntil ?? null,
          sender: { kind: 'staff', id: caller.staffId, name: caller.name },
        },
        `document-send-${documentId}`,
        SEND_WAIT_MS,
      ),
    );
    if (!answer.ok) {
      await discard();
      throw this.answerError(answer);
    }
    const doc = await this.documents.findById(caller.firmId, answer.documentId);
    if (!doc) throw notFound('Document');
    return toDocument(doc);
  }

  // ---- the firm's lists and proof ------------------------------------------------------

  async list(caller: StaffPrincipal, q: ListDocumentsQuery): Promise<DocumentListResponse> {
    const today = todayInBrazil();
    const matches = (d: DocumentDoc) =>
      (!q.category || d.category === q.category) &&
      (!q.status || effectiveStatus(d, today) === q.status) &&
      (q.unopened === undefined ||
        (d.category === 'guia' && d.origin === 'firm' && (d.opens === 0) === q.unopened)) &&
      (!q.competence || d.competence === q.competence) &&
      (!q.batchId || d.batchId === q.batchId);
    const from = (q.page - 1) * q.pageSize;
    const items: DocumentDoc[] = [];
    let total = 0;
    if (q.clientId) {
      for (const d of await this.documents.listByClient(caller.firmId, q.clientId)) {
        if (!matches(d)) continue;
        if (total >= from && items.length < q.pageSize) items.push(d);
        total += 1;
      }
    } else {
      await this.documents.scanFirm(
        caller.firmId,
        (d) => {
          if (!matches(d)) return true;
          if (total >= from && items.length < q.pageSize) items.push(d);
          total += 1;
          return true;
        },
        LIST_SCAN_MAX,
      );
    }
    return { items: items.map((d) => toDocument(d, today)), total };
  }

  private async mustFind(firmId: string, id: string): Promise<DocumentDoc> {
    const doc = await this.documents.findById(firmId, id);
    if (!doc) throw notFound('Document');
    return doc;
  }

  async get(caller: StaffPrincipal, id: string): Promise<DocumentDetail> {
    const doc = await this.mustFind(caller.firmId, id);
    const client = await this.clients.findById(caller.firmId, String(doc.clientId));
    return {
      ...toDocument(doc),
      trail: doc.trail.map(toTrailEntry),
      client: { id: String(doc.clientId), name: client?.name ?? '', cnpj: client?.cnpj ?? '' },
    };
  }

  async file(caller: StaffPrincipal, id: string): Promise<{ doc: DocumentDoc; stream: Readable }> {
    const doc = await this.mustFind(caller.firmId, id);
    return { doc, stream: this.files.open(doc.fileId) };
  }

  async markPaid(caller: StaffPrincipal, id: string): Promise<Document> {
    const doc = await this.mustFind(caller.firmId, id);
    return this.setPaid(doc, trail('paid', 'firm', { note: `marcada por ${caller.name}` }), null);
  }

  private async setPaid(
    doc: DocumentDoc,
    entry: ReturnType<typeof trail>,
    receiptId: string | null,
  ): Promise<Document> {
    if (doc.category !== 'guia')
      throw new AppError(409, ErrorCode.Conflict, 'Só guias podem ser marcadas como pagas');
    const set = { status: 'paid' as const, paidAt: entry.at, ...(receiptId ? { receiptId } : {}) };
    const before = await this.documents.setStatus(String(doc._id), ['pending'], set, entry);
    if (!before) throw new AppError(409, ErrorCode.Conflict, 'Esta guia não está a pagar');
    await this.delivery.stopReminders(String(doc._id));
    const after = { ...before, ...set };
    await this.delivery.publish(after);
    return toDocument(after);
  }

  // ---- the client's area ---------------------------------------------------------------

  private assertAnyDocumentPermission(caller: ClientPrincipal): void {
    const p = caller.permissions;
    if (!p.documents && !p.dasSimples && !p.dasMei) {
      throw new AppError(403, ErrorCode.PermissionDenied, 'Permission "documents" is not granted');
    }
  }

  async mine(
    caller: ClientPrincipal,
    q: { category?: DocumentCategory; type?: DocumentDoc['type'] },
  ): Promise<MyDocumentsResponse> {
    this.assertAnyDocumentPermission(caller);
    const today = todayInBrazil();
    const docs = await this.documents.listByClient(caller.firmId, caller.clientId);
    return {
      items: docs
        .filter(
          (d) =>
            visibleTo(d, caller.permissions) &&
            (!q.category || d.category === q.category) &&
            (!q.type || d.type === q.type),
        )
        .map((d) => toDocument(d, today)),
    };
  }

  private async mine1(caller: ClientPrincipal, id: string): Promise<DocumentDoc> {
    this.assertAnyDocumentPermission(caller);
    const doc = await this.documents.findById(caller.firmId, id);
    if (!doc || String(doc.clientId) !== caller.clientId || !visibleTo(doc, caller.permissions)) {
      throw notFound('Document');
    }
    return doc;
  }

  /** Records the client's first (and every) open, never staff looking through its eyes. */
  private async recordOpen(
    caller: ClientPrincipal,
    doc: DocumentDoc,
    meta: RequestMeta,
  ): Promise<DocumentDoc> {
    if (caller.impersonator) return doc;
    const entry = doc.trail.length < TRAIL_MAX ? trail('opened', 'portal', meta) : null;
    const first = await this.documents.countOpen(String(doc._id), entry);
    if (!first) return doc;
    if (doc.category === 'guia' && doc.origin === 'firm') {
      await this.clients.countUnopenedGuides(caller.clientId, -1);
    }
    const after = { ...doc, opens: 1, openedAt: entry?.at ?? new Date() };
    await this.delivery.publish(after, caller.permissions);
    return after;
  }

  async myDocument(caller: ClientPrincipal, id: string, meta: RequestMeta): Promise<Document> {
    const doc = await this.mine1(caller, id);
    return toDocument(await this.recordOpen(caller, doc, meta));
  }

  async myFile(
    caller: ClientPrincipal,
    id: string,
    meta: RequestMeta,
  ): Promise<{ doc: DocumentDoc; stream: Readable }> {
    let doc = await this.mine1(caller, id);
    if (!caller.impersonator) {
      if (doc.opens === 0) doc = await this.recordOpen(caller, doc, meta);
      const entry = doc.trail.length < TRAIL_MAX ? trail('downloaded', 'portal', meta) : null;
      await this.documents.record(
        String(doc._id),
        entry,
        doc.downloadedAt ? {} : { downloadedAt: new Date() },
      );
      if (!doc.downloadedAt) {
        await this.delivery.publish({ ...doc, downloadedAt: new Date() }, caller.permissions);
      }
    }
    return { doc, stream: this.files.open(doc.fileId) };
  }

  /** The request's one file (stored as the caller's upload) and its text fields. */
  private async receiveOne(
    caller: StaffPrincipal | ClientPrincipal,
    req: UploadRequest,
    fields: readonly string[],
    accept?: (contentType: string) => boolean,
  ): Promise<{ file: StoredFile; sha256: string; fields: Record<string, string> }> {
    const owner = uploadOwner(caller);
    const received = await receiveFiles(
      req,
      { field: 'file', maxFiles: 1, maxBytes: this.maxBytes, tooLarge: this.tooLarge, fields },
      (incoming) => this.files.store(incoming, owner, accept),
      ({ upload }) => upload.discard(),
    );
    const [{ file, sha256 }] = received.files;
    return { file, sha256, fields: received.fields };
  }

  /** A file the client sends to the firm (never from a read-only session). */
  private receiveFromClient(
    caller: ClientPrincipal,
    req: UploadRequest,
    accept?: (contentType: string) => boolean,
  ): Promise<{ file: StoredFile; sha256: string; fields: Record<string, string> }> {
    if (caller.impersonator) throw readOnly();
    return this.receiveOne(caller, req, ['title', 'category'], accept);
  }

  private async deliverFromClient(
    caller: ClientPrincipal,
    received: { file: StoredFile; sha256: string },
    category: DocumentCategory,
    message: string | null,
  ): Promise<DocumentDoc> {
    const client = await this.clients.findById(caller.firmId, caller.clientId);
    if (!client) throw notFound('Client');
    const { file, sha256 } = received;
    const outcome = await this.delivery.deliver({
      firmId: caller.firmId,
      client,
      documentId: String(new Types.ObjectId()),
      file: { id: file.id, name: file.name, contentType: file.meta.contentType, size: file.size, sha256 },
      category,
      guia: NO_GUIA_DATA,
      message,
      origin: 'client',
      sender: { kind: 'client', id: caller.clientId, name: caller.name },
      batchId: null,
      emailUntil: null,
    });
    if (outcome.kind === 'duplicate') {
      await this.files.discard(file.id).catch(() => undefined);
      throw new AppError(409, ErrorCode.Conflict, 'Você já enviou este arquivo');
    }
    return outcome.doc;
  }

  async clientSend(caller: ClientPrincipal, req: UploadRequest): Promise<Document> {
    const received = await this.receiveFromClient(caller, req);
    const parsed = clientSendFieldsSchema
      .extend({ category: sendDocumentFieldsSchema.shape.category.optional() })
      .safeParse(received.fields);
    if (!parsed.success) {
      await this.files.discard(received.file.id).catch(() => undefined);
      throw validationFailed(parsed.error.issues[0].message);
    }
    const category = parsed.data.category ?? 'guia';
    const doc = await this.deliverFromClient(caller, received, category, parsed.data.title || null);
    return toDocument(doc);
  }

  async clientPaid(
    caller: ClientPrincipal,
    id: string,
    req: UploadRequest,
    meta: RequestMeta,
  ): Promise<Document> {
    if (caller.impersonator) throw readOnly();
    const doc = await this.mine1(caller, id);
    const status = effectiveStatus(doc);
    if (doc.category !== 'guia' || (status !== 'pending' && status !== 'overdue')) {
      throw new AppError(409, ErrorCode.Conflict, 'Esta guia não está a pagar');
    }
    const received = await this.receiveFromClient(
      caller,
      req,
      (t) => t === 'application/pdf' || t.startsWith('image/'),
    );
    const receipt = await this.deliverFromClient(
      caller,
      received,
      'comprovante',
      `Comprovante de pagamento: ${doc.title}`,
    );
    return this.setPaid(
      doc,
      trail('paid', 'portal', { ...meta, note: 'comprovante anexado' }),
      String(receipt._id),
    );
  }
}
