import type { INestApplicationContext } from '@nestjs/common';
import { PendingPasswordsService } from '../clients/pending-passwords.service.js';
import { GuideJobsService } from '../documents/guide-jobs.service.js';
import { UnreadReminderService } from '../notifications/unread-reminder.service.js';
import { JobName, type JobHandlers } from './job.types.js';

/** The processor of every job, wired from a Nest context: the worker's, or a test's api. */
export function jobHandlers(app: INestApplicationContext): JobHandlers {
  const reminders = app.get(UnreadReminderService);
  const passwords = app.get(PendingPasswordsService);
  const guides = app.get(GuideJobsService);
  return {
    [JobName.GuideRead]: (data, context) => guides.processItem(data, context),
    [JobName.DocumentSend]: (data) => guides.processSend(data),
    [JobName.GuideReminder]: (data) => guides.processReminder(data),
    [JobName.DocumentEmail]: (data) => guides.processEmail(data),
    [JobName.UnreadReminder]: (data) => reminders.process(data),
    [JobName.PortalPasswords]: (data, context) => passwords.process(data, context),
  };
}
