import type {
  ChannelAdapter,
  DeliveryStatusUpdate,
  InboundMessage,
  ThreadHints,
  WebhookRequest,
} from '../../channels/adapter.ts';
import type { Platform } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/database.ts';
import { GroupCommit } from '../../platform/db/group-commit.ts';
import { conversations } from '../../platform/db/schema.ts';
import { DomainError } from '../../platform/errors.ts';
import { recordEvents } from '../../platform/events/domain-events.ts';
import { newId } from '../../platform/ids.ts';
import type { ChannelRow } from '../channels/channel.presenter.ts';
import type { ChannelService } from '../channels/channel.service.ts';
import { presentContact } from '../contacts/contact.presenter.ts';
import type { InboundContactResolver } from '../contacts/inbound-contact-resolver.ts';
import { detectLanguage } from '../contacts/language-detection.ts';
import type { TenantService } from '../tenants/tenant.service.ts';
import { insertAttachments, type StoredFile, storeFiles } from './attachment.service.ts';
import { audienceOf } from './conversation.policy.ts';
import {
  type ConversationRow,
  presentConversation,
  presentMessage,
  previewOf,
} from './conversation.presenter.ts';
import * as repository from './conversation.repository.ts';
import { sanitizeMessageHtml } from './html-sanitizer.ts';
import type { OutboundMessageService } from './outbound-message.service.ts';

export type IngestResult =
  | { type: 'message'; messageId: string; conversationId: string; contactId: string; duplicate: boolean }
  | { type: 'status'; messageId: string | null; applied: boolean };

class DuplicateMessage extends Error {}

const usable = (conversation: ConversationRow | undefined) =>
  conversation && conversation.status !== 'closed' ? conversation : undefined;

/** Messages one shared ingest transaction takes at most (see GroupCommit). */
const INGEST_BATCH = 50;

/** The channel-agnostic inbound pipeline: verify → dedupe → resolve → thread → store (+ event) → acknowledge. */
export class InboundMessageService {
  /** Under load, concurrently arriving messages share a transaction; each is still acknowledged after commit. */
  private readonly commits: GroupCommit<IngestResult>;

  constructor(
    private readonly platform: Platform,
    private readonly channels: ChannelService,
    private readonly contacts: InboundContactResolver,
    private readonly tenants: TenantService,
    private readonly outbound: OutboundMessageService,
  ) {
    this.commits = new GroupCommit(platform.database, {
      maxBatch: INGEST_BATCH,
      // PGlite has one connection; on PostgreSQL leave half the pool to everything else.
      concurrency:
        platform.database.kind === 'pglite'
          ? 1
          : Math.max(1, Math.floor(platform.config.DATABASE_POOL_SIZE / 2)),
    });
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
    const existing = await this.findExisting(channel, inbound.externalId);
    if (existing) return this.duplicate(channel, existing);
    const files = await storeFiles(this.platform.storage, tenantId, inbound.attachments);
    const [raw] = inbound.raw
      ? await storeFiles(this.platform.storage, tenantId, [{ filename: 'raw', ...inbound.raw }])
      : [];
    try {
      // Ordered by sender, so concurrent batches lock a customer's contact in the same order.
      const result = await this.commits.run(
        (tx) => this.store(tx, channel, inbound, files, raw, threading),
        `${inbound.from.kind}:${inbound.from.value}`,
      );
      this.platform.metrics.ingestedMessages.inc({ channel: channel.kind, outcome: 'stored' });
      this.platform.metrics.ingestDuration.observe(
        { channel: channel.kind },
        (performance.now() - started) / 1000,
      );
      return result;
    } catch (error) {
      if (!(error instanceof DuplicateMessage)) throw error;
      const winner = await this.findExisting(channel, inbound.externalId);
      if (!winner) throw new Error('duplicate message vanished');
      return this.duplicate(channel, winner);
    }
  }

  private async hintedConversation(
    tx: Tx,
    tenantId: string,
    contactId: string,
    senderValue: string,
    hints: ThreadHints | undefined,
  ): Promise<ConversationRow | undefined> {
    if (!hints) return undefined;
    if (hints.conversationId) {
      const referenced = usable(await repository.findConversation(tx.db, tenantId, hints.conversationId));
      if (referenced) return referenced;
    }
    if (hints.inReplyTo?.length) {
      const answered = usable(
        await repository.findConversationByMessageExternalId(tx.db, tenantId, hints.inReplyTo),
      );
      if (answered) return answered;
    }
    if (hints.conversationNumber !== undefined) {
      const numbered = usable(
        await repository.findConversationByNumber(tx.db, tenantId, hints.conversationNumber),
      );
      // A number in a subject is easy to guess or copy: only its participants may thread by it.
      if (
        numbered &&
        (numbered.contactId === contactId || (await repository.isParticipant(tx.db, numbered, senderValue)))
      ) {
        return numbered;
      }
    }
    return undefined;
  }

  private duplicate(
    channel: ChannelRow,
    existing: { id: string; conversationId: string; contactId: string },
  ): IngestResult {
    this.platform.metrics.ingestedMessages.inc({ channel: channel.kind, outcome: 'duplicate' });
    return {
      type: 'message',
      messageId: existing.id,
      conversationId: existing.conversationId,
      contactId: existing.contactId,
      duplicate: true,
    };
  }

  private async findExisting(channel: ChannelRow, externalId: string) {
    const { rows } = await this.platform.database.executeSql(
      `select id, conversation_id as "conversationId", contact_id as "contactId" from messages
       where tenant_id = $1 and channel_id = $2 and direction = 'inbound' and external_id = $3`,
      [channel.tenantId, channel.id, externalId],
      'find_inbound_message_by_external_id',
    );
    return rows[0] as { id: string; conversationId: string; contactId: string } | undefined;
  }

  private async store(
    tx: Tx,
    channel: ChannelRow,
    inbound: InboundMessage,
    files: StoredFile[],
    raw: StoredFile | undefined,
    threading: ChannelAdapter['threading'],
  ): Promise<IngestResult> {
    const tenantId = channel.tenantId;
    const now = new Date();
    const { contactId, identity, createdContact } = await this.contacts.resolveInbound(
      tx,
      tenantId,
      inbound.from,
      channel.id,
    );
    const contact = await this.contacts.lock(tx, tenantId, contactId);
    const { conversation, opened } = await this.thread(
      tx,
      channel,
      contactId,
      identity.value,
      inbound,
      now,
      threading,
    );

    const messageId = newId();
    const html = inbound.html ? sanitizeMessageHtml(inbound.html) : null;
    const detected = detectLanguage(inbound.text || inbound.subject || '');
    const tenant = await this.tenants.cached(tenantId);
    const language = detected ?? conversation.language ?? contact?.language ?? tenant.defaultLanguage;
    if (detected && contact && !contact.language)
      await this.contacts.setDetectedLanguage(tx, contact, detected);
    const message = await repository.insertInboundMessage(tx, {
      tenantId,
      id: messageId,
      conversationId: conversation.id,
      contactId,
      channelId: channel.id,
      identityId: identity.id,
      text: inbound.text,
      html,
      subject: inbound.subject ?? null,
      externalId: inbound.externalId,
      language,
      metadata: {
        ...(inbound.metadata ?? {}),
        ...(inbound.sentAt ? { sentAt: inbound.sentAt.toISOString() } : {}),
        ...(inbound.cc?.length
          ? { cc: inbound.cc.map((participant) => participant.value.toLowerCase()) }
          : {}),
        ...(raw
          ? {
              raw: {
                storageKey: raw.storageKey,
                size: raw.size,
                sha256: raw.sha256,
                contentType: raw.contentType,
              },
            }
          : {}),
      },
      createdAt: now,
    });
    if (!message) throw new DuplicateMessage();
    const stored = await insertAttachments(tx, tenantId, messageId, files);

    const reopened = conversation.status !== 'open';
    const updated = await repository.recordInboundActivity(tx, tenantId, conversation.id, {
      at: now,
      channelId: channel.id,
      identityId: identity.id,
      preview: previewOf(inbound.text || inbound.subject || files.map((file) => file.filename).join(', ')),
      subject: inbound.subject ?? null,
      language: detected ?? null,
    });
    const audience = audienceOf(updated);
    const conversationView = presentConversation(updated, contact?.name ?? null);
    await recordEvents(tx, this.platform.bus, [
      ...(createdContact
        ? [
            {
              tenantId,
              type: 'contact.created',
              entityType: 'contact',
              entityId: contactId,
              payload: presentContact(contact!, [identity]),
            },
          ]
        : []),
      {
        tenantId,
        type: opened ? 'conversation.created' : 'conversation.updated',
        entityType: 'conversation',
        entityId: updated.id,
        payload: { ...conversationView, ...(reopened && !opened ? { reopened: true } : {}) },
        audience,
      },
      {
        tenantId,
        type: 'message.created',
        entityType: 'message',
        entityId: messageId,
        payload: presentMessage(message, stored),
        audience,
      },
    ]);
    return { type: 'message', messageId, conversationId: updated.id, contactId, duplicate: false };
  }

  /**
   * Where a message belongs, strongest evidence first: a verified conversation reference, a reply to a
   * message we know, a quoted conversation number (only from a participant), the provider's thread key;
   * then, for per-contact channels, the customer's open conversation on the channel (or a recently
   * resolved one within the tenant's reopen window); else a new conversation.
   */
  private async thread(
    tx: Tx,
    channel: ChannelRow,
    contactId: string,
    senderValue: string,
    inbound: InboundMessage,
    now: Date,
    threading: ChannelAdapter['threading'],
  ): Promise<{ conversation: ConversationRow; opened: boolean }> {
    const tenantId = channel.tenantId;
    const hinted = await this.hintedConversation(tx, tenantId, contactId, senderValue, inbound.threadHints);
    if (hinted) return { conversation: hinted, opened: false };
    if (inbound.threadKey) {
      const threaded = await repository.findByThreadKey(tx.db, tenantId, channel.id, inbound.threadKey);
      if (threaded && threaded.status !== 'closed') return { conversation: threaded, opened: false };
      if (threaded) {
        // A closed thread stays closed; its key moves to the new conversation.
        await repository.updateConversation(tx.db, tenantId, threaded.id, { externalThreadId: null });
      }
    } else if (threading === 'per-contact') {
      const open = await repository.findOpenConversation(tx, tenantId, contactId, channel.id);
      if (open) return { conversation: open, opened: false };
      const tenant = await this.tenants.cached(tenantId);
      if (tenant.reopenWindowMinutes > 0) {
        const since = new Date(now.getTime() - tenant.reopenWindowMinutes * 60_000);
        const reopenable = await repository.findReopenableConversation(
          tx.db,
          tenantId,
          contactId,
          channel.id,
          since,
        );
        if (reopenable) return { conversation: reopenable, opened: false };
      }
    }
    const [conversation] = await tx.db
      .insert(conversations)
      .values({
        tenantId,
        id: newId(),
        contactId,
        channelId: channel.id,
        status: 'open',
        subject: inbound.subject ?? null,
        externalThreadId: inbound.threadKey ?? null,
        lastActivityAt: now,
        createdAt: now,
      })
      .returning();
    return { conversation: conversation!, opened: true };
  }
}
