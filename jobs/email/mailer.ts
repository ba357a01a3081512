// Outgoing mail over SMTP (nodemailer). The relay is the operator's; tests run a real local SMTP server.
import nodemailer, { type Transporter } from 'nodemailer';
import type { Config } from '../../core/config';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

export class Mailer {
  private readonly transport: Transporter;

  constructor(private readonly config: Config['mail']) {
    this.transport = nodemailer.createTransport({ host: config.host, port: config.port, secure: false, ignoreTLS: config.host === '127.0.0.1', connectionTimeout: 10_000 });
  }

  async send(mail: Mail): Promise<void> {
    await this.transport.sendMail({ from: this.config.from, ...mail });
  }

  close(): void {
    this.transport.close();
  }
}
