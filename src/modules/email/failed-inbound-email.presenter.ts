import type { FailedInboundEmailView } from './email.schema.ts';
import type { failedInboundEmails } from './email.tables.ts';

export type FailedInboundEmailRow = typeof failedInboundEmails.$inferSelect;

export function presentFailedInboundEmail(row: FailedInboundEmailRow): FailedInboundEmailView {
  return {
    id: row.id,
    channelId: row.channelId,
    source: row.source,
    reason: row.reason,
    error: row.error,
    sender: row.sender,
    subject: row.subject,
    size: row.rawSize,
    envelope: row.envelope,
    status: row.status,
    attempts: row.attempts,
    messageId: row.messageId,
    conversationId: row.conversationId,
    rawUrl: `/api/v1/email/failed-inbound/${row.id}/raw`,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
