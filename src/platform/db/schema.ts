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

import { createdAt, tsvector, updatedAt } from './columns.ts';

// The outbox and audit trail live beside this file; re-exported so the schema stays one import.
export * from './events.tables.ts';

export const tenants = pgTable('tenants', {
  id: uuid('id').primaryKey(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  defaultLanguage: text('default_language').notNull().default('en'),
  timeZone: text('time_zone').notNull().default('Europe/Berlin'),
  defaultCountry: text('default_country').notNull().default('DE'),
  senderAddresses: jsonb('sender_addresses')
    .$type<{ email: string; name?: string }[]>()
    .notNull()
    .default([]),
  reopenWindowMinutes: integer('reopen_window_minutes').notNull().default(0),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    passwordHash: text('password_hash').notNull(),
    isPlatformAdmin: boolean('is_platform_admin').notNull().default(false),
    language: text('language'),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex('users_email_key').on(table.email)],
);

export const memberships = pgTable(
  'memberships',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role', { enum: ['agent', 'supervisor', 'admin'] }).notNull(),
    availability: text('availability', { enum: ['online', 'away', 'offline'] })
      .notNull()
      .default('offline'),
    // The person's name as this tenant knows it: tenant admins rename this, never the global users row.
    displayName: text('display_name').notNull(),
    createdAt: createdAt(),
  },
  (table) => [primaryKey({ columns: [table.tenantId, table.userId] }), index().on(table.userId)],
);

/** A tenant admin's offer of a membership; the person accepts it with the link (token shown once). */
export const invitations = pgTable(
  'invitations',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull(),
    email: text('email').notNull(),
    displayName: text('display_name').notNull(),
    role: text('role', { enum: ['agent', 'supervisor', 'admin'] }).notNull(),
    tokenHash: text('token_hash').notNull(),
    invitedBy: uuid('invited_by'),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (table) => [
    primaryKey({ columns: [table.tenantId, table.id] }),
    uniqueIndex('invitations_token_hash_key').on(table.tokenHash),
    uniqueIndex('invitations_tenant_email_key').on(table.tenantId, table.email),
  ],
);

export const teams = pgTable(
  'teams',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull(),
    name: text('name').notNull(),
    createdAt: createdAt(),
  },
  (table) => [
    primaryKey({ columns: [table.tenantId, table.id] }),
    uniqueIndex('teams_tenant_name_key').on(table.tenantId, table.name),
  ],
);

export const teamMembers = pgTable(
  'team_members',
  {
    tenantId: uuid('tenant_id').notNull(),
    teamId: uuid('team_id').notNull(),
    userId: uuid('user_id').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.tenantId, table.teamId, table.userId] }),
    foreignKey({
      columns: [table.tenantId, table.teamId],
      foreignColumns: [teams.tenantId, teams.id],
    }).onDelete('cascade'),
    foreignKey({
      columns: [table.tenantId, table.userId],
      foreignColumns: [memberships.tenantId, memberships.userId],
    }).onDelete('cascade'),
  ],
);

export const sessions = pgTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    tenantId: uuid('tenant_id').notNull(),
    userId: uuid('user_id').notNull(),
    csrfToken: text('csrf_token').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (table) => [
    foreignKey({
      columns: [table.tenantId, table.userId],
      foreignColumns: [memberships.tenantId, memberships.userId],
    }).onDelete('cascade'),
  ],
);

export const apiTokens = pgTable(
  'api_tokens',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull(),
    userId: uuid('user_id').notNull(),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (table) => [
    primaryKey({ columns: [table.tenantId, table.id] }),
    uniqueIndex('api_tokens_token_hash_key').on(table.tokenHash),
    foreignKey({
      columns: [table.tenantId, table.userId],
      foreignColumns: [memberships.tenantId, memberships.userId],
    }).onDelete('cascade'),
  ],
);

export const channels = pgTable(
  'channels',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull(),
    kind: text('kind').notNull(),
    name: text('name').notNull(),
    config: jsonb('config').$type<Record<string, unknown>>().notNull().default({}),
    secretsEncrypted: text('secrets_encrypted'),
    enabled: boolean('enabled').notNull().default(true),
    /** Health of the channel's connection as last seen by its transport (e.g. an IMAP mailbox). */
    status: text('status', { enum: ['ok', 'auth_failed', 'unreachable', 'error'] })
      .notNull()
      .default('ok'),
    statusDetail: text('status_detail'),
    statusChangedAt: timestamp('status_changed_at', { withTimezone: true }),
    /** Transport bookkeeping that must survive restarts (e.g. IMAP UIDVALIDITY and last UID). */
    state: jsonb('state').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    primaryKey({ columns: [table.tenantId, table.id] }),
    uniqueIndex('channels_id_key').on(table.id),
  ],
);

export const contacts = pgTable(
  'contacts',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull(),
    name: text('name'),
    language: text('language'),
    timeZone: text('time_zone'),
    preferredChannelId: uuid('preferred_channel_id'),
    customAttributes: jsonb('custom_attributes').$type<Record<string, unknown>>().notNull().default({}),
    avatarUrl: text('avatar_url'),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    /** Whether `language` was set by a person or detected from the customer's messages. */
    languageSource: text('language_source', { enum: ['manual', 'detected'] }),
    /** Set when this contact was merged into another; the row stays so the merge can be undone. */
    mergedIntoId: uuid('merged_into_id'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    primaryKey({ columns: [table.tenantId, table.id] }),
    index('contacts_tenant_created_idx').on(table.tenantId, table.createdAt),
    index('contacts_name_trgm_idx').using('gin', sql`${table.name} gin_trgm_ops`),
  ],
);

export const IDENTITY_KINDS = [
  'email',
  'phone',
  'whatsapp',
  'telegram',
  'messenger',
  'instagram',
  'webchat',
  'api',
  'crm',
] as const;

export const CONSENT_STATES = ['unknown', 'opted_in', 'opted_out'] as const;

export const contactIdentities = pgTable(
  'contact_identities',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    contactId: uuid('contact_id').notNull(),
    kind: text('kind', { enum: IDENTITY_KINDS }).notNull(),
    value: text('value').notNull(),
    displayValue: text('display_value').notNull(),
    verified: boolean('verified').notNull().default(false),
    /** The channel this identity was first seen on, if it came in through one. */
    channelId: uuid('channel_id'),
    consent: text('consent', { enum: CONSENT_STATES }).notNull().default('unknown'),
    consentAt: timestamp('consent_at', { withTimezone: true }),
    consentSource: text('consent_source'),
    firstSeenAt: timestamp('first_seen_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.tenantId, table.id] }),
    uniqueIndex('contact_identities_value_key').on(table.tenantId, table.kind, table.value),
    index('contact_identities_contact_idx').on(table.tenantId, table.contactId),
    // Contact search, by fragment. On lower(value), not value: a trigram index also answers "value = …", and
    // with the statistics of a few thousand identities the planner chose it over the unique key for the
    // inbound identity lookup (milliseconds a probe instead of microseconds). Trigrams are lower-cased anyway.
    index('contact_identities_value_search_idx').using('gin', sql`lower(${table.value}) gin_trgm_ops`),
    // An email's local part without its +tag: merge suggestions find plus-addresses and the same name on
    // other domains by equality here (a LIKE over the trigram index slowed down with every address).
    index('contact_identities_email_base_idx')
      .on(table.tenantId, sql`split_part(split_part(${table.value}, '@', 1), '+', 1)`)
      .where(sql`${table.kind} = 'email'`),
    foreignKey({
      columns: [table.tenantId, table.contactId],
      foreignColumns: [contacts.tenantId, contacts.id],
    }).onDelete('cascade'),
  ],
);

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
