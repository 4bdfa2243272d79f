import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, tsvector, updatedAt } from '../../platform/db/columns.ts';
import { channels } from '../channels/channels.tables.ts';
import { contacts } from '../contacts/contacts.tables.ts';

export const CONVERSATION_STATUSES = ['open', 'pending', 'snoozed', 'resolved', 'closed'] as const;
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;

export const conversations = pgTable(
  'conversations',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    number: bigserial('number', { mode: 'number' }).notNull(),
    contactId: uuid('contact_id').notNull(),
    channelId: uuid('channel_id').notNull(),
    status: text('status', { enum: CONVERSATION_STATUSES }).notNull().default('open'),
    snoozedUntil: timestamp('snoozed_until', { withTimezone: true }),
    priority: text('priority', { enum: PRIORITIES }).notNull().default('normal'),
    priorityRank: integer('priority_rank').notNull().default(1),
    assigneeId: uuid('assignee_id'),
    teamId: uuid('team_id'),
    labels: text('labels').array().notNull().default(sql`'{}'::text[]`),
    language: text('language'),
    subject: text('subject'),
    externalThreadId: text('external_thread_id'),
    /** The conversation a message pointed at but could not join (another customer's thread): shown as related. */
    relatedConversationId: uuid('related_conversation_id'),
    lastInboundChannelId: uuid('last_inbound_channel_id'),
    lastInboundIdentityId: uuid('last_inbound_identity_id'),
    preferredChannelId: uuid('preferred_channel_id'),
    customAttributes: jsonb('custom_attributes').$type<Record<string, unknown>>().notNull().default({}),
    lastMessagePreview: text('last_message_preview'),
    messageCount: integer('message_count').notNull().default(0),
    firstResponseAt: timestamp('first_response_at', { withTimezone: true }),
    lastActivityAt: timestamp('last_activity_at', { withTimezone: true }).notNull().defaultNow(),
    waitingSince: timestamp('waiting_since', { withTimezone: true }),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    primaryKey({ columns: [table.tenantId, table.id] }),
    uniqueIndex('conversations_number_key').on(table.number),
    index('conversations_activity_idx').on(table.tenantId, table.lastActivityAt, table.id),
    index('conversations_waiting_idx').on(table.tenantId, table.waitingSince, table.id),
    index('conversations_status_activity_idx').on(table.tenantId, table.status, table.lastActivityAt),
    index('conversations_contact_idx').on(table.tenantId, table.contactId, table.channelId, table.status),
    index('conversations_assignee_idx').on(table.tenantId, table.assigneeId, table.status),
    uniqueIndex('conversations_thread_key')
      .on(table.tenantId, table.channelId, table.externalThreadId)
      .where(sql`external_thread_id is not null`),
    foreignKey({
      columns: [table.tenantId, table.contactId],
      foreignColumns: [contacts.tenantId, contacts.id],
    }),
    foreignKey({
      columns: [table.tenantId, table.channelId],
      foreignColumns: [channels.tenantId, channels.id],
    }),
  ],
);

export const MESSAGE_STATUSES = ['received', 'queued', 'sent', 'delivered', 'read', 'failed'] as const;

export const messages = pgTable(
  'messages',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    conversationId: uuid('conversation_id').notNull(),
    contactId: uuid('contact_id').notNull(),
    direction: text('direction', { enum: ['inbound', 'outbound'] }).notNull(),
    kind: text('kind', { enum: ['message', 'note', 'activity'] }).notNull(),
    channelId: uuid('channel_id'),
    identityId: uuid('identity_id'),
    authorUserId: uuid('author_user_id'),
    text: text('text').notNull().default(''),
    html: text('html'),
    subject: text('subject'),
    externalId: text('external_id'),
    /** Delivery state; null for notes and activity items, which never leave the system. */
    status: text('status', { enum: MESSAGE_STATUSES }),
    statusReason: text('status_reason'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    /** ISO 639-1 language of the text (detected), choosing the full-text configuration. */
    language: text('language'),
    searchVector: tsvector('search_vector').generatedAlwaysAs(
      sql`to_tsvector(case language when 'de' then 'german'::regconfig when 'en' then 'english'::regconfig else 'simple'::regconfig end, coalesce(subject, '') || ' ' || text)`,
    ),
    createdAt: createdAt(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    readAt: timestamp('read_at', { withTimezone: true }),
    failedAt: timestamp('failed_at', { withTimezone: true }),
  },
  (table) => [
    primaryKey({ columns: [table.tenantId, table.id] }),
    index('messages_conversation_idx').on(table.tenantId, table.conversationId, table.createdAt, table.id),
    index('messages_contact_idx').on(table.tenantId, table.contactId, table.createdAt, table.id),
    // New entries wait in a pending list until it is merged into the index, and the insert that finds it full
    // does the merge: with the default 4 MB, ≈300 ms inside one ingest transaction. 256 kB merges in a few ms.
    index('messages_search_idx').using('gin', table.searchVector).with({ gin_pending_list_limit: 256 }),
    // Newest-first walk over a tenant's messages: the fast path of full-text search for common words.
    index('messages_recent_idx').on(table.tenantId, table.createdAt),
    uniqueIndex('messages_external_key')
      .on(table.tenantId, table.channelId, table.direction, table.externalId)
      .where(sql`external_id is not null`),
    index('messages_external_idx').on(table.tenantId, table.externalId).where(sql`external_id is not null`),
    foreignKey({
      columns: [table.tenantId, table.conversationId],
      foreignColumns: [conversations.tenantId, conversations.id],
    }).onDelete('cascade'),
  ],
);

export const attachments = pgTable(
  'attachments',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    messageId: uuid('message_id').notNull(),
    filename: text('filename').notNull(),
    contentType: text('content_type').notNull(),
    size: bigint('size', { mode: 'number' }).notNull(),
    sha256: text('sha256').notNull(),
    storageKey: text('storage_key').notNull(),
    /** Content-ID of an inline part (email `cid:` references). */
    contentId: text('content_id'),
    inline: boolean('inline').notNull().default(false),
    createdAt: createdAt(),
  },
  (table) => [
    primaryKey({ columns: [table.tenantId, table.id] }),
    index('attachments_message_idx').on(table.tenantId, table.messageId),
    foreignKey({
      columns: [table.tenantId, table.messageId],
      foreignColumns: [messages.tenantId, messages.id],
    }).onDelete('cascade'),
  ],
);
