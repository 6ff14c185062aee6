import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

/**
 * A local SMTP sink: accepts everything on a free loopback port and keeps what it got.
 * A mail to the address given to `hold` is read but not answered, so its sender is stuck
 * inside the send; a sender that dies then has delivered nothing (the mail is dropped with its
 * connection, as a real server drops an unanswered DATA); `held` lists such mails. Recipients
 * starting with "recusa" are refused at RCPT TO.
 */
export async function startSmtpSink(): Promise<{
  url: string;
  mails: ReceivedMail[];
  held: ReceivedMail[];
  hold: (to: string | null) => void;
  close: () => Promise<void>;
}> {
  const mails: ReceivedMail[] = [];
  let holding: string | null = null;
  const held: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    // Addresses starting with "recusa" are refused (a mailbox that doesn't exist): senders see an error.
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith('recusa')) return callback(new Error('550 mailbox unavailable'));
      callback();
    },
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      stream.on('end', () => {
        const mail = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
        };
        if (holding && mail.to.includes(holding)) {
          held.push(mail);
          return;
        }
        mails.push(mail);
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as { port: number };
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    held,
    hold: (to) => (holding = to),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
