/**
 * Outgoing e-mail (link codes, invoices asked for by e-mail). With `SMTP_URL` it sends through nodemailer; without it every
 * mail is written as an .eml file to `data/outbox/`, so a demo or a test can read it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  /** Files sent with the mail (an invoice PDF). */
  attachments?: Array<{ filename: string; content: Buffer; contentType: string }>;
}

export class Mailer {
  private readonly transport: Transporter | null;

  constructor(
    private readonly smtpUrl: string | null,
    private readonly from: string,
    private readonly dir: string,
  ) {
    this.transport = smtpUrl ? nodemailer.createTransport(smtpUrl) : null;
  }

  async send(mail: Mail): Promise<void> {
    if (this.transport) {
      await this.transport.sendMail({ from: this.from, to: mail.to, subject: mail.subject, text: mail.text, attachments: mail.attachments });
      return;
    }
    mkdirSync(this.dir, { recursive: true });
    const file = join(this.dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(3).toString('hex')}.eml`);
    const subject = `=?UTF-8?B?${Buffer.from(mail.subject).toString('base64')}?=`;
    const head = `From: ${this.from}\r\nTo: ${mail.to}\r\nSubject: ${subject}\r\nMIME-Version: 1.0\r\n`;
    if (!mail.attachments?.length) {
      writeFileSync(file, `${head}Content-Type: text/plain; charset=utf-8\r\n\r\n${mail.text}\r\n`);
      return;
    }
    const boundary = `kropla-${randomBytes(8).toString('hex')}`;
    const parts = [
      `--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${mail.text}\r\n`,
      ...mail.attachments.map((a) => `--${boundary}\r\nContent-Type: ${a.contentType}; name="${a.filename}"\r\nContent-Disposition: attachment; filename="${a.filename}"\r\nContent-Transfer-Encoding: base64\r\n\r\n${a.content.toString('base64').replace(/.{76}/g, '$&\r\n')}\r\n`),
    ];
    writeFileSync(file, `${head}Content-Type: multipart/mixed; boundary="${boundary}"\r\n\r\n${parts.join('')}--${boundary}--\r\n`);
  }
}
