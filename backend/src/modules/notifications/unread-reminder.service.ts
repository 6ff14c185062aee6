import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { EventBus } from '../../common/event-bus.js';
import { plural } from '../../contract/words.js';
import { type AppConfig, APP_CONFIG } from '../../config/config.js';
import { ConversationsService } from '../chat/conversations.service.js';
import { ClientsService } from '../clients/clients.service.js';
import { JobName, type JobPayloads } from '../jobs/job.types.js';
import { JobsService } from '../jobs/jobs.service.js';
import { StaffService } from '../staff/staff.service.js';
import { MailRepository } from './mail.repository.js';

const jobId = (conversationId: string, side: 'staff' | 'client') => `reminder-${conversationId}-${side}`;

/**
 * Unread reminders: the first unread message of a side schedules one delayed
 * job for that conversation and side (the job id deduplicates); a read that
 * leaves nothing unread removes it; when it fires with messages still unread,
 * the recipient is notified once and the monitor shows it.
 */
@Injectable()
export class UnreadReminderService implements OnModuleInit {
  private readonly logger = new Logger('UnreadReminders');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly jobs: JobsService,
    private readonly conversations: ConversationsService,
    private readonly clients: ClientsService,
    private readonly staff: StaffService,
    private readonly mail: MailRepository,
    private readonly events: EventBus,
  ) {}

  onModuleInit(): void {
    this.events.on('message.created', async (e) => {
      const side = e.message.sender.kind === 'client' ? 'staff' : 'client';
      await this.jobs.addOnce(
        JobName.UnreadReminder,
        { firmId: e.firmId, conversationId: e.message.conversationId, side, seq: e.message.seq },
        jobId(e.message.conversationId, side),
        this.config.UNREAD_REMINDER_SECONDS * 1000,
      );
    });
    this.events.on('conversation.read', async (e) => {
      const left = e.side === 'staff' ? e.unread.unreadForStaff : e.unread.pendingForClient;
      if (left === 0) await this.jobs.remove(JobName.UnreadReminder, jobId(e.conversationId, e.side));
    });
  }

  /**
   * Worker side: runs when the delay is over. The claim is atomic, so two jobs never both
   * send; this job run again after its worker died between claim and send (BullMQ hands a
   * job whose lock lapsed to another worker) sends then, once it has sent it sends no more.
   * Only a worker dying between the mail going out and `reminderSent` can repeat a mail.
   */
  async process(job: JobPayloads[JobName.UnreadReminder]): Promise<void> {
    const { firmId, conversationId, side, seq } = job;
    const live = await this.conversations.findById(firmId, conversationId);
    if (!live) return;
    const conv = live.doc;
    const count = side === 'staff' ? live.unreadForStaff : live.pendingForClient;
    if (count === 0) return;
    if (!(await this.conversations.claimReminder(conversationId, side, new Date(), seq))) return;
    try {
      const to = await this.recipients(
        firmId,
        conv.clientId.toString(),
        conv.assigneeId?.toString() ?? null,
        side,
      );
      const link = side === 'staff' ? `${this.config.PUBLIC_URL}/inbox` : `${this.config.PUBLIC_URL}`;
      await this.mail.send({
        to,
        subject:
          side === 'staff'
            ? `${conv.clientName}: ${plural(count, 'mensagem aguardando', 'mensagens aguardando')} resposta`
            : `Você tem ${plural(count, 'mensagem não lida', 'mensagens não lidas')} do seu escritório de contabilidade`,
        text:
          side === 'staff'
            ? `O cliente ${conv.clientName} enviou ${plural(count, 'mensagem que ainda não foi lida', 'mensagens que ainda não foram lidas')}.\n\nAbrir: ${link}`
            : `O escritório enviou ${plural(count, 'mensagem', 'mensagens')} que você ainda não leu.\n\nAcesse o portal: ${link}`,
      });
    } catch (err) {
      // Let the retry notify: the claim is released so the next attempt can take it.
      await this.conversations.releaseReminder(conversationId, side);
      throw err;
    }
    // Not a failure of the job once the mail is out: failing would send it again.
    await this.conversations
      .reminderSent(conversationId, side)
      .catch((err: unknown) =>
        this.logger.warn(`reminder of ${conversationId} sent, not marked: ${String(err)}`),
      );
    this.logger.log(`reminded ${side} of conversation ${conversationId}`);
  }

  private async recipients(
    firmId: string,
    clientId: string,
    assigneeId: string | null,
    side: 'staff' | 'client',
  ) {
    if (side === 'client') {
      const client = await this.clients.findById(firmId, clientId);
      return client?.email ? [client.email] : [];
    }
    if (assigneeId) {
      const assignee = await this.staff.findById(firmId, assigneeId);
      if (assignee) return [assignee.email];
    }
    return (await this.staff.listAccounts(firmId)).map((s) => s.email);
  }
}
