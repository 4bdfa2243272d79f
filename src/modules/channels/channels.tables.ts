import { boolean, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, updatedAt } from '../../platform/db/columns.ts';
import { tenants } from '../../platform/db/schema.ts';

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
