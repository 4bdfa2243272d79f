import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface SunkMail {
  envelope: { from: string; to: string[] };
  raw: Buffer;
  parsed: ParsedMail;
}

/** What the sink answers to a mail: accept, or an SMTP error with the given code and text. */
export type SinkResponder = (
  mail: { from: string; to: string[] },
  index: number,
) => 'accept' | { code: number; message: string };

/** A local SMTP server standing in for the provider's outbound relay; records every accepted mail. */
export class SmtpSink {
  readonly mails: SunkMail[] = [];
  private attempts = 0;
  private server: SMTPServer | undefined;
  port = 0;

  constructor(private responder: SinkResponder = () => 'accept') {}

  respondWith(responder: SinkResponder) {
    this.responder = responder;
  }

  async start(): Promise<this> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      closeTimeout: 500,
      onAuth: (_auth, _session, callback) => callback(null, { user: 'test' }),
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const envelope = {
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((entry) => entry.address),
          };
          const answer = this.responder(envelope, this.attempts++);
          if (answer !== 'accept') {
            return callback(Object.assign(new Error(answer.message), { responseCode: answer.code }));
          }
          const raw = Buffer.concat(chunks);
          simpleParser(raw).then((parsed) => {
            this.mails.push({ envelope, raw, parsed });
            callback(null, 'queued');
          }, callback);
        });
      },
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  /** Email channel settings that send through this sink. */
  settings() {
    return { smtpHost: '127.0.0.1', smtpPort: this.port, smtpSecurity: 'none' as const };
  }

  async stop() {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
