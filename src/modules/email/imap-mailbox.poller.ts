import { ImapFlow } from 'imapflow';
import type { EmailChannelSettings } from '../../channels/email/email-channel.schema.ts';
import type { Database } from '../../platform/db/database.ts';
import { type OutboundGuard, OutboundRequestError } from '../../platform/http/outbound-guard.ts';
import type { Logger } from '../../platform/logger.ts';
import type { ChannelRow } from '../channels/channel.presenter.ts';
import type { ChannelService } from '../channels/channel.service.ts';
import type { EmailInboundService } from './email-inbound.service.ts';

const LEASE_MS = 90_000;
/** Another worker holds the mailbox: check back soon, so a graceful hand-over takes seconds, not a lease. */
const LEASE_RETRY_MS = 5_000;
const MAX_WAIT_MS = 30_000;
const MAX_BACKOFF_MS = 300_000;
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
  'EPIPE',
  'CONNECT_TIMEOUT',
  'GREETING_TIMEOUT',
  'UPGRADE_TIMEOUT',
  'NoConnection',
  'EConnectionClosed',
]);

/** Where a mailbox stopped: survives restarts, so mail is fetched once (by UID) and never skipped. */
interface MailboxState {
  mailbox: string;
  uidValidity: string;
  lastUid: number;
}

export type ImapStatus = 'auth_failed' | 'unreachable' | 'error';

/** Auth failure (fix the credentials) vs. temporary trouble (network, server) vs. anything else. */
export function classifyImapError(error: unknown): { status: ImapStatus; detail: string } {
  if (error instanceof OutboundRequestError)
    return { status: error.retryable ? 'unreachable' : 'error', detail: `IMAP server ${error.reason}` };
  const failure = error as {
    authenticationFailed?: boolean;
    code?: string;
    tlsFailed?: boolean;
    mailboxMissing?: boolean;
    responseText?: string;
    message?: string;
  };
  const said = failure.responseText ?? failure.message ?? String(error);
  if (failure.authenticationFailed) return { status: 'auth_failed', detail: `IMAP login failed: ${said}` };
  if (failure.tlsFailed || (failure.code && UNREACHABLE_CODES.has(failure.code))) {
    return { status: 'unreachable', detail: `IMAP server not reachable (${failure.code ?? 'TLS'}): ${said}` };
  }
  if (failure.mailboxMissing) return { status: 'error', detail: `IMAP mailbox missing: ${said}` };
  return { status: 'error', detail: `IMAP error: ${said}` };
}

/** One poller per worker and mailbox at a time: a lease row, taken over only once expired. */
export class MailboxLease {
  constructor(
    private readonly database: Database,
    private readonly holder: string,
  ) {}

  async acquire(channel: ChannelRow): Promise<boolean> {
    const { rows } = await this.database.executeSql(
      `insert into email_mailbox_leases (tenant_id, channel_id, holder, expires_at)
       values ($1, $2, $3, now() + make_interval(secs => $4))
       on conflict (tenant_id, channel_id) do update set holder = excluded.holder, expires_at = excluded.expires_at
       where email_mailbox_leases.holder = excluded.holder or email_mailbox_leases.expires_at < now()
       returning holder`,
      [channel.tenantId, channel.id, this.holder, LEASE_MS / 1000],
    );
    return rows.length > 0;
  }

  async release(channel: ChannelRow): Promise<void> {
    await this.database.executeSql(
      'delete from email_mailbox_leases where tenant_id = $1 and channel_id = $2 and holder = $3',
      [channel.tenantId, channel.id, this.holder],
    );
  }
}

/**
 * Fetches one channel's IMAP mailbox: unseen mail on first contact, then every UID above the last one
 * stored. Each mail is stored first, then marked seen / moved / deleted, then its UID recorded; a crash
 * anywhere in between means it is fetched again and recognised as a duplicate, never lost. Waits with
 * IDLE where the server has it (imapflow idles automatically), otherwise polls.
 */
export class ImapMailboxPoller {
  private stopped = false;
  private wake: (() => void) | undefined;
  private client: ImapFlow | undefined;
  private failures = 0;
  readonly done: Promise<void>;

  constructor(
    private readonly channel: ChannelRow,
    private readonly deps: {
      logger: Logger;
      channels: ChannelService;
      email: EmailInboundService;
      lease: MailboxLease;
      outbound: OutboundGuard;
    },
  ) {
    this.done = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    this.client?.close();
    await this.done;
  }

  private async run(): Promise<void> {
    const { channels, lease, logger } = this.deps;
    while (!this.stopped) {
      try {
        if (!(await lease.acquire(this.channel))) {
          await this.sleep(LEASE_RETRY_MS);
          continue;
        }
        const current = await channels.get(this.channel.tenantId, this.channel.id);
        const { settings } = await channels.resolve(this.channel.id, this.channel.tenantId);
        await this.session(current, settings as EmailChannelSettings);
        this.failures = 0;
      } catch (error) {
        if (this.stopped) break;
        this.failures++;
        const { status, detail } = classifyImapError(error);
        logger.warn({ channelId: this.channel.id, status, err: error }, 'imap mailbox failed; backing off');
        await channels.setStatus(this.channel, status, detail.slice(0, 1000)).catch(() => undefined);
        const base = status === 'auth_failed' ? 30_000 : 2_000;
        await this.sleep(Math.min(MAX_BACKOFF_MS, base * 2 ** (this.failures - 1)));
      }
    }
    await lease.release(this.channel).catch(() => undefined);
  }

  private async session(channel: ChannelRow, settings: EmailChannelSettings): Promise<void> {
    // Connected by checked address (the server must not be made to reach its own network), named for TLS.
    const target = await this.deps.outbound.connectTarget(settings.imapHost!);
    const client = new ImapFlow({
      host: target.host,
      ...(target.servername ? { servername: target.servername } : {}),
      port: settings.imapPort ?? (settings.imapSecurity === 'tls' ? 993 : 143),
      secure: settings.imapSecurity === 'tls',
      doSTARTTLS:
        settings.imapSecurity === 'starttls' ? true : settings.imapSecurity === 'none' ? false : undefined,
      auth: { user: settings.imapUser!, pass: settings.imapPassword ?? '' },
      tls: { rejectUnauthorized: settings.tlsRejectUnauthorized },
      logger: false,
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      maxIdleTime: Math.min(settings.imapPollSeconds * 1000, 5 * 60_000),
    });
    // Connection errors also reach the awaited command that fails; this keeps them off 'uncaughtException'.
    client.on('error', () => undefined);
    this.client = client;
    try {
      await client.connect();
      await this.deps.channels.setStatus(channel, 'ok', null);
      const lock = await client.getMailboxLock(settings.imapMailbox);
      try {
        let state = channel.state.imap as MailboxState | undefined;
        while (!this.stopped && client.usable) {
          state = await this.fetchNew(client, channel, settings, state);
          this.failures = 0;
          if (!(await this.deps.lease.acquire(channel))) return;
          await this.waitForMail(client, Math.min(settings.imapPollSeconds * 1000, MAX_WAIT_MS));
        }
      } finally {
        lock.release();
      }
      if (this.stopped) await client.logout().catch(() => undefined);
    } finally {
      this.client = undefined;
      client.close();
    }
  }

  private async fetchNew(
    client: ImapFlow,
    channel: ChannelRow,
    settings: EmailChannelSettings,
    previous: MailboxState | undefined,
  ): Promise<MailboxState> {
    const mailbox = client.mailbox;
    if (!mailbox) throw new Error('no mailbox selected');
    const uidValidity = String(mailbox.uidValidity);
    // A new UIDVALIDITY (mailbox recreated) invalidates every UID: start over with unseen mail.
    const state: MailboxState =
      previous?.uidValidity === uidValidity && previous.mailbox === settings.imapMailbox
        ? { ...previous }
        : { mailbox: settings.imapMailbox, uidValidity, lastUid: 0 };
    const query = state.lastUid === 0 ? { seen: false } : { uid: `${state.lastUid + 1}:*` };
    const found = (await client.search(query, { uid: true })) || [];
    const uids = found.filter((uid) => uid > state.lastUid).sort((left, right) => left - right);
    for (const uid of uids) {
      if (this.stopped) break;
      const message = await client.fetchOne(String(uid), { source: true }, { uid: true });
      if (message !== false && message.source) {
        await this.deps.email.accept(channel, message.source, 'imap', { to: [] });
        if (settings.imapAfterFetch === 'move') await this.moveTo(client, uid, settings.imapMoveTo);
        else if (settings.imapAfterFetch === 'delete') await client.messageDelete(String(uid), { uid: true });
        else await client.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
      }
      state.lastUid = uid;
      await this.deps.channels.saveState(channel, { ...channel.state, imap: state });
    }
    if (!previous || previous.uidValidity !== state.uidValidity) {
      await this.deps.channels.saveState(channel, { ...channel.state, imap: state });
    }
    return state;
  }

  private async moveTo(client: ImapFlow, uid: number, folder: string) {
    const moved = await client.messageMove(String(uid), folder, { uid: true }).catch(() => false);
    if (moved) return;
    await client.mailboxCreate(folder).catch(() => undefined);
    if (!(await client.messageMove(String(uid), folder, { uid: true }))) {
      throw new Error(`could not move the mail to ${folder}`);
    }
  }

  private waitForMail(client: ImapFlow, timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        client.off('exists', done);
        client.off('close', done);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      client.on('exists', done);
      client.on('close', done);
      this.wake = done;
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }
}
