import { asc, desc, eq, type SQL, sql } from 'drizzle-orm';
import type { Platform } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/database.ts';
import { DomainError, notFound } from '../../platform/errors.ts';
import { recordEvents } from '../../platform/events/domain-events.ts';
import type { Actor } from '../../platform/http/auth.ts';
import { type CursorPart, decodeCursor, encodeCursor } from '../../platform/http/cursor.ts';
import { newId } from '../../platform/ids.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { ChannelService } from '../channels/channel.service.ts';
import { contactById } from '../contacts/contact-lookup.ts';
import type { UserService } from '../users/user.service.ts';
import { audienceOf, canSeeConversation, visibleConversationsFilter } from './conversation.policy.ts';
import { type ConversationRow, presentConversation, presentMessage } from './conversation.presenter.ts';
import * as repository from './conversation.repository.ts';
import type { ConversationListQuery, UpdateConversationBody } from './conversations.schema.ts';
import { conversations, messages } from './conversations.tables.ts';

export const WAKE_SNOOZED_CONVERSATION = 'wake-snoozed-conversation';
const PRIORITY_RANK = { low: 0, normal: 1, high: 2, urgent: 3 } as const;

export class ConversationService {
  constructor(
    private readonly platform: Platform,
    private readonly users: UserService,
    private readonly channels: ChannelService,
  ) {}

  async list(actor: Actor, query: ConversationListQuery) {
    const filters: (SQL | undefined)[] = [visibleConversationsFilter(actor)];
    if (query.status?.length) filters.push(sql`${conversations.status} in ${query.status}`);
    if (query.priority?.length) filters.push(sql`${conversations.priority} in ${query.priority}`);
    if (query.assignee === 'me') filters.push(eq(conversations.assigneeId, actor.userId));
    else if (query.assignee === 'none') filters.push(sql`${conversations.assigneeId} is null`);
    else if (query.assignee) filters.push(eq(conversations.assigneeId, query.assignee));
    if (query.team === 'none') filters.push(sql`${conversations.teamId} is null`);
    else if (query.team) filters.push(eq(conversations.teamId, query.team));
    if (query.channel) filters.push(eq(conversations.channelId, query.channel));
    if (query.contact) filters.push(eq(conversations.contactId, query.contact));
    if (query.label) filters.push(sql`${query.label} = any(${conversations.labels})`);

    const waiting = sql`coalesce(${conversations.waitingSince}, 'infinity'::timestamptz)`;
    const cursor = decodeCursor(query.cursor, cursorShape(query.sort));
    let order: SQL[];
    if (query.sort === 'waiting') {
      order = [asc(waiting), asc(conversations.id)];
      if (cursor)
        filters.push(
          sql`(${waiting}, ${conversations.id}) > (${cursor[0]}::timestamptz, ${cursor[1]}::uuid)`,
        );
    } else if (query.sort === 'priority') {
      order = [desc(conversations.priorityRank), desc(conversations.lastActivityAt), desc(conversations.id)];
      if (cursor) {
        filters.push(
          sql`(${conversations.priorityRank}, ${conversations.lastActivityAt}, ${conversations.id}) < (${cursor[0]}::int, ${cursor[1]}::timestamptz, ${cursor[2]}::uuid)`,
        );
      }
    } else {
      order = [desc(conversations.lastActivityAt), desc(conversations.id)];
      if (cursor)
        filters.push(
          sql`(${conversations.lastActivityAt}, ${conversations.id}) < (${cursor[0]}::timestamptz, ${cursor[1]}::uuid)`,
        );
    }
    const rows = await repository.listConversations(
      this.platform.database.db,
      actor.tenantId,
      filters,
      order,
      query.limit + 1,
    );
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page.map((row) => presentConversation(row, row.contactName)),
      nextCursor: rows.length > query.limit && last ? encodeCursor(cursorValues(last, query.sort)) : null,
    };
  }

  async get(actor: Actor, conversationId: string) {
    const conversation = await this.visible(actor, conversationId);
    const contact = await contactById(this.platform.database.db, actor.tenantId, conversation.contactId);
    return presentConversation(conversation, contact?.name ?? null);
  }

  async listMessages(actor: Actor, conversationId: string, limit: number, beforeId?: string) {
    await this.visible(actor, conversationId);
    const { db } = this.platform.database;
    let before: { createdAt: Date; id: string } | undefined;
    if (beforeId) {
      const anchor = await repository.findMessage(db, actor.tenantId, beforeId);
      if (!anchor || anchor.conversationId !== conversationId) throw notFound('Message', beforeId);
      before = { createdAt: anchor.createdAt, id: anchor.id };
    }
    const rows = await repository.listMessages(db, actor.tenantId, conversationId, limit + 1, before);
    const hasMore = rows.length > limit;
    const page = hasMore ? rows.slice(1) : rows;
    const files = await repository.attachmentsOf(
      db,
      actor.tenantId,
      page.map((row) => row.id),
    );
    return {
      items: page.map((row) =>
        presentMessage(
          row,
          files.filter((file) => file.messageId === row.id),
        ),
      ),
      hasMore,
    };
  }

  async update(actor: Actor, conversationId: string, input: UpdateConversationBody) {
    const result = await this.platform.database.transaction(async (tx) => {
      const current = await repository.findConversation(tx.db, actor.tenantId, conversationId, true);
      if (!current || !canSeeConversation(actor, audienceOf(current)))
        throw notFound('Conversation', conversationId);
      if (input.assigneeId) await this.users.assertMember(tx, actor.tenantId, input.assigneeId);
      if (input.teamId) await this.users.assertTeam(tx, actor.tenantId, input.teamId);
      if (input.preferredChannelId) await this.channels.resolve(input.preferredChannelId, actor.tenantId);
      const now = new Date();
      const values: Partial<ConversationRow> = {};
      const activities: Record<string, unknown>[] = [];
      const change = <K extends keyof ConversationRow>(
        key: K,
        value: ConversationRow[K],
        activity?: string,
      ) => {
        const before = current[key];
        const same = Array.isArray(before)
          ? JSON.stringify(before) === JSON.stringify(value)
          : before === value;
        if (same) return;
        values[key] = value;
        if (activity) activities.push({ action: activity, from: before, to: value });
      };
      if (input.status !== undefined) {
        if (input.status === 'snoozed') {
          const until = new Date(input.snoozedUntil!);
          if (until.getTime() <= now.getTime()) {
            throw new DomainError('validation_failed', 'snoozedUntil must be in the future', {
              errors: [{ field: 'body.snoozedUntil', message: 'must be in the future' }],
            });
          }
          values.snoozedUntil = until;
        } else {
          values.snoozedUntil = null;
        }
        change('status', input.status, 'status_changed');
        if (input.status === 'resolved' || input.status === 'closed') {
          values.resolvedAt = current.resolvedAt ?? now;
          // A resolved case is nobody's waiting work; the next customer message starts the clock again.
          values.waitingSince = null;
        } else {
          values.resolvedAt = null;
        }
      }
      if (input.priority !== undefined) {
        change('priority', input.priority, 'priority_changed');
        values.priorityRank = PRIORITY_RANK[input.priority];
      }
      if (input.assigneeId !== undefined) change('assigneeId', input.assigneeId, 'assigned');
      if (input.teamId !== undefined) change('teamId', input.teamId, 'team_changed');
      if (input.labels !== undefined) change('labels', [...new Set(input.labels)], 'labels_changed');
      if (input.preferredChannelId !== undefined)
        change('preferredChannelId', input.preferredChannelId, 'preferred_channel_changed');
      if (input.subject !== undefined) change('subject', input.subject);
      if (input.language !== undefined) change('language', input.language);
      if (input.customAttributes !== undefined) change('customAttributes', input.customAttributes);
      if (Object.keys(values).length === 0) return { conversation: current, changed: false };

      const updated = await repository.updateConversation(tx.db, actor.tenantId, conversationId, {
        ...values,
        lastActivityAt: activities.length > 0 ? now : current.lastActivityAt,
      });
      if (values.status === 'snoozed' && values.snoozedUntil) {
        await this.platform.jobs.send(
          tx,
          WAKE_SNOOZED_CONVERSATION,
          { tenantId: actor.tenantId, conversationId },
          {
            startAfterSeconds: Math.max(1, Math.ceil((values.snoozedUntil.getTime() - now.getTime()) / 1000)),
          },
        );
      }
      await this.recordActivities(tx, actor, updated, activities, now);
      await recordAudit(tx, actor.tenantId, actor, {
        action: 'conversation.updated',
        entityType: 'conversation',
        entityId: conversationId,
        changes: input,
      });
      return { conversation: updated, changed: true };
    });
    const contact = await contactById(
      this.platform.database.db,
      actor.tenantId,
      result.conversation.contactId,
    );
    return presentConversation(result.conversation, contact?.name ?? null);
  }

  /** Timer job: a snoozed conversation whose time has come opens again. */
  async wakeSnoozed(tenantId: string, conversationId: string): Promise<void> {
    await this.platform.database.transaction(async (tx) => {
      const current = await repository.findConversation(tx.db, tenantId, conversationId, true);
      if (current?.status !== 'snoozed' || !current.snoozedUntil) return;
      if (current.snoozedUntil.getTime() > Date.now() + 1000) return;
      const now = new Date();
      const updated = await repository.updateConversation(tx.db, tenantId, conversationId, {
        status: 'open',
        snoozedUntil: null,
        lastActivityAt: now,
      });
      await this.recordActivities(
        tx,
        null,
        updated,
        [{ action: 'snooze_ended', from: 'snoozed', to: 'open' }],
        now,
      );
    });
  }

  private async recordActivities(
    tx: Tx,
    actor: Actor | null,
    conversation: ConversationRow,
    activities: Record<string, unknown>[],
    now: Date,
  ) {
    const activityRows =
      activities.length === 0
        ? []
        : await tx.db
            .insert(messages)
            .values(
              activities.map((activity, index) => ({
                tenantId: conversation.tenantId,
                id: newId(),
                conversationId: conversation.id,
                contactId: conversation.contactId,
                direction: 'outbound' as const,
                kind: 'activity' as const,
                authorUserId: actor?.userId ?? null,
                text: describeActivity(activity),
                status: null,
                metadata: activity,
                createdAt: new Date(now.getTime() + index),
              })),
            )
            .returning();
    const contact = await contactById(tx.db, conversation.tenantId, conversation.contactId);
    const audience = audienceOf(conversation);
    await recordEvents(tx, this.platform.bus, [
      ...activityRows.map((row) => ({
        tenantId: conversation.tenantId,
        type: 'message.created',
        entityType: 'message',
        entityId: row.id,
        payload: presentMessage(row),
        audience,
      })),
      {
        tenantId: conversation.tenantId,
        type: 'conversation.updated',
        entityType: 'conversation',
        entityId: conversation.id,
        payload: presentConversation(conversation, contact?.name ?? null),
        audience,
      },
    ]);
  }

  async attachment(actor: Actor, attachmentId: string) {
    const { db } = this.platform.database;
    const file = await repository.findAttachment(db, actor.tenantId, attachmentId);
    if (!file) throw notFound('Attachment', attachmentId);
    const message = await repository.findMessage(db, actor.tenantId, file.messageId);
    if (!message) throw notFound('Attachment', attachmentId);
    await this.visible(actor, message.conversationId).catch(() => {
      throw notFound('Attachment', attachmentId);
    });
    return { file, data: await this.platform.storage.get(file.storageKey) };
  }

  /** The provider's original bytes of a message (e.g. the RFC 822 source of an email). */
  async rawSource(actor: Actor, conversationId: string, messageId: string) {
    await this.visible(actor, conversationId);
    const message = await repository.findMessage(this.platform.database.db, actor.tenantId, messageId);
    const raw = message?.metadata.raw as { storageKey: string; contentType: string } | undefined;
    if (!message || message.conversationId !== conversationId || !raw)
      throw notFound('Raw source of message', messageId);
    return { contentType: raw.contentType, data: await this.platform.storage.get(raw.storageKey) };
  }

  private async visible(actor: Actor, conversationId: string): Promise<ConversationRow> {
    const conversation = await repository.findConversation(
      this.platform.database.db,
      actor.tenantId,
      conversationId,
    );
    if (!conversation || !canSeeConversation(actor, audienceOf(conversation)))
      throw notFound('Conversation', conversationId);
    return conversation;
  }
}

function describeActivity(activity: Record<string, unknown>): string {
  const to = Array.isArray(activity.to) ? activity.to.join(', ') : (activity.to ?? 'none');
  return `${String(activity.action).replaceAll('_', ' ')}: ${String(to)}`;
}

function cursorValues(row: ConversationRow, sort: ConversationListQuery['sort']): (string | number)[] {
  if (sort === 'waiting') return [row.waitingSince?.toISOString() ?? 'infinity', row.id];
  if (sort === 'priority') return [row.priorityRank, row.lastActivityAt.toISOString(), row.id];
  return [row.lastActivityAt.toISOString(), row.id];
}

/** The cursor's shape per sort: the sort key's columns, then the id that breaks ties. */
function cursorShape(sort: ConversationListQuery['sort']): CursorPart[] {
  if (sort === 'waiting') return ['timestamp-or-infinity', 'uuid'];
  if (sort === 'priority') return ['int', 'timestamp', 'uuid'];
  return ['timestamp', 'uuid'];
}
