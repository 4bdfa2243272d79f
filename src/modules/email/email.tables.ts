import {
  bigint,
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
import { channels } from '../channels/channels.tables.ts';

export const FAILED_INBOUND_SOURCES = ['smtp', 'imap', 'reprocess'] as const;
/** unparseable and flood can be re-processed into messages; loop and report are kept only to be seen. */
export const FAILED_INBOUND_REASONS = ['unparseable', 'flood', 'loop', 'report'] as const;
export const FAILED_INBOUND_STATUSES = ['pending', 'reprocessed', 'discarded'] as const;

/**
 * Mail a transport accepted but could not turn into a conversation message: kept with its raw bytes
 * and the error, listed for admins and re-processable, so nothing that reached us is lost.
 */
export const failedInboundEmails = pgTable(
  'email_failed_inbound',
  {
    tenantId: uuid('tenant_id').notNull(),
    id: uuid('id').notNull(),
    channelId: uuid('channel_id').notNull(),
    source: text('source', { enum: FAILED_INBOUND_SOURCES }).notNull(),
    reason: text('reason', { enum: FAILED_INBOUND_REASONS }).notNull(),
    error: text('error').notNull(),
    sender: text('sender'),
    subject: text('subject'),
    rawStorageKey: text('raw_storage_key').notNull(),
    rawSize: bigint('raw_size', { mode: 'number' }).notNull(),
    rawSha256: text('raw_sha256').notNull(),
    envelope: jsonb('envelope').$type<{ from?: string; to: string[] }>().notNull().default({ to: [] }),
    status: text('status', { enum: FAILED_INBOUND_STATUSES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(1),
    messageId: uuid('message_id'),
    conversationId: uuid('conversation_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.tenantId, table.id] }),
    uniqueIndex('email_failed_inbound_raw_key').on(table.tenantId, table.channelId, table.rawSha256),
    index('email_failed_inbound_status_idx').on(table.tenantId, table.status, table.createdAt),
    foreignKey({
      columns: [table.tenantId, table.channelId],
      foreignColumns: [channels.tenantId, channels.id],
    }).onDelete('cascade'),
  ],
);

/** Which worker polls a mailbox: one at a time, so several worker nodes never fetch the same mail twice. */
export const emailMailboxLeases = pgTable(
  'email_mailbox_leases',
  {
    tenantId: uuid('tenant_id').notNull(),
    channelId: uuid('channel_id').notNull(),
    holder: text('holder').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.tenantId, table.channelId] }),
    foreignKey({
      columns: [table.tenantId, table.channelId],
      foreignColumns: [channels.tenantId, channels.id],
    }).onDelete('cascade'),
  ],
);
