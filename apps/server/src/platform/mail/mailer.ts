/**
 * Mail goes through this interface. SMTP (nodemailer) when SMTP_URL is configured; otherwise messages are
 * written to the log so a developer can follow links. Tests use the in-memory outbox.
 */
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  readonly kind: 'smtp' | 'log' | 'memory';
  send(message: MailMessage): Promise<void>;
}

export function smtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport(url);
  return {
    kind: 'smtp',
    async send(m) {
      await transport.sendMail({ from, to: m.to, subject: m.subject, text: m.text });
    },
  };
}

export function logMailer(log: Logger): Mailer {
  return {
    kind: 'log',
    async send(m) {
      log.info({ mail: { to: m.to, subject: m.subject } }, `mail (not sent: SMTP_URL not configured)\n${m.text}`);
    },
  };
}

export function memoryMailer(): Mailer & { sent: MailMessage[] } {
  const sent: MailMessage[] = [];
  return {
    kind: 'memory',
    sent,
    async send(m) {
      sent.push(m);
    },
  };
}
