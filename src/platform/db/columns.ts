import { customType, timestamp } from 'drizzle-orm/pg-core';

/** PostgreSQL full-text document; written by a generated column, read only in SQL. */
export const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

/** When a row was created; every table's `created_at`. */
export const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

/** When a row last changed; set by the code that changes it. */
export const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();
