import { integer, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, updatedAt } from './columns.ts';

// Shared tables only: tenants (every table's tenant key references it), the outbox and the audit trail.
// Business tables live in their module's `<module>.tables.ts`.
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
