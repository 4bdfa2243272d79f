import { index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { tenants } from '../../platform/db/schema.ts';

/** Approved reply texts agents insert with `/shortcut`; variables like {{contact.name}} fill in on insert. */
export const cannedAnswers = pgTable(
  'canned_answers',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull(),
    shortcut: text('shortcut').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    language: text('language'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.tenantId, table.id] }),
    uniqueIndex('canned_answers_tenant_shortcut_key').on(table.tenantId, table.shortcut),
    index('canned_answers_tenant_created_idx').on(table.tenantId, table.createdAt),
  ],
);
