import { and, desc, eq } from 'drizzle-orm';
import type { Drizzle, SqlExecutor } from '../../platform/db/database.ts';
import type { CrmActivityRow, CrmConnectorRow, CrmLookupRow } from './crm.presenter.ts';
import type { CrmActivityLogQuery } from './crm.schema.ts';
import { crmActivities, crmConnectors, crmLookups } from './crm.tables.ts';

export async function findConnector(db: Drizzle, tenantId: string): Promise<CrmConnectorRow | undefined> {
  const [row] = await db.select().from(crmConnectors).where(eq(crmConnectors.tenantId, tenantId));
  return row;
}

export async function saveConnector(
  db: Drizzle,
  tenantId: string,
  values: Omit<CrmConnectorRow, 'tenantId' | 'kind' | 'createdAt' | 'updatedAt'>,
): Promise<CrmConnectorRow> {
  const [row] = await db
    .insert(crmConnectors)
    .values({ tenantId, ...values })
    .onConflictDoUpdate({ target: crmConnectors.tenantId, set: { ...values, updatedAt: new Date() } })
    .returning();
  return row!;
}

export async function deleteConnector(db: Drizzle, tenantId: string): Promise<boolean> {
  const rows = await db.delete(crmConnectors).where(eq(crmConnectors.tenantId, tenantId)).returning();
  return rows.length > 0;
}

export async function clearLookups(db: Drizzle, tenantId: string): Promise<void> {
  await db.delete(crmLookups).where(eq(crmLookups.tenantId, tenantId));
}

export async function findLookup(
  db: Drizzle,
  tenantId: string,
  contactId: string,
): Promise<CrmLookupRow | undefined> {
  const [row] = await db
    .select()
    .from(crmLookups)
    .where(and(eq(crmLookups.tenantId, tenantId), eq(crmLookups.contactId, contactId)));
  return row;
}

export async function saveLookupSuccess(
  db: Drizzle,
  tenantId: string,
  contactId: string,
  queryHash: string,
  data: Record<string, unknown>,
): Promise<CrmLookupRow> {
  const now = new Date();
  const values = { queryHash, data, fetchedAt: now, attemptedAt: now, error: null };
  const [row] = await db
    .insert(crmLookups)
    .values({ tenantId, contactId, ...values })
    .onConflictDoUpdate({ target: [crmLookups.tenantId, crmLookups.contactId], set: values })
    .returning();
  return row!;
}

/** Keeps the last good answer (and its query hash, so it stays stale) and records why the refresh failed. */
export async function saveLookupFailure(
  db: Drizzle,
  tenantId: string,
  contactId: string,
  queryHash: string,
  error: string,
): Promise<CrmLookupRow> {
  const now = new Date();
  const [row] = await db
    .insert(crmLookups)
    .values({ tenantId, contactId, queryHash, data: null, fetchedAt: null, attemptedAt: now, error })
    .onConflictDoUpdate({
      target: [crmLookups.tenantId, crmLookups.contactId],
      set: { attemptedAt: now, error },
    })
    .returning();
  return row!;
}

export async function insertActivity(
  db: Drizzle,
  values: typeof crmActivities.$inferInsert,
): Promise<CrmActivityRow | undefined> {
  const [row] = await db.insert(crmActivities).values(values).onConflictDoNothing().returning();
  return row;
}

export async function activityExists(db: Drizzle, tenantId: string, dedupeKey: string): Promise<boolean> {
  const rows = await db
    .select({ id: crmActivities.id })
    .from(crmActivities)
    .where(and(eq(crmActivities.tenantId, tenantId), eq(crmActivities.dedupeKey, dedupeKey)));
  return rows.length > 0;
}

export async function findActivity(
  db: Drizzle,
  tenantId: string,
  activityId: string,
  forUpdate = false,
): Promise<CrmActivityRow | undefined> {
  const query = db
    .select()
    .from(crmActivities)
    .where(and(eq(crmActivities.tenantId, tenantId), eq(crmActivities.id, activityId)));
  const [row] = forUpdate ? await query.for('update') : await query;
  return row;
}

export async function updateActivity(
  db: Drizzle,
  tenantId: string,
  activityId: string,
  values: Partial<CrmActivityRow>,
): Promise<CrmActivityRow> {
  const [row] = await db
    .update(crmActivities)
    .set({ ...values, updatedAt: new Date() })
    .where(and(eq(crmActivities.tenantId, tenantId), eq(crmActivities.id, activityId)))
    .returning();
  return row!;
}

export function listActivities(db: Drizzle, tenantId: string, query: CrmActivityLogQuery) {
  return db
    .select()
    .from(crmActivities)
    .where(
      and(
        eq(crmActivities.tenantId, tenantId),
        query.status ? eq(crmActivities.status, query.status) : undefined,
      ),
    )
    .orderBy(desc(crmActivities.createdAt), desc(crmActivities.id))
    .limit(query.limit);
}

export interface ConversationFacts {
  messageCount: number;
  firstMessageAt: Date | null;
  lastMessageAt: Date | null;
  channelIds: string[];
}

/** Counts and times of the customer-visible messages of one conversation (no notes, no activity items). */
export async function conversationFacts(
  executor: SqlExecutor,
  tenantId: string,
  conversationId: string,
): Promise<ConversationFacts> {
  const { rows } = await executor.executeSql(
    `select count(*)::int as "messageCount",
            min(created_at) as "firstMessageAt",
            max(created_at) as "lastMessageAt",
            coalesce(json_agg(distinct channel_id) filter (where channel_id is not null), '[]'::json) as "channelIds"
       from messages
      where tenant_id = $1 and conversation_id = $2 and kind = 'message'`,
    [tenantId, conversationId],
  );
  const row = rows[0] ?? {};
  const channelIds = typeof row.channelIds === 'string' ? JSON.parse(row.channelIds) : row.channelIds;
  return {
    messageCount: Number(row.messageCount ?? 0),
    firstMessageAt: toDate(row.firstMessageAt),
    lastMessageAt: toDate(row.lastMessageAt),
    channelIds: Array.isArray(channelIds) ? channelIds : [],
  };
}

export interface MessageExcerptRow {
  text: string;
  createdAt: Date;
  channelId: string | null;
  authorId: string | null;
  authorName: string | null;
}

export async function lastMessage(
  executor: SqlExecutor,
  tenantId: string,
  conversationId: string,
  direction: 'inbound' | 'outbound',
): Promise<MessageExcerptRow | undefined> {
  const { rows } = await executor.executeSql(
    `select m.text, m.created_at as "createdAt", m.channel_id as "channelId",
            u.id as "authorId", u.name as "authorName"
       from messages m
       left join users u on u.id = m.author_user_id
      where m.tenant_id = $1 and m.conversation_id = $2 and m.kind = 'message' and m.direction = $3
      order by m.created_at desc, m.id desc
      limit 1`,
    [tenantId, conversationId, direction],
  );
  const row = rows[0];
  return row ? { ...row, createdAt: toDate(row.createdAt)! } : undefined;
}

/** A member of the tenant (users are global; the membership scopes them). */
export async function tenantMember(executor: SqlExecutor, tenantId: string, userId: string) {
  const { rows } = await executor.executeSql(
    `select u.id, u.name, u.email from users u
       join memberships m on m.user_id = u.id and m.tenant_id = $1
      where u.id = $2`,
    [tenantId, userId],
  );
  return rows[0] as { id: string; name: string; email: string } | undefined;
}

function toDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value : new Date(String(value));
}
