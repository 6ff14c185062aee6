import { Inject, Injectable, Logger } from '@nestjs/common';
import { Types } from 'mongoose';
import {
  type DocumentCategory,
  GUIA_TYPE_LABELS,
  CATEGORY_LABELS,
  type GuiaType,
  type Permissions,
} from '../../contract/index.js';
import { EventBus } from '../../common/event-bus.js';
import { type AppConfig, APP_CONFIG } from '../../config/config.js';
import { ChatService } from '../chat/chat.service.js';
import type { GuiaFields } from './guia/read-guia.js';
import type { ClientDoc } from '../clients/client.schema.js';
import { ClientsService } from '../clients/clients.service.js';
import { JobName } from '../jobs/job.types.js';
import { JobsService } from '../jobs/jobs.service.js';
import {
  visibleTo,
  brCompetence,
  brDate,
  brl,
  payBy,
  toDocument,
  toMessageDocument,
  todayInBrazil,
} from './document.dto.js';
import { DocumentRepository } from './document.repository.js';
import type { DocumentDoc, DocumentSender, TrailDoc } from './document.schema.js';

/**
 * What a document keeps of a guia's reading (not who it belongs to: routing used that), all
 * null when it is not a guia or was not read; `type` may be a contract type no reader prints.
 */
export type GuiaData = Omit<GuiaFields, 'type' | 'cnpj' | 'cnpjRoot' | 'companyName'> & {
  type: GuiaType | null;
};
export const NO_GUIA_DATA: GuiaData = {
  type: null,
  competence: null,
  dueDate: null,
  payUntil: null,
  amountCents: null,
  documentNumber: null,
  barcode: null,
  linhaDigitavel: null,
  pix: false,
};

export interface Delivery {
  firmId: string;
  client: ClientDoc;
  documentId: string;
  file: { id: string; name: string; contentType: string; size: number; sha256: string };
  category: DocumentCategory;
  guia: GuiaData;
  /** "Título do envio": text shown with the file. */
  message: string | null;
  origin: 'firm' | 'client';
  sender: DocumentSender;
  batchId: string | null;
  emailUntil: string | null;
}

export type DeliveryOutcome =
  | { kind: 'delivered'; doc: DocumentDoc }
  | { kind: 'duplicate'; existing: DocumentDoc | null; existingId: string };

/** Days before the pay-by date the first reminder goes out. */
const REMIND_DAYS_BEFORE = 3;
/** Reminders go out at 09:00 in Brazil (UTC−3). */
const REMIND_HOUR_UTC = 12;

export function documentTitle(category: DocumentCategory, guia: GuiaData, fileName: string): string {
  if (category === 'guia' && guia.type) {
    const label = GUIA_TYPE_LABELS[guia.type];
    return guia.competence ? `${label} – ${brCompetence(guia.competence)}` : label;
  }
  const base = fileName.replace(/\.[^.]+$/, '');
  return base || CATEGORY_LABELS[category];
}

/**
 * Files a document under a client and posts it in the client's conversation, through the
 * chat's own path (seq, sync, unread counters, the unread reminder). Every step may run
 * again (a retried job): the document id is chosen before, the content-hash claim and the
 * insert keep the first, the chat message is deduplicated by `document:<id>`.
 */
@Injectable()
export class DeliveryService {
  private readonly logger = new Logger('Delivery');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly documents: DocumentRepository,
    private readonly clients: ClientsService,
    private readonly chat: ChatService,
    private readonly jobs: JobsService,
    private readonly events: EventBus,
  ) {}

  async deliver(d: Delivery): Promise<DeliveryOutcome> {
    const clientId = String(d.client._id);
    const held = await this.documents.claimHash(clientId, d.file.sha256, d.documentId);
    if (held) {
      return { kind: 'duplicate', existingId: held, existing: await this.documents.findById(d.firmId, held) };
    }
    const isGuia = d.category === 'guia';
    const now = new Date();
    let doc: DocumentDoc = {
      _id: new Types.ObjectId(d.documentId),
      firmId: new Types.ObjectId(d.firmId),
      clientId: new Types.ObjectId(clientId),
      category: d.category,
      type: isGuia ? (d.guia.type ?? 'outros') : null,
      // The sender's "Título do envio" when given, else what the document is.
      title: d.message ?? documentTitle(d.category, d.guia, d.file.name),
      message: d.message,
      fileId: d.file.id,
      fileName: d.file.name,
      contentType: d.file.contentType,
      size: d.file.size,
      sha256: d.file.sha256,
      ...(isGuia ? pickGuia(d.guia) : pickGuia(NO_GUIA_DATA)),
      status: isGuia && d.origin === 'firm' ? 'pending' : null,
      origin: d.origin,
      sender: d.sender,
      batchId: d.batchId,
      emailUntil: d.emailUntil,
      opens: 0,
      openedAt: null,
      downloadedAt: null,
      paidAt: null,
      receiptId: null,
      messageSeq: null,
      trail: [],
      createdAt: now,
    };
    try {
      doc = await this.documents.insert(doc);
    } catch (err) {
      await this.documents.releaseHash(clientId, d.file.sha256, d.documentId).catch(() => undefined);
      throw err;
    }
    const firstTime = !doc.trail.some((t) => t.event === 'delivered');
    if (firstTime && doc.status === 'pending') await this.replaceOlder(doc, d.client.permissions);
    // In the chat when the client may see it there (a DAS needs `dasSimples`…); what the client
    // sends always reaches the firm's conversation.
    const inChat = d.origin === 'client' || visibleTo(doc, d.client.permissions);
    let messageSeq: number | null = null;
    if (inChat) {
      const conversationId = await this.clients.conversationOf(d.client);
      const message = await this.chat.post({
        firmId: d.firmId,
        clientId,
        conversationId,
        sender: d.sender,
        clientMessageId: `document:${String(doc._id)}`,
        text: this.messageText(doc),
        document: toMessageDocument(doc),
      });
      messageSeq = message.seq;
    }
    if (firstTime) {
      const entry: TrailDoc = trail('delivered', inChat ? 'chat' : 'portal');
      await this.documents.record(String(doc._id), entry, { messageSeq });
      doc = { ...doc, messageSeq, trail: [...doc.trail, entry] };
      if (doc.category === 'guia' && doc.origin === 'firm')
        await this.clients.countUnopenedGuides(clientId, 1);
      await this.scheduleFollowUp(doc, d.client);
    }
    await this.publish(doc, d.client.permissions);
    return { kind: 'delivered', doc };
  }

  /** A reissued guia (same type and competence) replaces the client's older pending one. */
  private async replaceOlder(doc: DocumentDoc, permissions: Permissions): Promise<void> {
    const older = await this.documents.takeGuiaSlot(doc);
    if (!older) return;
    const before = await this.documents.setStatus(older, ['pending'], { status: 'replaced' }, null);
    if (!before) return;
    // A guia that will never be paid is no longer one the client has to open.
    if (before.opens === 0 && before.origin === 'firm')
      await this.clients.countUnopenedGuides(String(before.clientId), -1);
    await this.publish({ ...before, status: 'replaced' }, permissions);
  }

  private messageText(doc: DocumentDoc): string {
    const parts = [doc.title];
    if (doc.amountCents !== null) parts.push(brl(doc.amountCents));
    const by = payBy(doc);
    if (doc.category === 'guia' && by) parts.push(`vence em ${brDate(by)}`);
    return parts.join(' · ').slice(0, 10_000);
  }

  /** Due-date reminders (3 days before and on the day, 09:00) and the e-mail copy. */
  private async scheduleFollowUp(doc: DocumentDoc, client: ClientDoc): Promise<void> {
    const firmId = String(doc.firmId);
    const documentId = String(doc._id);
    const by = payBy(doc);
    if (doc.status === 'pending' && by) {
      const due = Date.parse(`${by}T${String(REMIND_HOUR_UTC).padStart(2, '0')}:00:00Z`);
      const plan: ['before' | 'due', number][] = [
        ['before', due - REMIND_DAYS_BEFORE * 86_400_000],
        ['due', due],
      ];
      for (const [when, at] of plan) {
        if (at <= Date.now()) continue;
        await this.jobs.addOnce(
          JobName.GuideReminder,
          { firmId, documentId, when },
          `guide-reminder-${documentId}-${when}`,
          at - Date.now(),
        );
      }
    }
    if (doc.origin === 'firm' && client.email && this.config.SMTP_URL) {
      await this.jobs.addOnce(
        JobName.DocumentEmail,
        { firmId, documentId, attempt: 1 },
        `document-email-${documentId}-1`,
        0,
      );
    }
  }

  /**
   * Tells the firm's staff, and the client when its permissions show it this document, that it
   * changed (`permissions`: the client's, read here when the caller has not got them).
   */
  async publish(doc: DocumentDoc, permissions?: Permissions): Promise<void> {
    const firmId = String(doc.firmId);
    const perms = permissions ?? (await this.clients.findById(firmId, String(doc.clientId)))?.permissions;
    await this.events.emit('document.updated', {
      firmId,
      document: toDocument(doc),
      clientMaySee: !!perms && visibleTo(doc, perms),
    });
  }

  /** Stops a guia's reminders (paid or replaced); a reminder that fires anyway checks the status. */
  async stopReminders(documentId: string): Promise<void> {
    for (const when of ['before', 'due']) {
      await this.jobs
        .remove(JobName.GuideReminder, `guide-reminder-${documentId}-${when}`)
        .catch(() => undefined);
    }
  }

  /** Whether a document's e-mail copy may still be retried today. */
  static emailStillDue(doc: DocumentDoc): boolean {
    const until = doc.emailUntil ?? payBy(doc);
    return !until || until >= todayInBrazil();
  }
}

function pickGuia(g: GuiaData) {
  return {
    competence: g.competence,
    dueDate: g.dueDate,
    payUntil: g.payUntil,
    amountCents: g.amountCents,
    documentNumber: g.documentNumber,
    barcode: g.barcode,
    linhaDigitavel: g.linhaDigitavel,
    pix: g.pix,
  };
}

export function trail(
  event: TrailDoc['event'],
  channel: string | null,
  extra: { ip?: string | null; userAgent?: string | null; note?: string | null } = {},
): TrailDoc {
  return {
    event,
    at: new Date(),
    channel,
    ip: extra.ip ?? null,
    userAgent: extra.userAgent ? extra.userAgent.slice(0, 300) : null,
    note: extra.note ?? null,
  };
}
