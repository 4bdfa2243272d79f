import { sql } from 'drizzle-orm';
import {
  bigserial,
  index,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt } from '../../platform/db/columns.ts';

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
