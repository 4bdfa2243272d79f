import type {
  ChannelAdapter,
  DeliveryStatusUpdate,
  InboundMessage,
  WebhookRequest,
} from '../../channels/adapter.ts';
import type { Platform } from '../../platform/context.ts';
import { GroupCommit } from '../../platform/db/group-commit.ts';
import { DomainError } from '../../platform/errors.ts';
import type { ChannelRow } from '../channels/channel.presenter.ts';
import type { ChannelService } from '../channels/channel.service.ts';
import type { InboundContactResolver } from '../contacts/inbound-contact-resolver.ts';
import type { TenantService } from '../tenants/tenant.service.ts';
import { storeFiles } from './attachment.service.ts';
import { findInboundMessages } from './inbound.repository.ts';
import {
  DuplicateMessage,
  distinctExternalId,
  InboundBatchStore,
  type PendingInbound,
  reusesId,
  type StoredMessage,
} from './inbound-batch-store.ts';
import type { OutboundMessageService } from './outbound-message.service.ts';

export type IngestResult =
  | { type: 'message'; messageId: string; conversationId: string; contactId: string; duplicate: boolean }
  | { type: 'status'; messageId: string | null; applied: boolean };

/**
 * Messages one shared ingest transaction takes at most (see GroupCommit). Under overload larger batches carry
 * more: 1,558 against 1,357 msgs/s with 256 senders for 100 against 50 (bench/RESULTS.md).
 */
const INGEST_BATCH = 100;

/** The channel-agnostic inbound pipeline: verify → dedupe → resolve → thread → store (+ event) → acknowledge. */
export class InboundMessageService {
  /** Under load, concurrently arriving messages share a transaction; each is still acknowledged after commit. */
  private readonly commits: GroupCommit<PendingInbound, StoredMessage>;

  constructor(
    private readonly platform: Platform,
    private readonly channels: ChannelService,
    contacts: InboundContactResolver,
    tenants: TenantService,
    private readonly outbound: OutboundMessageService,
  ) {
    const store = new InboundBatchStore(platform, contacts, tenants);
    this.commits = new GroupCommit(platform.database, (tx, batch) => store.store(tx, batch), {
      maxBatch: INGEST_BATCH,
      // PGlite has one connection. On PostgreSQL two: while one batch is in the database, the next one
      // gathers (more in flight made batches smaller and throughput lower in bench/RESULTS.md); the second
      // starts only once a batch of 8 is waiting (+15-25% throughput at 32 senders, bench/RESULTS.md).
      concurrency:
        platform.database.kind === 'pglite'
          ? 1
          : Math.max(1, Math.min(2, platform.config.DATABASE_POOL_SIZE - 1)),
      minConcurrentBatch: 8,
      onBatch: (size) => platform.metrics.ingestBatchSize.observe(size),
    });
  }

  /** Messages waiting for their transaction or in one: background jobs defer to them (JobQueue.deferWhile). */
  get backlog(): number {
    return this.commits.backlog;
  }

  /** A provider's webhook: the adapter verifies the signature before anything is parsed or stored. */
  async receiveWebhook(channelId: string, request: WebhookRequest): Promise<IngestResult[]> {
    const { channel, adapter, settings } = await this.channels.resolve(channelId);
    adapter.verify(request, settings);
    return this.receive(channel, request);
  }

  /**
   * Input from a transport we operate ourselves (our SMTP receiver, an IMAP mailbox we poll), where
   * there is no provider signature to check.
   */
  async receive(channel: ChannelRow, request: WebhookRequest): Promise<IngestResult[]> {
    const { adapter, settings } = await this.channels.resolve(channel.id, channel.tenantId);
    if (!channel.enabled) throw new DomainError('channel_disabled', `Channel ${channel.name} is disabled`);
    const items = await adapter.parseInbound(request, settings);
    const results: IngestResult[] = [];
    for (const item of items) {
      results.push(
        item.type === 'message'
          ? await this.ingest(channel, item.message, adapter.threading)
          : await this.applyStatus(channel, item.update),
      );
    }
    return results;
  }

  async applyStatus(channel: ChannelRow, update: DeliveryStatusUpdate): Promise<IngestResult> {
    const result = await this.outbound.applyStatus(channel, update);
    return { type: 'status', messageId: result.messageId, applied: result.applied };
  }

  async ingest(
    channel: ChannelRow,
    inbound: InboundMessage,
    threading: ChannelAdapter['threading'] = 'per-contact',
  ): Promise<IngestResult> {
    const started = performance.now();
    const tenantId = channel.tenantId;
    // Files are written before the transaction; a known repeat is answered without writing them again.
    const hasFiles = inbound.attachments.length > 0 || inbound.raw !== undefined;
    let existing =
      hasFiles || inbound.contentHash ? await this.findExisting(channel, inbound.externalId) : undefined;
    if (existing && reusesId(existing, inbound)) {
      inbound = { ...inbound, externalId: distinctExternalId(inbound) };
      existing = await this.findExisting(channel, inbound.externalId);
    }
    if (existing) return this.duplicate(channel, existing);
    const files = await storeFiles(this.platform.storage, tenantId, inbound.attachments);
    const [raw] = inbound.raw
      ? await storeFiles(this.platform.storage, tenantId, [{ filename: 'raw', ...inbound.raw }])
      : [];
    const pending: PendingInbound = { channel, inbound, files, raw, threading, receivedAt: new Date() };
    try {
      const stored = await this.commits.run(pending);
      if (stored.duplicate) return this.duplicate(channel, stored);
      this.platform.metrics.ingestedMessages.inc({ channel: channel.kind, outcome: 'stored' });
      this.platform.metrics.ingestDuration.observe(
        { channel: channel.kind },
        (performance.now() - started) / 1000,
      );
      return { type: 'message', ...stored };
    } catch (error) {
      if (!(error instanceof DuplicateMessage)) throw error;
      const winner = await this.findExisting(channel, inbound.externalId);
      if (!winner) throw new Error('duplicate message vanished');
      // A concurrent message took the id with other content: this one is stored under its own id.
      if (reusesId(winner, inbound)) return this.ingest(channel, inbound, threading);
      return this.duplicate(channel, winner);
    }
  }

  private duplicate(channel: ChannelRow, existing: Omit<StoredMessage, 'duplicate'>): IngestResult {
    this.platform.metrics.ingestedMessages.inc({ channel: channel.kind, outcome: 'duplicate' });
    return {
      type: 'message',
      messageId: existing.messageId,
      conversationId: existing.conversationId,
      contactId: existing.contactId,
      duplicate: true,
    };
  }

  private async findExisting(
    channel: ChannelRow,
    externalId: string,
  ): Promise<(StoredMessage & { contentHash: string | null }) | undefined> {
    const [row] = await findInboundMessages(this.platform.database, [
      { tenantId: channel.tenantId, channelId: channel.id, externalId },
    ]);
    return (
      row && {
        messageId: row.id,
        conversationId: row.conversationId,
        contactId: row.contactId,
        duplicate: true,
        contentHash: row.contentHash,
      }
    );
  }
}
