import type { Platform } from '../../platform/context.ts';
import { DomainError, notFound } from '../../platform/errors.ts';
import type { StoredEvent } from '../../platform/events/domain-events.ts';
import type { EventProcessor } from '../../platform/events/event-processors.ts';
import type { Actor } from '../../platform/http/auth.ts';
import { newId } from '../../platform/ids.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { ContactService } from '../contacts/contact.service.ts';
import type { ConversationView } from '../conversations/conversations.schema.ts';
import { backoffMs } from '../conversations/outbound-message.service.ts';
import type { CrmActivityRow } from './crm.presenter.ts';
import * as repository from './crm.repository.ts';
import type { CrmActivityLogQuery, CrmActivityPayload } from './crm.schema.ts';
import { type CrmService, lookupQueryOf } from './crm.service.ts';
import type { CrmAttempt } from './crm.tables.ts';
import type { CrmWriteResult } from './crm-connector.ts';

export const CRM_WRITE_BACK = 'crm-write-back';
const HISTORY_LENGTH = 20;
const EXCERPT_LENGTH = 1000;

interface CrmWriteBackJob {
  tenantId: string;
  activityId: string;
}

export interface CrmWriteBackOptions {
  /** First retry delay; doubles per attempt with jitter (the delivery pipeline's backoff). */
  retryBaseMs: number;
  maxAttempts: number;
}

/**
 * Write-back of resolved conversations to the CRM: one activity per resolution (deduplicated on
 * conversation + resolvedAt), delivered by its own job, retried with backoff on 5xx/timeouts, failed
 * for good on other 4xx, every attempt visible in the activity log.
 */
export class CrmWriteBackService {
  constructor(
    private readonly platform: Platform,
    private readonly crm: CrmService,
    private readonly contacts: ContactService,
    private readonly options: CrmWriteBackOptions,
  ) {}

  processor(): EventProcessor {
    return {
      name: 'crm-write-back',
      handles: ['conversation.updated'],
      accepts: (event) => {
        const view = event.payload as Partial<ConversationView>;
        return (view.status === 'resolved' || view.status === 'closed') && Boolean(view.resolvedAt);
      },
      handle: async (_reference, load) => {
        const event = await load();
        if (event) await this.record(event);
      },
    };
  }

  /** Stores the activity and its delivery job together; a repeated event finds the activity and stops. */
  async record(event: StoredEvent): Promise<void> {
    const view = event.payload as Partial<ConversationView>;
    if ((view.status !== 'resolved' && view.status !== 'closed') || !view.resolvedAt || !view.id) return;
    const { database, jobs } = this.platform;
    const config = await repository.findConnector(database.db, event.tenantId);
    if (!config?.enabled || !config.writeBackEnabled) return;
    const dedupeKey = `${view.id}:${view.resolvedAt}`;
    if (await repository.activityExists(database.db, event.tenantId, dedupeKey)) return;
    const activityId = newId();
    const payload = await this.summary(event.tenantId, activityId, view as ConversationView);
    await database.transaction(async (tx) => {
      const inserted = await repository.insertActivity(tx.db, {
        tenantId: event.tenantId,
        id: activityId,
        dedupeKey,
        conversationId: view.id!,
        conversationNumber: view.number ?? 0,
        payload,
      });
      if (!inserted) return;
      await jobs.send(tx, CRM_WRITE_BACK, { tenantId: event.tenantId, activityId } satisfies CrmWriteBackJob);
      tx.afterCommit(() => jobs.nudge(CRM_WRITE_BACK));
    });
  }

  private async summary(tenantId: string, activityId: string, view: ConversationView) {
    const { database } = this.platform;
    const contact = await this.contacts.get(tenantId, view.contact.id).catch(() => undefined);
    const identities = contact ? lookupQueryOf(contact) : undefined;
    const [facts, lastInbound, lastOutbound, assignee] = await Promise.all([
      repository.conversationFacts(database, tenantId, view.id),
      repository.lastMessage(database, tenantId, view.id, 'inbound'),
      repository.lastMessage(database, tenantId, view.id, 'outbound'),
      view.assigneeId ? repository.tenantMember(database, tenantId, view.assigneeId) : undefined,
    ]);
    const excerpt = (message: repository.MessageExcerptRow) => ({
      text: truncate(message.text, EXCERPT_LENGTH),
      at: message.createdAt.toISOString(),
      channelId: message.channelId,
    });
    return {
      type: 'conversation.resolved',
      id: activityId,
      occurredAt: view.resolvedAt!,
      contact: {
        id: view.contact.id,
        name: contact?.contact.name ?? view.contact.name,
        email: identities?.email ?? null,
        phone: identities?.phone ?? null,
        externalId: identities?.externalId ?? null,
      },
      conversation: {
        id: view.id,
        number: view.number,
        subject: view.subject,
        status: view.status,
        priority: view.priority,
        labels: view.labels ?? [],
        channelIds: facts.channelIds,
        messageCount: facts.messageCount,
        firstMessageAt: facts.firstMessageAt?.toISOString() ?? null,
        lastMessageAt: facts.lastMessageAt?.toISOString() ?? null,
        resolvedAt: view.resolvedAt!,
        assignee: assignee ?? null,
      },
      lastCustomerMessage: lastInbound ? excerpt(lastInbound) : null,
      lastAgentReply: lastOutbound
        ? {
            ...excerpt(lastOutbound),
            author:
              lastOutbound.authorId && lastOutbound.authorName
                ? { id: lastOutbound.authorId, name: lastOutbound.authorName }
                : null,
          }
        : null,
    } satisfies CrmActivityPayload;
  }

  /** The delivery job: one attempt, then delivered, scheduled again with backoff, or failed for good. */
  async deliver(job: CrmWriteBackJob): Promise<void> {
    const { database, jobs } = this.platform;
    const activity = await repository.findActivity(database.db, job.tenantId, job.activityId);
    if (!activity || activity.status === 'delivered' || activity.status === 'failed') return;
    const started = performance.now();
    const result = await this.attempt(activity);
    const durationMs = Math.round(performance.now() - started);
    await database.transaction(async (tx) => {
      const current = await repository.findActivity(tx.db, job.tenantId, job.activityId, true);
      if (!current || current.status === 'delivered' || current.status === 'failed') return;
      const attempts = current.attempts + 1;
      const now = new Date();
      const entry: CrmAttempt = {
        at: now.toISOString(),
        outcome: result.status,
        statusCode: result.statusCode,
        error: result.status === 'delivered' ? null : result.reason,
        durationMs,
      };
      const history = [...current.history, entry].slice(-HISTORY_LENGTH);
      let values: Partial<CrmActivityRow>;
      if (result.status === 'delivered') {
        values = {
          status: 'delivered',
          attempts,
          history,
          lastError: null,
          nextAttemptAt: null,
          deliveredAt: now,
        };
      } else if (result.status === 'retryable' && attempts < this.options.maxAttempts) {
        const delayMs = backoffMs(attempts, this.options.retryBaseMs, result.retryAfterMs);
        values = {
          status: 'retrying',
          attempts,
          history,
          lastError: result.reason,
          nextAttemptAt: new Date(now.getTime() + delayMs),
        };
        await jobs.send(tx, CRM_WRITE_BACK, job, { startAfterSeconds: delayMs / 1000 });
      } else {
        const reason =
          result.status === 'retryable'
            ? `${result.reason} (gave up after ${attempts} attempts)`
            : result.reason;
        values = { status: 'failed', attempts, history, lastError: reason, nextAttemptAt: null };
      }
      await repository.updateActivity(tx.db, job.tenantId, job.activityId, values);
    });
  }

  private async attempt(activity: CrmActivityRow): Promise<CrmWriteResult> {
    const config = await repository.findConnector(this.platform.database.db, activity.tenantId);
    if (!config?.enabled || !config.writeBackEnabled) {
      return {
        status: 'permanent',
        reason: 'The CRM connector or its write-back is disabled',
        statusCode: null,
      };
    }
    try {
      return await this.crm.connectorFor(config).recordActivity(activity.payload as CrmActivityPayload);
    } catch (error) {
      return { status: 'retryable', reason: (error as Error).message, statusCode: null };
    }
  }

  list(tenantId: string, query: CrmActivityLogQuery): Promise<CrmActivityRow[]> {
    return repository.listActivities(this.platform.database.db, tenantId, query);
  }

  /** Puts a failed write-back back in the queue (after the CRM was fixed). */
  async retry(actor: Actor, activityId: string): Promise<CrmActivityRow> {
    const updated = await this.platform.database.transaction(async (tx) => {
      const current = await repository.findActivity(tx.db, actor.tenantId, activityId, true);
      if (!current) throw notFound('CRM activity', activityId);
      if (current.status !== 'failed')
        throw new DomainError('invalid_state', 'Only failed CRM activities can be retried');
      const row = await repository.updateActivity(tx.db, actor.tenantId, activityId, {
        status: 'pending',
        attempts: 0,
        lastError: null,
        nextAttemptAt: null,
      });
      await this.platform.jobs.send(tx, CRM_WRITE_BACK, {
        tenantId: actor.tenantId,
        activityId,
      } satisfies CrmWriteBackJob);
      await recordAudit(tx, actor.tenantId, actor, {
        action: 'crm_activity.retried',
        entityType: 'crm_activity',
        entityId: activityId,
      });
      return row;
    });
    this.platform.jobs.nudge(CRM_WRITE_BACK);
    return updated;
  }

  async startWorkers(): Promise<void> {
    await this.platform.jobs.work<CrmWriteBackJob>(CRM_WRITE_BACK, (job) => this.deliver(job), {
      batchSize: 1,
      pollingIntervalSeconds: 1,
      workers: 2,
      deferrable: true,
    });
  }
}

function truncate(text: string, length: number): string {
  const flat = text.trim();
  return flat.length > length ? `${flat.slice(0, length - 1)}…` : flat;
}
