import { bigserial, index, json, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt } from './columns.ts';

export interface EventAudience {
  teamId: string | null;
  assigneeId: string | null;
}

export const domainEvents = pgTable(
  'domain_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenantId: uuid('tenant_id').notNull(),
    type: text('type').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: uuid('entity_id').notNull(),
    // json, not jsonb: the outbox only stores and returns payloads, never queries into them, and json input
    // is only validated, not converted (a third cheaper per event on the ingest hot path).
    payload: json('payload').$type<Record<string, unknown>>().notNull(),
    /** Who may see it beyond the tenant check (a conversation's team and assignee). */
    audience: json('audience').$type<EventAudience>(),
    createdAt: createdAt(),
  },
  (table) => [index('domain_events_tenant_idx').on(table.tenantId, table.id)],
);

export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).notNull(),
    tenantId: uuid('tenant_id').notNull(),
    actorUserId: uuid('actor_user_id'),
    actorTokenId: uuid('actor_token_id'),
    action: text('action').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
    changes: jsonb('changes').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (table) => [
    primaryKey({ columns: [table.tenantId, table.id] }),
    index('audit_log_entity_idx').on(table.tenantId, table.entityType, table.entityId),
  ],
);
