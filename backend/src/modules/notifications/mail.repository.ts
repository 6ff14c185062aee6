import { Inject, Injectable } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import { type AppConfig, APP_CONFIG } from '../../config/config.js';

export interface Mail {
  to: string[];
  subject: string;
  text: string;
  attachments?: { filename: string; content: Buffer; contentType: string }[];
}

/** Outgoing mail over SMTP_URL; without it, mail is not configured and nothing is sent. */
@Injectable()
export class MailRepository {
  private readonly transport: Transporter | null;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.transport = config.SMTP_URL ? nodemailer.createTransport(config.SMTP_URL) : null;
  }

  async send(mail: Mail): Promise<void> {
    if (!this.transport || !mail.to.length) return;
    await this.transport.sendMail({ from: this.config.MAIL_FROM, ...mail });
  }
}
