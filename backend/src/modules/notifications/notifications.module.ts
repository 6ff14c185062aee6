import { Module } from '@nestjs/common';
import { ChatModule } from '../chat/chat.module.js';
import { ClientsModule } from '../clients/clients.module.js';
import { JobsModule } from '../jobs/jobs.module.js';
import { StaffModule } from '../staff/staff.module.js';
import { MailRepository } from './mail.repository.js';
import { MailService } from './mail.service.js';
import { UnreadReminderService } from './unread-reminder.service.js';

@Module({
  imports: [ChatModule, ClientsModule, JobsModule, StaffModule],
  providers: [MailRepository, MailService, UnreadReminderService],
  exports: [UnreadReminderService, MailService],
})
export class NotificationsModule {}
