import {
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
import { createdAt, updatedAt } from '../../platform/db/columns.ts';
import { tenants } from '../../platform/db/schema.ts';
import { contacts } from '../contacts/contacts.tables.ts';

/** One CRM/ERP connector per tenant; the signing secret is sealed with the platform's SecretBox. */
export const crmConnectors = pgTable('crm_connectors', {
  tenantId: uuid('tenant_id')
    .primaryKey()
    .references(() => tenants.id, { onDelete: 'cascade' }),
  kind: text('kind', { enum: ['http'] })
    .notNull()
    .default('http'),
  baseUrl: text('base_url').notNull(),
  secretEncrypted: text('secret_encrypted').notNull(),
  timeoutMs: integer('timeout_ms').notNull().default(3000),
  cacheTtlSeconds: integer('cache_ttl_seconds').notNull().default(900),
  enabled: boolean('enabled').notNull().default(true),
  writeBackEnabled: boolean('write_back_enabled').notNull().default(true),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/**
 * The last CRM answer per contact. `data` and `fetched_at` keep the last successful lookup; a failed
 * refresh only sets `error` and `attempted_at`, so the panel can still show what was known.
 */
export const crmLookups = pgTable(
  'crm_lookups',
  {
    tenantId: uuid('tenant_id').notNull(),
    contactId: uuid('contact_id').notNull(),
    /** Hash of the identities sent; a changed identity set makes the cached answer stale. */
    queryHash: text('query_hash').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>(),
    fetchedAt: timestamp('fetched_at', { withTimezone: true }),
    attemptedAt: timestamp('attempted_at', { withTimezone: true }).notNull().defaultNow(),
    error: text('error'),
  },
  (table) => [
    primaryKey({ columns: [table.tenantId, table.contactId] }),
    foreignKey({
      columns: [table.tenantId, table.contactId],
      foreignColumns: [contacts.tenantId, contacts.id],
    }).onDelete('cascade'),
  ],
);

export const CRM_ACTIVITY_STATUSES = ['pending', 'retrying', 'delivered', 'failed'] as const;

export interface CrmAttempt {
  at: string;
  outcome: 'delivered' | 'retryable' | 'permanent';
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/** One write-back of a resolved conversation to the CRM, with its delivery attempts. */
export const crmActivities = pgTable(
  'crm_activities',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull(),
    /** conversation id + resolvedAt: one post per resolution, however often the event is delivered. */
    dedupeKey: text('dedupe_key').notNull(),
    conversationId: uuid('conversation_id').notNull(),
    conversationNumber: integer('conversation_number').notNull(),
    kind: text('kind').notNull().default('conversation.resolved'),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    status: text('status', { enum: CRM_ACTIVITY_STATUSES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    history: jsonb('history').$type<CrmAttempt[]>().notNull().default([]),
    lastError: text('last_error'),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    primaryKey({ columns: [table.tenantId, table.id] }),
    uniqueIndex('crm_activities_dedupe_key').on(table.tenantId, table.dedupeKey),
    index('crm_activities_tenant_created_idx').on(table.tenantId, table.createdAt),
  ],
);
