import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  foreignKey,
  index,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, updatedAt } from '../../platform/db/columns.ts';
import { tenants } from '../../platform/db/schema.ts';

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

export const ATTRIBUTE_TYPES = ['text', 'number', 'date', 'boolean', 'list', 'link'] as const;

/** Typed custom attributes a tenant defines for its contacts. */
export const customAttributeDefinitions = pgTable(
  'custom_attribute_definitions',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    key: text('key').notNull(),
    label: text('label').notNull(),
    type: text('type', { enum: ATTRIBUTE_TYPES }).notNull(),
    options: jsonb('options').$type<string[]>().notNull().default([]),
    createdAt: createdAt(),
  },
  (table) => [
    primaryKey({ columns: [table.tenantId, table.id] }),
    uniqueIndex('custom_attribute_definitions_key').on(table.tenantId, table.key),
  ],
);

export const organizations = pgTable(
  'organizations',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    name: text('name').notNull(),
    domain: text('domain'),
    createdAt: createdAt(),
  },
  (table) => [
    primaryKey({ columns: [table.tenantId, table.id] }),
    uniqueIndex('organizations_name_key').on(table.tenantId, table.name),
  ],
);

export const contactOrganizations = pgTable(
  'contact_organizations',
  {
    tenantId: uuid('tenant_id').notNull(),
    contactId: uuid('contact_id').notNull(),
    organizationId: uuid('organization_id').notNull(),
  },
  (table) => [primaryKey({ columns: [table.tenantId, table.contactId, table.organizationId] })],
);

export const contactNotes = pgTable(
  'contact_notes',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    contactId: uuid('contact_id').notNull(),
    authorUserId: uuid('author_user_id'),
    text: text('text').notNull(),
    createdAt: createdAt(),
  },
  (table) => [
    primaryKey({ columns: [table.tenantId, table.id] }),
    index('contact_notes_contact_idx').on(table.tenantId, table.contactId, table.createdAt),
  ],
);

/** Things on a customer's timeline that are not conversation messages: merges, calls, CSAT, CRM events. */
export const contactEvents = pgTable(
  'contact_events',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    contactId: uuid('contact_id').notNull(),
    kind: text('kind').notNull(),
    channelId: uuid('channel_id'),
    summary: text('summary').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.tenantId, table.id] }),
    index('contact_events_contact_idx').on(table.tenantId, table.contactId, table.occurredAt, table.id),
  ],
);

export const MERGE_SUGGESTION_STATES = ['open', 'accepted', 'dismissed'] as const;

/** Two contacts that may be one person, with the evidence; never merged without a person deciding. */
export const mergeSuggestions = pgTable(
  'merge_suggestions',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    contactId: uuid('contact_id').notNull(),
    candidateId: uuid('candidate_id').notNull(),
    reason: text('reason').notNull(),
    evidence: jsonb('evidence').$type<Record<string, unknown>>().notNull().default({}),
    status: text('status', { enum: MERGE_SUGGESTION_STATES }).notNull().default('open'),
    createdAt: createdAt(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    resolvedBy: uuid('resolved_by'),
  },
  (table) => [
    primaryKey({ columns: [table.tenantId, table.id] }),
    uniqueIndex('merge_suggestions_pair_key')
      .on(table.tenantId, table.contactId, table.candidateId, table.reason)
      .where(sql`status = 'open'`),
  ],
);

/** One merge, with everything needed to split it again exactly. */
export const contactMerges = pgTable(
  'contact_merges',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    sequence: bigserial('sequence', { mode: 'number' }).notNull(),
    survivorId: uuid('survivor_id').notNull(),
    mergedId: uuid('merged_id').notNull(),
    snapshot: jsonb('snapshot').$type<Record<string, unknown>>().notNull(),
    actorUserId: uuid('actor_user_id'),
    createdAt: createdAt(),
    undoneAt: timestamp('undone_at', { withTimezone: true }),
  },
  (table) => [
    primaryKey({ columns: [table.tenantId, table.id] }),
    index('contact_merges_survivor_idx').on(table.tenantId, table.survivorId),
  ],
);
