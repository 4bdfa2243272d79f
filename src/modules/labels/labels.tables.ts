import { sql } from 'drizzle-orm';
import { index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { tenants } from '../../platform/db/schema.ts';

/** The tenant's catalogue of labels; conversations carry label names, this adds colour and description. */
export const labels = pgTable(
  'labels',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull(),
    name: text('name').notNull(),
    color: text('color').notNull().default('#64748b'),
    description: text('description'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.tenantId, table.id] }),
    uniqueIndex('labels_tenant_name_key').on(table.tenantId, sql`lower(${table.name})`),
    index('labels_tenant_created_idx').on(table.tenantId, table.createdAt),
  ],
);
