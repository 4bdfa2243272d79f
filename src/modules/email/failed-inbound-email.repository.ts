import { and, desc, eq, sql } from 'drizzle-orm';
import type { Drizzle } from '../../platform/db/database.ts';
import { newId } from '../../platform/ids.ts';
import { failedInboundEmails } from './email.tables.ts';
import type { FailedInboundEmailRow } from './failed-inbound-email.presenter.ts';

export type NewFailedInboundEmail = Omit<
  FailedInboundEmailRow,
  'id' | 'status' | 'attempts' | 'messageId' | 'conversationId' | 'createdAt' | 'updatedAt'
>;

/** One row per raw message and channel: the same bytes failing again count as another attempt. */
export async function upsertFailedInboundEmail(db: Drizzle, values: NewFailedInboundEmail) {
  const [row] = await db
    .insert(failedInboundEmails)
    .values({ ...values, id: newId() })
    .onConflictDoUpdate({
      target: [failedInboundEmails.tenantId, failedInboundEmails.channelId, failedInboundEmails.rawSha256],
      set: {
        attempts: sql`${failedInboundEmails.attempts} + 1`,
        error: values.error,
        reason: values.reason,
        status: 'pending',
        updatedAt: new Date(),
      },
    })
    .returning();
  return row!;
}

export async function findFailedInboundEmail(db: Drizzle, tenantId: string, id: string) {
  const [row] = await db
    .select()
    .from(failedInboundEmails)
    .where(and(eq(failedInboundEmails.tenantId, tenantId), eq(failedInboundEmails.id, id)));
  return row;
}

export async function listFailedInboundEmails(
  db: Drizzle,
  tenantId: string,
  status: FailedInboundEmailRow['status'],
  limit: number,
) {
  return db
    .select()
    .from(failedInboundEmails)
    .where(and(eq(failedInboundEmails.tenantId, tenantId), eq(failedInboundEmails.status, status)))
    .orderBy(desc(failedInboundEmails.createdAt))
    .limit(limit);
}

export async function updateFailedInboundEmail(
  db: Drizzle,
  tenantId: string,
  id: string,
  values: Partial<FailedInboundEmailRow>,
) {
  const [row] = await db
    .update(failedInboundEmails)
    .set({ ...values, updatedAt: new Date() })
    .where(and(eq(failedInboundEmails.tenantId, tenantId), eq(failedInboundEmails.id, id)))
    .returning();
  return row!;
}
