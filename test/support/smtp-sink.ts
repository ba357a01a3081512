// A real SMTP server on loopback that keeps what it receives, standing in for the operator's mail relay.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { until } from './until';

export interface ReceivedMail {
  to: string[];
  raw: string;
  subject: string;
  body: string;
}

export class SmtpSink {
  readonly received: ReceivedMail[] = [];
  private readonly server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData: (stream, session, callback) => {
      let raw = '';
      stream.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      stream.on('end', () => {
        const [head = '', ...rest] = raw.split(/\r?\n\r?\n/);
        const subject = /^Subject: (.*)$/m.exec(head)?.[1] ?? '';
        const body = rest.join('\n\n').replace(/=\r?\n/g, '').replace(/=3D/g, '=');
        this.received.push({ to: session.envelope.rcptTo.map((rcpt) => rcpt.address), raw, subject, body });
        callback();
      });
    },
  });

  port = 0;

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as AddressInfo).port;
  }

  waitFor(to: string, timeoutMs = 15_000): Promise<ReceivedMail> {
    return until(`an email to ${to}`, () => this.received.find((mail) => mail.to.includes(to)), { timeoutMs });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
