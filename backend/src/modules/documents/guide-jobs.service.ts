import { Inject, Injectable, Logger } from '@nestjs/common';
import { Types } from 'mongoose';
import { ErrorCode, formatCnpj, type DocumentCategory } from '../../contract/index.js';
import { EventBus } from '../../common/event-bus.js';
import { type AppConfig, APP_CONFIG } from '../../config/config.js';
import { ChatService } from '../chat/chat.service.js';
import type { ClientDoc } from '../clients/client.schema.js';
import { ClientsService } from '../clients/clients.service.js';
import { FilesService } from '../files/files.service.js';
import { FirmsService } from '../firms/firms.service.js';
import { type JobContext, JobName, type JobPayloads } from '../jobs/job.types.js';
import { JobsService } from '../jobs/jobs.service.js';
import { MailService } from '../notifications/mail.service.js';
import { BatchRepository } from './batch.repository.js';
import { DeliveryService, documentTitle, type GuiaData, NO_GUIA_DATA, trail } from './delivery.service.js';
import {
  brDate,
  brl,
  effectiveStatus,
  visibleTo,
  payBy,
  toBatchItem,
  toMessageDocument,
} from './document.dto.js';
import { DocumentRepository, TRAIL_MAX } from './document.repository.js';
import type { BatchItemDoc } from './document.schema.js';
import { type GuiaFields, type GuiaReading, readGuiaPdf } from './guia/read-guia.js';
import { PdfReadError } from './guia/pdf-text.js';

/** What a job that an api request waits on answers. */
export type JobAnswer = { ok: true; documentId: string } | { ok: false; code: ErrorCode; message: string };

/** How long the e-mail copy waits between attempts: 5 min, doubling, at most 6 h. */
const emailBackoffMs = (attempt: number) => Math.min(6 * 3600_000, 5 * 60_000 * 2 ** (attempt - 1));

function guiaData(fields: Partial<GuiaFields>, trusted: boolean): GuiaData {
  return {
    type: fields.type ?? null,
    competence: fields.competence ?? null,
    dueDate: fields.dueDate ?? null,
    payUntil: fields.payUntil ?? null,
    // A guia whose checks disagreed keeps no amount or code: never a guessed value.
    amountCents: trusted ? (fields.amountCents ?? null) : null,
    documentNumber: fields.documentNumber ?? null,
    barcode: trusted ? (fields.barcode ?? null) : null,
    linhaDigitavel: trusted ? (fields.linhaDigitavel ?? null) : null,
    pix: fields.pix ?? false,
  };
}

/**
 * The `guide-delivery` queue's processors (worker): read a guia, route it to its client,
 * deliver it; remind before it is due; send its e-mail copy. Each is idempotent.
 */
@Injectable()
export class GuideJobsService {
  private readonly logger = new Logger('GuideDelivery');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly batches: BatchRepository,
    private readonly documents: DocumentRepository,
    private readonly delivery: DeliveryService,
    private readonly clients: ClientsService,
    private readonly files: FilesService,
    private readonly chat: ChatService,
    private readonly jobs: JobsService,
    private readonly mail: MailService,
    private readonly events: EventBus,
    private readonly firms: FirmsService,
  ) {}

  private async read(
    firmId: string,
    fileId: string,
  ): Promise<GuiaReading | { kind: 'failed'; reason: string }> {
    const data = await this.files.readAll(firmId, fileId, this.config.UPLOAD_MAX_MB * 1024 * 1024);
    try {
      return await readGuiaPdf(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    } catch (err) {
      if (err instanceof PdfReadError) return { kind: 'failed', reason: err.reason };
      throw err;
    }
  }

  private async update(item: BatchItemDoc, set: Partial<BatchItemDoc>): Promise<BatchItemDoc> {
    const after = (await this.batches.setItem(item, set)) ?? { ...item, ...set };
    await this.events.emit('batch.progress', {
      firmId: String(item.firmId),
      batchId: String(item.batchId),
      item: toBatchItem(after),
    });
    return after;
  }

  /** The client a guia belongs to, or why a person must choose. */
  private async route(firmId: string, f: Partial<GuiaFields>): Promise<ClientDoc | { reason: string }> {
    if (f.cnpj) {
      const client = await this.clients.findByCnpj(firmId, f.cnpj);
      return client ?? { reason: `CNPJ ${formatCnpj(f.cnpj)} não é cliente do escritório` };
    }
    if (f.cnpjRoot) {
      const found = await this.clients.findByCnpjRoot(firmId, f.cnpjRoot);
      if (found.length === 1) return found[0];
      if (!found.length) return { reason: `Nenhum cliente com a raiz de CNPJ ${f.cnpjRoot}` };
      return {
        reason: `A raiz de CNPJ ${f.cnpjRoot} é de ${found.length} clientes (matriz e filiais): escolha o cliente`,
      };
    }
    return { reason: 'CNPJ não encontrado na guia' };
  }

  /**
   * One file of a batch: read, route, deliver (or leave for review). A failure is retried
   * with backoff (the item says so meanwhile); after the last attempt the item is `failed`
   * with the reason, never left `reading`.
   */
  async processItem(job: JobPayloads[JobName.GuideRead], context?: JobContext): Promise<JobAnswer | null> {
    try {
      return await this.readAndDeliver(job);
    } catch (err) {
      const item = await this.batches.findItem(job.firmId, job.itemId).catch(() => null);
      if (item && (item.status === 'reading' || item.status === 'queued')) {
        const last = !context || context.lastAttempt;
        await this.update(item, {
          status: last ? 'failed' : 'reading',
          reason: last
            ? `Não foi possível processar: ${String((err as Error).message ?? err).slice(0, 200)}`
            : `Tentativa ${context.attempt} falhou; tentando de novo`,
        }).catch(() => undefined);
      }
      throw err;
    }
  }

  private async readAndDeliver(job: JobPayloads[JobName.GuideRead]): Promise<JobAnswer | null> {
    const { firmId } = job;
    let item = await this.batches.findItem(firmId, job.itemId);
    if (!item || String(item.batchId) !== job.batchId || !item.fileId) return null;
    if (item.status === 'delivered' || item.status === 'duplicate') {
      return item.documentId ? { ok: true, documentId: item.documentId } : null;
    }
    if (item.status === 'failed' || (item.status === 'review' && !job.clientId)) return null;
    item = await this.update(item, { status: 'reading', reason: null });
    const reading = await this.read(firmId, item.fileId!);
    if (reading.kind === 'failed') {
      await this.update(item, { status: 'failed', reason: reading.reason });
      return { ok: false, code: ErrorCode.UnsupportedFile, message: reading.reason };
    }
    const fields: Partial<GuiaFields> = reading.kind === 'unrecognized' ? {} : reading.fields;
    const read = {
      type: fields.type ?? null,
      cnpj: fields.cnpj ?? fields.cnpjRoot ?? null,
      competence: fields.competence ?? null,
      dueDate: fields.dueDate ?? null,
      amountCents: reading.kind === 'guia' ? (fields.amountCents ?? null) : null,
    };
    let client: ClientDoc | null = null;
    if (job.clientId) {
      client = await this.clients.findById(firmId, job.clientId);
      if (!client) return { ok: false, code: ErrorCode.NotFound, message: 'Client not found' };
    } else if (reading.kind !== 'guia') {
      await this.update(item, { status: 'review', reason: reading.reason, read });
      return null;
    } else {
      const routed = await this.route(firmId, fields);
      if ('reason' in routed) {
        await this.update(item, { status: 'review', reason: routed.reason, read });
        return null;
      }
      client = routed;
    }
    const documentId = item.documentId ?? String(new Types.ObjectId());
    if (!item.documentId) item = await this.update(item, { documentId, read });
    const batch = await this.batches.find(firmId, job.batchId);
    const outcome = await this.delivery.deliver({
      firmId,
      client,
      documentId,
      file: {
        id: item.fileId!,
        name: item.fileName,
        contentType: 'application/pdf',
        size: item.size,
        sha256: item.sha256 ?? '',
      },
      category: 'guia',
      guia: reading.kind === 'unrecognized' ? NO_GUIA_DATA : guiaData(fields, reading.kind === 'guia'),
      message: null,
      origin: 'firm',
      sender: {
        kind: 'staff',
        id: batch?.createdBy.id ?? 'system',
        name: batch?.createdBy.name ?? 'Escritório',
      },
      batchId: job.batchId,
      emailUntil: null,
    });
    const clientFields = { clientId: String(client._id), clientName: client.name };
    if (outcome.kind === 'duplicate') {
      const when = outcome.existing
        ? ` em ${brDate(outcome.existing.createdAt.toISOString().slice(0, 10))}`
        : '';
      await this.update(item, {
        status: 'duplicate',
        reason: `Este arquivo já foi enviado a ${client.name}${when}`,
        documentId: outcome.existingId,
        ...clientFields,
      });
      return { ok: true, documentId: outcome.existingId };
    }
    await this.update(item, { status: 'delivered', reason: null, documentId, ...clientFields });
    return { ok: true, documentId };
  }

  /** A document staff sent to a chosen client: guia fields read when it is a guia PDF. */
  async processSend(job: JobPayloads[JobName.DocumentSend]): Promise<JobAnswer> {
    const client = await this.clients.findById(job.firmId, job.clientId);
    if (!client) return { ok: false, code: ErrorCode.NotFound, message: 'Client not found' };
    const category = job.category as DocumentCategory;
    let guia = NO_GUIA_DATA;
    if (category === 'guia' && job.file.contentType === 'application/pdf') {
      const reading = await this.read(job.firmId, job.file.id);
      if (reading.kind === 'failed')
        return { ok: false, code: ErrorCode.UnsupportedFile, message: reading.reason };
      if (reading.kind === 'review') {
        return { ok: false, code: ErrorCode.Conflict, message: `Guia não enviada: ${reading.reason}` };
      }
      if (reading.kind === 'guia') {
        const f = reading.fields;
        const own = f.cnpj ? f.cnpj === client.cnpj : f.cnpjRoot ? client.cnpj.startsWith(f.cnpjRoot) : true;
        if (!own) {
          return {
            ok: false,
            code: ErrorCode.Conflict,
            message: `Esta guia é do CNPJ ${formatCnpj(f.cnpj ?? f.cnpjRoot ?? '')}, não de ${client.name}`,
          };
        }
        guia = guiaData(f, true);
      }
    }
    const outcome = await this.delivery.deliver({
      firmId: job.firmId,
      client,
      documentId: job.documentId,
      file: job.file,
      category,
      guia,
      message: job.title,
      origin: 'firm',
      sender: job.sender,
      batchId: null,
      emailUntil: job.emailUntil,
    });
    if (outcome.kind === 'duplicate') {
      return { ok: false, code: ErrorCode.Conflict, message: 'Este arquivo já foi enviado a este cliente' };
    }
    return { ok: true, documentId: job.documentId };
  }

  /** A due-date reminder: in the chat (and by e-mail when configured), unless paid or replaced. */
  async processReminder(job: JobPayloads[JobName.GuideReminder]): Promise<void> {
    const doc = await this.documents.findById(job.firmId, job.documentId);
    if (!doc) return;
    const status = effectiveStatus(doc);
    if (status !== 'pending' && status !== 'overdue') return;
    // A job run again after it reminded: nothing more (the chat post alone is deduplicated too).
    if (doc.trail.some((t) => t.event === 'reminded' && t.note === job.when)) return;
    const client = await this.clients.findById(job.firmId, String(doc.clientId));
    // A client whose permissions hide this guia is not reminded of it (nor shown it in the chat).
    if (!client || !visibleTo(doc, client.permissions)) return;
    const by = payBy(doc);
    const when = job.when === 'due' ? 'vence hoje' : `vence em ${brDate(by ?? '')}`;
    const amount = doc.amountCents !== null ? ` (${brl(doc.amountCents)})` : '';
    // Named by what it is (the sender's own title may not say it is a guia).
    const name = documentTitle('guia', doc, doc.fileName);
    const text = `Lembrete: ${name}${amount} ${when}. Se já pagou, anexe o comprovante em "Já paguei".`;
    const conversationId = await this.clients.conversationOf(client);
    await this.chat.post({
      firmId: job.firmId,
      clientId: String(client._id),
      conversationId,
      sender: { kind: 'system', id: 'reminder', name: 'Lembrete' },
      clientMessageId: `reminder:${job.documentId}:${job.when}`,
      text,
      document: toMessageDocument(doc),
    });
    await this.documents.record(job.documentId, trail('reminded', 'chat', { note: job.when }));
    if (client.email && this.config.SMTP_URL) {
      await this.mail.send({
        to: [client.email],
        subject: `${name}${amount}: ${when}`,
        text: `${text}\n\nAbrir no portal: ${this.config.PUBLIC_URL}/@${await this.firmSlug(job.firmId)}/app/processos?doc=${job.documentId}`,
      });
      await this.documents.record(job.documentId, trail('reminded', 'email', { note: job.when }));
    }
  }

  private async firmSlug(firmId: string): Promise<string> {
    return (await this.firms.findById(firmId))?.slug ?? '';
  }

  /** The e-mail copy of a document; failures go into the trail and retry until its date. */
  async processEmail(job: JobPayloads[JobName.DocumentEmail]): Promise<void> {
    const doc = await this.documents.findById(job.firmId, job.documentId);
    if (!doc || doc.trail.some((t) => t.event === 'emailed')) return;
    const client = await this.clients.findById(job.firmId, String(doc.clientId));
    if (!client?.email) return;
    try {
      const file = await this.files.readAll(job.firmId, doc.fileId, this.config.UPLOAD_MAX_MB * 1024 * 1024);
      const amount = doc.amountCents !== null ? ` – ${brl(doc.amountCents)}` : '';
      const by = payBy(doc);
      await this.mail.send({
        to: [client.email],
        subject: `${doc.title}${amount}${by ? ` – vence em ${brDate(by)}` : ''}`,
        text: [
          doc.message,
          `${doc.title}${amount}`,
          doc.linhaDigitavel ? `Linha digitável: ${doc.linhaDigitavel}` : null,
        ]
          .filter(Boolean)
          .join('\n\n'),
        attachments: [{ filename: doc.fileName, content: file, contentType: doc.contentType }],
      });
      await this.documents.record(job.documentId, trail('emailed', 'email', { note: client.email }));
      await this.publish(job.firmId, job.documentId);
    } catch (err) {
      const note = `tentativa ${job.attempt}: ${String((err as Error).message ?? err).slice(0, 200)}`;
      if (doc.trail.length < TRAIL_MAX)
        await this.documents.record(job.documentId, trail('email_failed', 'email', { note }));
      if (DeliveryService.emailStillDue(doc)) {
        const attempt = job.attempt + 1;
        await this.jobs.addOnce(
          JobName.DocumentEmail,
          { ...job, attempt },
          `document-email-${job.documentId}-${attempt}`,
          emailBackoffMs(job.attempt),
        );
      }
      this.logger.warn(`e-mail copy of ${job.documentId} failed (attempt ${job.attempt}): ${String(err)}`);
    }
  }

  private async publish(firmId: string, documentId: string): Promise<void> {
    const doc = await this.documents.findById(firmId, documentId);
    if (doc) await this.delivery.publish(doc);
  }
}
