import { and, eq } from 'drizzle-orm';
import type { DeliveryStatusUpdate, SendResult } from '../../channels/adapter.ts';
import type { Platform } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/database.ts';
import { DomainError, notFound } from '../../platform/errors.ts';
import { recordEvents } from '../../platform/events/domain-events.ts';
import type { Actor } from '../../platform/http/auth.ts';
import { shortReason } from '../../platform/http/outbound-guard.ts';
import type { ChannelRow } from '../channels/channel.presenter.ts';
import type { ChannelService } from '../channels/channel.service.ts';
import { audienceOf, canSeeConversation } from './conversation.policy.ts';
import { type ConversationRow, type MessageRow, presentMessage } from './conversation.presenter.ts';
import * as repository from './conversation.repository.ts';
import { messages } from './conversations.tables.ts';
import { DELIVER_OUTBOUND_MESSAGE, type DeliverOutboundMessageJob } from './deliver-outbound-message.job.ts';
import {
  describeHorizon,
  nextAttemptAt,
  type RetryPolicy,
  reportMovesForward,
  retryPolicyOf,
} from './delivery.policy.ts';
import { buildOutboundMessage } from './outbound-message.builder.ts';

export interface OutboundOptions {
  /** The clock of delivery scheduling (a test moves it through a day-long outage). */
  now?: () => Date;
  random?: () => number;
}

/**
 * Delivery of stored replies: the job that makes one attempt and schedules the next with capped, jittered
 * backoff until the retry horizon ends; "retry" and "send now"; provider delivery reports.
 */
export class OutboundDeliveryService {
  readonly now: () => Date;
  private readonly retryPolicy: RetryPolicy;

  constructor(
    private readonly platform: Platform,
    private readonly channels: ChannelService,
    private readonly options: OutboundOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.retryPolicy = retryPolicyOf(platform.config);
  }

  /** Puts a failed reply back in the delivery queue; its retry horizon starts again now. */
  async retry(actor: Actor, conversationId: string, messageId: string) {
    return this.requeue(actor, conversationId, messageId, (message, now) => {
      if (message.status !== 'failed')
        throw new DomainError('invalid_state', 'Only failed outbound messages can be retried');
      return {
        status: 'queued',
        attempts: 0,
        statusReason: null,
        failedAt: null,
        metadata: {
          ...message.metadata,
          manualRetries: Number(message.metadata.manualRetries ?? 0) + 1,
          retriedAt: now.toISOString(),
        },
      };
    });
  }

  /** "Send now": a reply waiting for its next retry is tried at once (attempts keep counting). */
  async sendNow(actor: Actor, conversationId: string, messageId: string) {
    return this.requeue(actor, conversationId, messageId, (message, now) => {
      if (message.status !== 'queued')
        throw new DomainError('invalid_state', 'Only queued outbound messages can be sent now');
      // Due or under way already: a second job would send it twice.
      if (!message.nextAttemptAt || message.nextAttemptAt <= now)
        throw new DomainError('invalid_state', 'A delivery attempt for this message is already under way');
      return {};
    });
  }

  private async requeue(
    actor: Actor,
    conversationId: string,
    messageId: string,
    change: (message: MessageRow, now: Date) => Partial<MessageRow>,
  ) {
    const result = await this.platform.database.transaction(async (tx) => {
      const conversation = await visibleConversation(tx, actor, conversationId);
      const [message] = await tx.db
        .select()
        .from(messages)
        .where(and(eq(messages.tenantId, actor.tenantId), eq(messages.id, messageId)))
        .for('update');
      if (!message || message.conversationId !== conversation.id) throw notFound('Message', messageId);
      if (message.kind !== 'message' || message.direction !== 'outbound')
        throw new DomainError('invalid_state', 'Only outbound messages are delivered');
      const now = this.now();
      const [updated] = await tx.db
        .update(messages)
        .set({ ...change(message, now), nextAttemptAt: now })
        .where(and(eq(messages.tenantId, actor.tenantId), eq(messages.id, messageId)))
        .returning();
      await this.schedule(tx, actor.tenantId, messageId, now);
      await this.emitMessage(tx, conversation, [{ type: 'message.updated', message: updated! }]);
      return updated!;
    });
    this.platform.jobs.nudge(DELIVER_OUTBOUND_MESSAGE);
    return result;
  }

  /**
   * Enqueues the attempt due at `at`. The job carries that time: it is the message's `nextAttemptAt` while
   * the job is current, so a job overtaken by "send now" or a retry finds another time there and stops.
   */
  async schedule(tx: Tx, tenantId: string, messageId: string, at: Date) {
    const delaySeconds = Math.max(0, (at.getTime() - this.now().getTime()) / 1000);
    await this.platform.jobs.send(
      tx,
      DELIVER_OUTBOUND_MESSAGE,
      { tenantId, messageId, scheduledFor: at.toISOString() } satisfies DeliverOutboundMessageJob,
      delaySeconds > 0 ? { startAfterSeconds: delaySeconds } : {},
    );
  }

  /** The delivery job: one attempt, then sent, scheduled again with backoff, or failed for good. */
  async deliver(job: DeliverOutboundMessageJob): Promise<void> {
    const { database, metrics } = this.platform;
    const message = await repository.findMessage(database.db, job.tenantId, job.messageId);
    if (message?.status !== 'queued' || !message.channelId || !isCurrent(job, message)) return;
    let resolved: Awaited<ReturnType<ChannelService['resolve']>> | undefined;
    let result: SendResult;
    try {
      resolved = await this.channels.resolve(message.channelId, job.tenantId);
      result = await this.attempt(message, resolved);
    } catch (error) {
      if (!(error instanceof DomainError))
        this.platform.logger.warn({ err: error, messageId: message.id }, 'channel settings unreadable');
      result =
        error instanceof DomainError
          ? { status: 'permanent', reason: 'The channel no longer exists' }
          : {
              status: 'retryable',
              reason: 'Channel settings unreadable (is SECRET_KEY the same on every node?)',
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
      const values = this.outcome(current, result, isCurrent(job, current));
      if (values.nextAttemptAt) await this.schedule(tx, job.tenantId, job.messageId, values.nextAttemptAt);
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

  /** What one attempt's result does to the message; an overtaken job's failure leaves the schedule alone. */
  private outcome(current: MessageRow, result: SendResult, scheduleIsOurs: boolean): Partial<MessageRow> {
    const attempts = current.attempts + 1;
    const now = this.now();
    if (result.status === 'sent') {
      return {
        status: 'sent',
        externalId: result.externalId,
        sentAt: now,
        attempts,
        statusReason: null,
        nextAttemptAt: null,
      };
    }
    const reason = shortReason(result.reason, 300);
    if (result.status === 'retryable' && !scheduleIsOurs) return { attempts, statusReason: reason };
    const retriedAt = current.metadata.retriedAt;
    const since = typeof retriedAt === 'string' ? new Date(retriedAt) : current.createdAt;
    const next =
      result.status === 'retryable'
        ? nextAttemptAt(this.retryPolicy, {
            attempts,
            since,
            now,
            ...this.random(),
            retryAfterMs: result.retryAfterMs,
          })
        : undefined;
    if (next) return { attempts, statusReason: reason, nextAttemptAt: next };
    const { maxAttempts } = this.retryPolicy;
    const limit =
      maxAttempts !== undefined && attempts >= maxAttempts ? '' : ` in ${describeHorizon(this.retryPolicy)}`;
    const gaveUp =
      result.status === 'retryable' ? `${reason} (gave up after ${attempts} attempts${limit})` : reason;
    return { status: 'failed', failedAt: now, attempts, statusReason: gaveUp, nextAttemptAt: null };
  }

  private random() {
    return this.options.random ? { random: this.options.random } : {};
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
      // The log keeps the details; the message shows a fixed phrase (an error text can name hosts and ports).
      this.platform.logger.warn({ err: error, messageId: message.id }, 'channel adapter threw while sending');
      return { status: 'retryable', reason: 'The channel adapter failed unexpectedly (see the server log)' };
    }
  }

  /**
   * A provider's delivery report. Status only moves forward (see reportMovesForward); a report that would
   * move it back is kept as a `message.status_reported` event and changes nothing, so a message the
   * customer has cannot become failed, nor be retried and arrive twice.
   */
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
      const conversation = await repository.findConversation(tx.db, channel.tenantId, message.conversationId);
      const reason = update.reason ? shortReason(update.reason) : undefined;
      if (!reportMovesForward(message.status, update.status)) {
        if (conversation) {
          await recordEvents(tx, this.platform.bus, [
            {
              tenantId: channel.tenantId,
              type: 'message.status_reported',
              entityType: 'message',
              entityId: message.id,
              payload: {
                messageId: message.id,
                reported: update.status,
                reason: reason ?? null,
                status: message.status,
                applied: false,
              },
              audience: audienceOf(conversation),
            },
          ]);
        }
        return { messageId: message.id, applied: false };
      }
      const now = this.now();
      const values: Partial<MessageRow> =
        update.status === 'failed'
          ? {
              status: 'failed',
              failedAt: now,
              statusReason: reason ?? 'Reported failed by the provider',
              nextAttemptAt: null,
            }
          : {
              status: update.status,
              sentAt: message.sentAt ?? now,
              nextAttemptAt: null,
              ...(message.status === 'failed' ? { statusReason: null } : {}),
              ...(update.status === 'delivered' ? { deliveredAt: now } : {}),
              ...(update.status === 'read' ? { readAt: now, deliveredAt: message.deliveredAt ?? now } : {}),
            };
      const [updated] = await tx.db
        .update(messages)
        .set(values)
        .where(and(eq(messages.tenantId, channel.tenantId), eq(messages.id, message.id)))
        .returning();
      if (conversation)
        await this.emitMessage(tx, conversation, [{ type: 'message.updated', message: updated! }]);
      return { messageId: message.id, applied: true };
    });
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

export async function visibleConversation(
  tx: Tx,
  actor: Actor,
  conversationId: string,
): Promise<ConversationRow> {
  const conversation = await repository.findConversation(tx.db, actor.tenantId, conversationId, true);
  if (!conversation || !canSeeConversation(actor, audienceOf(conversation)))
    throw notFound('Conversation', conversationId);
  return conversation;
}

/** Jobs enqueued before jobs carried their time (an upgrade) are always current. */
function isCurrent(job: DeliverOutboundMessageJob, message: MessageRow): boolean {
  return job.scheduledFor === undefined || message.nextAttemptAt?.toISOString() === job.scheduledFor;
}
