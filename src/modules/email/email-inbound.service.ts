import { createHash } from 'node:crypto';
import { parseRawEmail } from '../../channels/email/email-channel.adapter.ts';
import type { EmailChannelSettings } from '../../channels/email/email-channel.schema.ts';
import type { Platform } from '../../platform/context.ts';
import { DomainError, notFound } from '../../platform/errors.ts';
import type { Actor } from '../../platform/http/auth.ts';
import type { ChannelRow } from '../channels/channel.presenter.ts';
import type { ChannelService } from '../channels/channel.service.ts';
import type { InboundMessageService, IngestResult } from '../conversations/inbound-message.service.ts';
import type { FailedInboundListQuery } from './email.schema.ts';
import type { FAILED_INBOUND_REASONS, FAILED_INBOUND_SOURCES } from './email.tables.ts';
import { type FailedInboundEmailRow, presentFailedInboundEmail } from './failed-inbound-email.presenter.ts';
import * as repository from './failed-inbound-email.repository.ts';
import { WindowCounter } from './window-counter.ts';

export type EmailSource = (typeof FAILED_INBOUND_SOURCES)[number];
type FailedInboundReason = (typeof FAILED_INBOUND_REASONS)[number];

export interface Envelope {
  from?: string;
  to: string[];
}

export type AcceptOutcome =
  | { outcome: 'stored'; results: IngestResult[] }
  | { outcome: 'held'; failed: FailedInboundEmailRow };

const HOUR_MS = 3_600_000;

/** A failure that repeats on every attempt (bad input), as opposed to trouble a retry may fix. */
const isPermanent = (error: unknown) => error instanceof DomainError && error.code === 'validation_failed';

/**
 * The one way raw mail from our own transports (SMTP receiver, IMAP mailboxes) becomes conversation
 * messages: parse, drop our own mail coming back, apply the per-sender flood limit, ingest. A mail that
 * cannot be ingested is kept as a failed inbound email with its raw bytes; only transient trouble
 * (database, storage) throws, so the transport keeps the mail and tries again.
 */
export class EmailInboundService {
  private readonly flood: WindowCounter;

  constructor(
    private readonly platform: Platform,
    private readonly channels: ChannelService,
    private readonly inbound: InboundMessageService,
    options: { floodLimitPerHour: number },
  ) {
    this.flood = new WindowCounter(options.floodLimitPerHour, HOUR_MS);
  }

  async accept(
    channel: ChannelRow,
    raw: Buffer,
    source: EmailSource,
    envelope: Envelope = { to: [] },
    options: { skipFloodLimit?: boolean } = {},
  ): Promise<AcceptOutcome> {
    const { settings } = await this.channels.resolve(channel.id, channel.tenantId);
    let parsed: Awaited<ReturnType<typeof parseRawEmail>>;
    try {
      parsed = await parseRawEmail(raw, settings as EmailChannelSettings, envelope.to, envelope.from);
    } catch (error) {
      return this.hold(channel, raw, source, envelope, 'unparseable', error);
    }
    const { mail, items } = parsed;
    if (parsed.dropped) {
      this.platform.logger.info(
        {
          channelId: channel.id,
          messageId: mail.messageId,
          from: mail.from?.address,
          reason: parsed.dropped,
        },
        'inbound email is no conversation message; kept as failed inbound',
      );
      return this.hold(channel, raw, source, envelope, parsed.dropped.reason, parsed.dropped.detail, mail);
    }
    const sender = mail.from?.address.toLowerCase();
    const isMessage = items.some((item) => item.type === 'message');
    if (isMessage && sender && !options.skipFloodLimit && !this.flood.hit(`${channel.id}:${sender}`)) {
      this.platform.logger.warn(
        { channelId: channel.id, sender },
        'sender over the email flood limit; mail held',
      );
      return this.hold(
        channel,
        raw,
        source,
        envelope,
        'flood',
        `More than the allowed mails per hour from ${sender}`,
        mail,
      );
    }
    try {
      const results: IngestResult[] = [];
      for (const item of items) {
        if (item.type === 'message') {
          const result = await this.inbound.ingest(channel, item.message, 'per-thread');
          if (result.type === 'message' && result.duplicate) {
            this.platform.logger.info(
              { channelId: channel.id, messageId: mail.messageId, storedAs: result.messageId },
              'inbound email is a repeat of a stored one (same Message-ID and content); not stored again',
            );
          }
          results.push(result);
        } else results.push(await this.inbound.applyStatus(channel, item.update));
      }
      const matched = results.some((result) => result.type === 'message' || result.messageId !== null);
      if (!matched && parsed.report) {
        const ids = parsed.report.originalMessageIds.slice(0, 3).join(', ') || 'none found';
        return this.hold(
          channel,
          raw,
          source,
          envelope,
          'report',
          `${parsed.report.reason} (no message of ours matches: ${ids}; recognised by ${parsed.report.signal})`,
          mail,
        );
      }
      return { outcome: 'stored', results };
    } catch (error) {
      if (!isPermanent(error)) throw error;
      return this.hold(channel, raw, source, envelope, 'unparseable', error, mail);
    }
  }

  private async hold(
    channel: ChannelRow,
    raw: Buffer,
    source: EmailSource,
    envelope: Envelope,
    reason: FailedInboundReason,
    error: unknown,
    mail?: { from?: { address: string }; subject?: string },
  ): Promise<AcceptOutcome> {
    const sha256 = createHash('sha256').update(raw).digest('hex');
    const storageKey = `${channel.tenantId}/email-failed/${sha256.slice(0, 2)}/${sha256}`;
    await this.platform.storage.put(storageKey, raw);
    const message = error instanceof Error ? error.message : String(error);
    const failed = await repository.upsertFailedInboundEmail(this.platform.database.db, {
      tenantId: channel.tenantId,
      channelId: channel.id,
      source,
      reason,
      error: message.slice(0, 2000),
      sender: mail?.from?.address ?? envelope.from ?? null,
      subject: mail?.subject?.slice(0, 500) ?? null,
      rawStorageKey: storageKey,
      rawSize: raw.length,
      rawSha256: sha256,
      envelope,
    });
    if (reason === 'unparseable') {
      this.platform.logger.warn(
        { channelId: channel.id, failedId: failed.id, err: error },
        'inbound email kept as failed',
      );
    }
    const outcomes: Record<FailedInboundReason, string> = {
      unparseable: 'failed',
      flood: 'held_flood',
      loop: 'dropped',
      report: 'report',
    };
    this.platform.metrics.ingestedMessages.inc({ channel: 'email', outcome: outcomes[reason] });
    return { outcome: 'held', failed };
  }

  async listFailed(actor: Actor, query: FailedInboundListQuery) {
    const rows = await repository.listFailedInboundEmails(
      this.platform.database.db,
      actor.tenantId,
      query.status,
      query.limit,
    );
    return rows.map(presentFailedInboundEmail);
  }

  async failedRaw(actor: Actor, id: string): Promise<Buffer> {
    const row = await this.failed(actor, id);
    return this.platform.storage.get(row.rawStorageKey);
  }

  /** Runs a failed mail through the pipeline again (after a fix, or to let a held flood through). */
  async reprocess(actor: Actor, id: string) {
    const row = await this.failed(actor, id);
    if (row.status === 'reprocessed')
      throw new DomainError('invalid_state', 'This mail was already re-processed');
    const channel = await this.channels.get(actor.tenantId, row.channelId);
    const raw = await this.platform.storage.get(row.rawStorageKey);
    const { db } = this.platform.database;
    const result = await this.accept(channel, raw, 'reprocess', row.envelope, { skipFloodLimit: true });
    if (result.outcome === 'held') return presentFailedInboundEmail(result.failed);
    const stored = result.results.find((entry) => entry.type === 'message');
    const updated = await repository.updateFailedInboundEmail(db, actor.tenantId, id, {
      status: 'reprocessed',
      messageId: stored?.type === 'message' ? stored.messageId : null,
      conversationId: stored?.type === 'message' ? stored.conversationId : null,
      error: row.error,
    });
    return presentFailedInboundEmail(updated);
  }

  async discard(actor: Actor, id: string) {
    await this.failed(actor, id);
    const updated = await repository.updateFailedInboundEmail(this.platform.database.db, actor.tenantId, id, {
      status: 'discarded',
    });
    return presentFailedInboundEmail(updated);
  }

  private async failed(actor: Actor, id: string) {
    const row = await repository.findFailedInboundEmail(this.platform.database.db, actor.tenantId, id);
    if (!row) throw notFound('Failed inbound email', id);
    return row;
  }
}
