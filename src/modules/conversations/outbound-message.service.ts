import { and, eq } from 'drizzle-orm';
import type { DeliveryStatusUpdate, SendResult } from '../../channels/adapter.ts';
import type { Platform } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/database.ts';
import { messages } from '../../platform/db/schema.ts';
import { DomainError, notFound } from '../../platform/errors.ts';
import { recordEvents } from '../../platform/events/domain-events.ts';
import type { Actor } from '../../platform/http/auth.ts';
import { newId } from '../../platform/ids.ts';
import type { ChannelRow } from '../channels/channel.presenter.ts';
import type { ChannelService } from '../channels/channel.service.ts';
import { findContact, identitiesOf } from '../contacts/contact.repository.ts';
import { detectLanguage } from '../contacts/language-detection.ts';
import { insertAttachments, storeFiles } from './attachment.service.ts';
import { audienceOf, canSeeConversation } from './conversation.policy.ts';
import {
  type ConversationRow,
  type MessageRow,
  presentConversation,
  presentMessage,
  previewOf,
} from './conversation.presenter.ts';
import * as repository from './conversation.repository.ts';
import type { NoteBody, ReplyBody } from './conversations.schema.ts';
import { DELIVER_OUTBOUND_MESSAGE, type DeliverOutboundMessageJob } from './deliver-outbound-message.job.ts';
import { sanitizeMessageHtml } from './html-sanitizer.ts';
import { buildOutboundMessage } from './outbound-message.builder.ts';

const STATUS_RANK = { queued: 0, sent: 1, delivered: 2, read: 3 } as const;
const MAX_BACKOFF_MS = 3_600_000;

/** Replies and notes; delivery through the channel's adapter with backoff; provider status reports. */
export class OutboundMessageService {
  constructor(
    private readonly platform: Platform,
    private readonly channels: ChannelService,
  ) {}

  async reply(actor: Actor, conversationId: string, body: Omit<ReplyBody, 'cc'> & { cc?: string[] }) {
    const files = await storeFiles(
      this.platform.storage,
      actor.tenantId,
      body.attachments.map((file) => ({ ...file, data: Buffer.from(file.data, 'base64') })),
    );
    const message = await this.platform.database.transaction(async (tx) => {
      const conversation = await this.visibleConversation(tx, actor, conversationId);
      if (conversation.status === 'closed') {
        throw new DomainError('conversation_closed', `Conversation #${conversation.number} is closed`);
      }
      const contact = await findContact(tx.db, actor.tenantId, conversation.contactId);
      const channelId =
        body.channelId ??
        conversation.preferredChannelId ??
        contact?.preferredChannelId ??
        conversation.lastInboundChannelId ??
        conversation.channelId;
      const { channel, adapter } = await this.channels.resolve(channelId, actor.tenantId);
      if (!channel.enabled) throw new DomainError('channel_disabled', `Channel ${channel.name} is disabled`);
      const identities = await identitiesOf(tx.db, actor.tenantId, [conversation.contactId]);
      const reachable = (kind: string) =>
        adapter.reachableIdentityKinds === 'any' ||
        (adapter.reachableIdentityKinds as string[]).includes(kind);
      let identity = body.identityId
        ? identities.find((candidate) => candidate.id === body.identityId)
        : undefined;
      if (body.identityId && !identity) throw notFound('Identity', body.identityId);
      if (identity && !reachable(identity.kind)) {
        throw new DomainError(
          'channel_unreachable',
          `Channel ${channel.name} cannot deliver to a ${identity.kind} identity`,
        );
      }
      if (!identity) {
        const reachableIdentities = identities.filter((candidate) => reachable(candidate.kind));
        // Never pick an address the customer opted out of; if it is the only one, say so below.
        const candidates = reachableIdentities.filter((candidate) => candidate.consent !== 'opted_out');
        identity = candidates.length === 0 ? reachableIdentities[0] : undefined;
        identity ??=
          candidates.find((candidate) => candidate.id === conversation.lastInboundIdentityId) ??
          candidates.sort((left, right) => right.lastSeenAt.getTime() - left.lastSeenAt.getTime())[0];
      }
      if (!identity) {
        throw new DomainError(
          'channel_unreachable',
          `The customer has no identity that channel ${channel.name} can reach (it needs ${[adapter.reachableIdentityKinds].flat().join(', ')})`,
        );
      }
      if (identity.consent === 'opted_out') {
        throw new DomainError(
          'consent_refused',
          `The customer opted out of messages to ${identity.displayValue} (${identity.consentSource ?? 'no source recorded'}); choose another channel`,
        );
      }
      const now = new Date();
      const [message] = await tx.db
        .insert(messages)
        .values({
          tenantId: actor.tenantId,
          id: newId(),
          conversationId: conversation.id,
          contactId: conversation.contactId,
          direction: 'outbound',
          kind: 'message',
          channelId: channel.id,
          identityId: identity.id,
          authorUserId: actor.userId,
          text: body.text,
          html: body.html ? sanitizeMessageHtml(body.html) : null,
          language: conversation.language ?? detectLanguage(body.text) ?? null,
          subject: body.subject ?? null,
          status: 'queued',
          metadata: {
            ...(conversation.lastInboundChannelId && conversation.lastInboundChannelId !== channel.id
              ? { channelSwitchedFrom: conversation.lastInboundChannelId }
              : {}),
            ...(body.cc?.length ? { cc: body.cc.map((address) => address.toLowerCase()) } : {}),
          },
          createdAt: now,
        })
        .returning();
      const stored = await insertAttachments(tx, actor.tenantId, message!.id, files);
      const updated = await repository.updateConversation(tx.db, actor.tenantId, conversation.id, {
        lastActivityAt: now,
        firstResponseAt: conversation.firstResponseAt ?? now,
        waitingSince: null,
        lastMessagePreview: previewOf(body.text || files.map((file) => file.filename).join(', ')),
        messageCount: conversation.messageCount + 1,
      });
      await this.platform.jobs.send(tx, DELIVER_OUTBOUND_MESSAGE, {
        tenantId: actor.tenantId,
        messageId: message!.id,
      } satisfies DeliverOutboundMessageJob);
      await this.emit(tx, updated, contact?.name ?? null, [
        { type: 'message.created', message: message!, files: stored },
      ]);
      return { message: message!, files: stored };
    });
    this.platform.jobs.nudge(DELIVER_OUTBOUND_MESSAGE);
    return message;
  }

  async note(actor: Actor, conversationId: string, body: typeof NoteBody._output) {
    return this.platform.database.transaction(async (tx) => {
      const conversation = await this.visibleConversation(tx, actor, conversationId);
      const now = new Date();
      const [message] = await tx.db
        .insert(messages)
        .values({
          tenantId: actor.tenantId,
          id: newId(),
          conversationId: conversation.id,
          contactId: conversation.contactId,
          direction: 'outbound',
          kind: 'note',
          authorUserId: actor.userId,
          text: body.text,
          language: conversation.language ?? detectLanguage(body.text) ?? null,
          status: null,
          createdAt: now,
        })
        .returning();
      const updated = await repository.updateConversation(tx.db, actor.tenantId, conversation.id, {
        lastActivityAt: now,
      });
      const contact = await findContact(tx.db, actor.tenantId, conversation.contactId);
      await this.emit(tx, updated, contact?.name ?? null, [
        { type: 'message.created', message: message!, files: [] },
      ]);
      return { message: message!, files: [] };
    });
  }

  /** Puts a failed reply back in the delivery queue. */
  async retry(actor: Actor, conversationId: string, messageId: string) {
    const result = await this.platform.database.transaction(async (tx) => {
      const conversation = await this.visibleConversation(tx, actor, conversationId);
      const message = await repository.findMessage(tx.db, actor.tenantId, messageId);
      if (!message || message.conversationId !== conversation.id) throw notFound('Message', messageId);
      if (message.kind !== 'message' || message.direction !== 'outbound' || message.status !== 'failed') {
        throw new DomainError('invalid_state', 'Only failed outbound messages can be retried');
      }
      const [updated] = await tx.db
        .update(messages)
        .set({
          status: 'queued',
          attempts: 0,
          statusReason: null,
          failedAt: null,
          nextAttemptAt: null,
          metadata: { ...message.metadata, manualRetries: Number(message.metadata.manualRetries ?? 0) + 1 },
        })
        .where(and(eq(messages.tenantId, actor.tenantId), eq(messages.id, messageId)))
        .returning();
      await this.platform.jobs.send(tx, DELIVER_OUTBOUND_MESSAGE, { tenantId: actor.tenantId, messageId });
      await this.emitMessage(tx, conversation, [{ type: 'message.updated', message: updated! }]);
      return updated!;
    });
    this.platform.jobs.nudge(DELIVER_OUTBOUND_MESSAGE);
    return result;
  }

  /** The delivery job: one attempt, then sent, scheduled again with backoff, or failed for good. */
  async deliver(job: DeliverOutboundMessageJob): Promise<void> {
    const { database, metrics, config } = this.platform;
    const message = await repository.findMessage(database.db, job.tenantId, job.messageId);
    if (message?.status !== 'queued' || !message.channelId) return;
    let resolved: Awaited<ReturnType<ChannelService['resolve']>> | undefined;
    let result: SendResult;
    try {
      resolved = await this.channels.resolve(message.channelId, job.tenantId);
      result = await this.attempt(message, resolved);
    } catch (error) {
      result =
        error instanceof DomainError
          ? { status: 'permanent', reason: 'The channel no longer exists' }
          : {
              status: 'retryable',
              reason: `Channel settings unreadable (is SECRET_KEY the same on every node?): ${(error as Error).message}`,
            };
    }
    metrics.deliveries.inc({ channel: resolved?.channel.kind ?? 'unknown', result: result.status });

    await database.transaction(async (tx) => {
      const [current] = await tx.db
        .select()
        .from(messages)
        .where(and(eq(messages.tenantId, job.tenantId), eq(messages.id, job.messageId)))
        .for('update');
      if (current?.status !== 'queued') return;
      const attempts = current.attempts + 1;
      const now = new Date();
      let values: Partial<MessageRow>;
      if (result.status === 'sent') {
        values = {
          status: 'sent',
          externalId: result.externalId,
          sentAt: now,
          attempts,
          statusReason: null,
          nextAttemptAt: null,
        };
      } else if (result.status === 'retryable' && attempts < config.DELIVERY_MAX_ATTEMPTS) {
        const delayMs = backoffMs(attempts, config.DELIVERY_RETRY_BASE_MS, result.retryAfterMs);
        values = { attempts, statusReason: result.reason, nextAttemptAt: new Date(now.getTime() + delayMs) };
        await this.platform.jobs.send(tx, DELIVER_OUTBOUND_MESSAGE, job, {
          startAfterSeconds: delayMs / 1000,
        });
      } else {
        const reason =
          result.status === 'retryable'
            ? `${result.reason} (gave up after ${attempts} attempts)`
            : result.reason;
        values = { status: 'failed', failedAt: now, attempts, statusReason: reason, nextAttemptAt: null };
      }
      const [updated] = await tx.db
        .update(messages)
        .set(values)
        .where(and(eq(messages.tenantId, job.tenantId), eq(messages.id, job.messageId)))
        .returning();
      const conversation = await repository.findConversation(tx.db, job.tenantId, current.conversationId);
      if (conversation)
        await this.emitMessage(tx, conversation, [{ type: 'message.updated', message: updated! }]);
    });
  }

  private async attempt(
    message: MessageRow,
    resolved: Awaited<ReturnType<ChannelService['resolve']>>,
  ): Promise<SendResult> {
    if (!resolved.channel.enabled)
      return { status: 'retryable', reason: `Channel ${resolved.channel.name} is disabled` };
    const outbound = await buildOutboundMessage(this.platform, message);
    if (!outbound)
      return { status: 'permanent', reason: 'The recipient identity was removed from the contact' };
    try {
      return await resolved.adapter.send(outbound, resolved.settings);
    } catch (error) {
      this.platform.logger.warn({ err: error, messageId: message.id }, 'channel adapter threw while sending');
      return { status: 'retryable', reason: `Adapter error: ${(error as Error).message}` };
    }
  }

  async applyStatus(
    channel: ChannelRow,
    update: DeliveryStatusUpdate,
  ): Promise<{ messageId: string | null; applied: boolean }> {
    return this.platform.database.transaction(async (tx) => {
      const match = update.externalId
        ? and(eq(messages.externalId, update.externalId), eq(messages.direction, 'outbound'))
        : eq(messages.id, update.messageId ?? '00000000-0000-0000-0000-000000000000');
      const [message] = await tx.db
        .select()
        .from(messages)
        .where(and(eq(messages.tenantId, channel.tenantId), eq(messages.channelId, channel.id), match))
        .for('update');
      if (message?.direction !== 'outbound' || !message.status) return { messageId: null, applied: false };
      const now = new Date();
      let values: Partial<MessageRow> | undefined;
      if (update.status === 'failed') {
        if (message.status !== 'failed' && message.status !== 'read') {
          values = {
            status: 'failed',
            failedAt: now,
            statusReason: update.reason ?? 'Reported failed by the provider',
          };
        }
      } else if (
        message.status !== 'failed' &&
        STATUS_RANK[update.status] > STATUS_RANK[message.status as keyof typeof STATUS_RANK]
      ) {
        values = {
          status: update.status,
          sentAt: message.sentAt ?? now,
          ...(update.status === 'delivered' ? { deliveredAt: now } : {}),
          ...(update.status === 'read' ? { readAt: now, deliveredAt: message.deliveredAt ?? now } : {}),
        };
      }
      if (!values) return { messageId: message.id, applied: false };
      const [updated] = await tx.db
        .update(messages)
        .set(values)
        .where(and(eq(messages.tenantId, channel.tenantId), eq(messages.id, message.id)))
        .returning();
      const conversation = await repository.findConversation(tx.db, channel.tenantId, message.conversationId);
      if (conversation)
        await this.emitMessage(tx, conversation, [{ type: 'message.updated', message: updated! }]);
      return { messageId: message.id, applied: true };
    });
  }

  private async visibleConversation(tx: Tx, actor: Actor, conversationId: string): Promise<ConversationRow> {
    const conversation = await repository.findConversation(tx.db, actor.tenantId, conversationId, true);
    if (!conversation || !canSeeConversation(actor, audienceOf(conversation)))
      throw notFound('Conversation', conversationId);
    return conversation;
  }

  private async emit(
    tx: Tx,
    conversation: ConversationRow,
    contactName: string | null,
    changes: { type: string; message: MessageRow; files: Awaited<ReturnType<typeof insertAttachments>> }[],
  ) {
    const audience = audienceOf(conversation);
    await recordEvents(tx, this.platform.bus, [
      ...changes.map((change) => ({
        tenantId: conversation.tenantId,
        type: change.type,
        entityType: 'message',
        entityId: change.message.id,
        payload: presentMessage(change.message, change.files),
        audience,
      })),
      {
        tenantId: conversation.tenantId,
        type: 'conversation.updated',
        entityType: 'conversation',
        entityId: conversation.id,
        payload: presentConversation(conversation, contactName),
        audience,
      },
    ]);
  }

  private async emitMessage(
    tx: Tx,
    conversation: ConversationRow,
    changes: { type: string; message: MessageRow }[],
  ) {
    const files = await repository.attachmentsOf(
      tx.db,
      conversation.tenantId,
      changes.map((change) => change.message.id),
    );
    await recordEvents(
      tx,
      this.platform.bus,
      changes.map((change) => ({
        tenantId: conversation.tenantId,
        type: change.type,
        entityType: 'message',
        entityId: change.message.id,
        payload: presentMessage(
          change.message,
          files.filter((file) => file.messageId === change.message.id),
        ),
        audience: audienceOf(conversation),
      })),
    );
  }
}

export function backoffMs(attempt: number, baseMs: number, retryAfterMs?: number): number {
  const exponential = Math.min(MAX_BACKOFF_MS, baseMs * 2 ** (attempt - 1));
  const jittered = exponential * (0.8 + Math.random() * 0.4);
  return Math.round(Math.min(MAX_BACKOFF_MS, Math.max(jittered, retryAfterMs ?? 0)));
}
