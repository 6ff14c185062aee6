import { Injectable } from '@nestjs/common';
import { type Mail, MailRepository } from './mail.repository.js';

/** Outgoing mail for other modules (SMTP_URL; without it nothing is sent). */
@Injectable()
export class MailService {
  constructor(private readonly mail: MailRepository) {}

  send(mail: Mail): Promise<void> {
    return this.mail.send(mail);
  }
}
