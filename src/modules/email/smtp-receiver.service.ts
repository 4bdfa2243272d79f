import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { BackgroundService } from '../../platform/background-service.ts';
import type { Logger } from '../../platform/logger.ts';
import type { ChannelRow } from '../channels/channel.presenter.ts';
import type { EmailAddressDirectory } from './email-address-directory.ts';
import type { EmailInboundService } from './email-inbound.service.ts';
import { WindowCounter } from './window-counter.ts';

export interface SmtpReceiverOptions {
  host: string;
  port: number;
  /** PEM file paths; with both set the receiver offers STARTTLS. */
  tlsKeyPath?: string;
  tlsCertPath?: string;
  maxBytes: number;
  /** Mails per minute per client address. */
  rateLimit: number;
}

const MAX_RECIPIENTS = 100;

/** The SIZE the client declared in MAIL FROM (RFC 1870), if any. */
function declaredSize(session: SMTPServerSession): number | undefined {
  const args = (session.envelope.mailFrom || undefined)?.args as Record<string, string> | undefined;
  const size = Number(args?.SIZE ?? args?.size);
  return Number.isSafeInteger(size) && size > 0 ? size : undefined;
}

/**
 * The message bytes. With a declared size they are copied into one buffer as they arrive, so a 25 MB
 * mail does not sit in memory twice (chunks plus their concatenation) at its peak.
 */
async function collect(
  stream: SMTPServerDataStream,
  declared: number | undefined,
  maxBytes: number,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let buffer = declared && declared <= maxBytes ? Buffer.allocUnsafe(declared + 1024) : undefined;
  let length = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (buffer && length + chunk.length <= buffer.length) {
      chunk.copy(buffer, length);
    } else {
      if (buffer) {
        chunks.push(buffer.subarray(0, length));
        buffer = undefined;
      }
      chunks.push(chunk);
    }
    length += chunk.length;
  }
  return buffer ? buffer.subarray(0, length) : Buffer.concat(chunks, length);
}

function smtpError(responseCode: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode });
}

/**
 * The built-in MX (role `smtp`): accepts mail for the addresses of enabled email channels, refuses
 * unknown recipients at RCPT time (550), oversized mail (552) and clients over the rate limit (450).
 * `250` is answered only once the mail is stored, as a message or as a failed inbound email; transient
 * trouble answers `451` so the sending server retries.
 */
export class SmtpReceiver implements BackgroundService {
  readonly name = 'smtp-receiver';
  readonly roles = ['smtp'] as const;
  private server: SMTPServer | undefined;
  private readonly perClient: WindowCounter;

  constructor(
    private readonly logger: Logger,
    private readonly directory: EmailAddressDirectory,
    private readonly email: EmailInboundService,
    private readonly options: SmtpReceiverOptions,
  ) {
    this.perClient = new WindowCounter(options.rateLimit, 60_000);
  }

  /** The port actually listened on (useful with port 0). */
  get port(): number {
    return (this.server?.server.address() as AddressInfo | null)?.port ?? this.options.port;
  }

  async start(): Promise<void> {
    const tls =
      this.options.tlsKeyPath && this.options.tlsCertPath
        ? { key: readFileSync(this.options.tlsKeyPath), cert: readFileSync(this.options.tlsCertPath) }
        : undefined;
    const server = new SMTPServer({
      ...(tls ?? {}),
      secure: false,
      // Without a certificate smtp-server would offer STARTTLS with its own built-in one: never.
      disabledCommands: tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
      authOptional: true,
      size: this.options.maxBytes,
      banner: 'Unisono ESMTP',
      logger: false,
      disableReverseLookup: true,
      maxClients: 500,
      socketTimeout: 60_000,
      closeTimeout: 5_000,
      onMailFrom: (_address, session, callback) => {
        if (!this.perClient.hit(session.remoteAddress)) {
          return callback(smtpError(450, '4.7.1 Too many messages from your address, try again later'));
        }
        callback();
      },
      onRcptTo: (address, session, callback) => {
        if (session.envelope.rcptTo.length >= MAX_RECIPIENTS) {
          return callback(smtpError(452, '4.5.3 Too many recipients'));
        }
        this.directory.lookup(address.address).then(
          (channels) =>
            channels.length > 0
              ? callback()
              : callback(
                  smtpError(550, `5.1.1 <${address.address}>: Recipient address rejected: unknown user`),
                ),
          (error) => {
            this.logger.error({ err: error }, 'smtp recipient lookup failed');
            callback(smtpError(451, '4.3.0 Temporary lookup failure'));
          },
        );
      },
      onData: (stream, session, callback) => {
        this.receive(stream, session).then(
          (message) => callback(null, message),
          (error: Error) => callback(error),
        );
      },
    });
    server.on('error', (error) => this.logger.warn({ err: error }, 'smtp receiver connection error'));
    // SMTP is a chain of small request/response exchanges: Nagle plus delayed ACKs would add ~40 ms to each.
    server.server.on('connection', (socket) => socket.setNoDelay(true));
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        server.server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.logger.info(
      { host: this.options.host, port: this.port, starttls: Boolean(tls) },
      'smtp receiver listening',
    );
  }

  private async receive(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> {
    const raw = await collect(stream, declaredSize(session), this.options.maxBytes);
    if (stream.sizeExceeded) {
      throw smtpError(552, `5.3.4 Message exceeds the size limit of ${this.options.maxBytes} bytes`);
    }
    const recipients = session.envelope.rcptTo.map((entry) => entry.address);
    const envelope = {
      ...(session.envelope.mailFrom ? { from: session.envelope.mailFrom.address } : {}),
      to: recipients,
    };
    const channels = new Map<string, ChannelRow>();
    for (const recipient of recipients) {
      for (const channel of await this.directory.lookup(recipient)) channels.set(channel.id, channel);
    }
    try {
      for (const channel of channels.values()) await this.email.accept(channel, raw, 'smtp', envelope);
    } catch (error) {
      this.logger.error(
        { err: error, sessionId: session.id },
        'storing an inbound mail failed; asked the sender to retry',
      );
      throw smtpError(451, '4.3.0 Temporary failure storing the message, try again later');
    }
    return `2.0.0 Stored (${session.id})`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
