import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { BackgroundService } from '../../platform/background-service.ts';
import type { Database } from '../../platform/db/database.ts';
import type { OutboundGuard } from '../../platform/http/outbound-guard.ts';
import type { Logger } from '../../platform/logger.ts';
import type { ChannelService } from '../channels/channel.service.ts';
import type { EmailInboundService } from './email-inbound.service.ts';
import { ImapMailboxPoller, MailboxLease } from './imap-mailbox.poller.ts';

const SYNC_MS = 3_000;

/**
 * Runs one poller per enabled email channel with an IMAP mailbox (role `worker`). Channels are re-read
 * every few seconds: a new mailbox starts polling, a disabled one stops, changed settings restart it.
 */
export class ImapPollerService implements BackgroundService {
  readonly name = 'imap-poller';
  readonly roles = ['worker'] as const;
  private readonly pollers = new Map<string, { poller: ImapMailboxPoller; version: string }>();
  private readonly lease: MailboxLease;
  private timer: NodeJS.Timeout | undefined;
  private syncing: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly logger: Logger,
    database: Database,
    private readonly channels: ChannelService,
    private readonly email: EmailInboundService,
    private readonly outbound: OutboundGuard,
  ) {
    this.lease = new MailboxLease(database, `${hostname()}:${process.pid}:${randomUUID()}`);
  }

  async start(): Promise<void> {
    await this.sync();
    this.timer = setInterval(() => void this.sync(), SYNC_MS);
    this.timer.unref();
  }

  private sync(): Promise<void> {
    this.syncing ??= this.reconcile()
      .catch((error) => this.logger.warn({ err: error }, 'imap poller sync failed'))
      .finally(() => {
        this.syncing = undefined;
      });
    return this.syncing;
  }

  private async reconcile(): Promise<void> {
    if (this.stopped) return;
    const wanted = (await this.channels.listEnabledByKind('email')).filter(
      (channel) => typeof channel.config.imapHost === 'string',
    );
    const ids = new Set(wanted.map((channel) => channel.id));
    for (const [id, entry] of this.pollers) {
      const channel = wanted.find((candidate) => candidate.id === id);
      if (!ids.has(id) || channel?.updatedAt.toISOString() !== entry.version) {
        this.pollers.delete(id);
        await entry.poller.stop();
      }
    }
    for (const channel of wanted) {
      if (this.stopped || this.pollers.has(channel.id)) continue;
      const poller = new ImapMailboxPoller(channel, {
        logger: this.logger,
        channels: this.channels,
        email: this.email,
        lease: this.lease,
        outbound: this.outbound,
      });
      this.pollers.set(channel.id, { poller, version: channel.updatedAt.toISOString() });
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.syncing;
    await Promise.all([...this.pollers.values()].map((entry) => entry.poller.stop()));
    this.pollers.clear();
  }
}
