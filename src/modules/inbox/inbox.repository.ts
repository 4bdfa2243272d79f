import { and, asc, desc, eq, type SQL, sql } from 'drizzle-orm';
import type { Drizzle } from '../../platform/db/database.ts';
import { newId } from '../../platform/ids.ts';
import { contactIdentities, contacts } from '../contacts/contacts.tables.ts';
import { conversations } from '../conversations/conversations.tables.ts';
import type { SavedViewRow } from './inbox.presenter.ts';
import type { ViewFilters } from './inbox.schema.ts';
import { savedViews } from './inbox.tables.ts';

const OPEN = sql`${conversations.status} = 'open'`;

/** A view's filters as SQL; `me` is the calling user. Status defaults to open, as in the inbox. */
export function viewFilterSql(filters: ViewFilters, me: string): SQL {
  const parts: SQL[] = [];
  parts.push(filters.status?.length ? sql`${conversations.status} in ${filters.status}` : OPEN);
  if (filters.priority?.length) parts.push(sql`${conversations.priority} in ${filters.priority}`);
  if (filters.assignee === 'me') parts.push(sql`${conversations.assigneeId} = ${me}`);
  else if (filters.assignee === 'none') parts.push(sql`${conversations.assigneeId} is null`);
  else if (filters.assignee) parts.push(sql`${conversations.assigneeId} = ${filters.assignee}`);
  if (filters.team === 'none') parts.push(sql`${conversations.teamId} is null`);
  else if (filters.team) parts.push(sql`${conversations.teamId} = ${filters.team}`);
  if (filters.channel) parts.push(sql`${conversations.channelId} = ${filters.channel}`);
  if (filters.label) parts.push(sql`${filters.label} = any(${conversations.labels})`);
  return sql.join(parts, sql` and `);
}

type CountRow = { key: string | null; count: number };

function toMap(rows: CountRow[]): Record<string, number> {
  return Object.fromEntries(rows.map((row) => [row.key ?? 'none', Number(row.count)]));
}

/** Every count of the inbox sidebar in three scans (plus one for saved views), however many groups. */
export async function countConversations(
  db: Drizzle,
  tenantId: string,
  visible: SQL | undefined,
  userId: string,
  views: { id: string; filters: ViewFilters }[],
) {
  const scope = and(eq(conversations.tenantId, tenantId), visible);
  const openScope = and(scope, OPEN);
  const open = await db
    .select({
      teamGrouped: sql<number>`grouping(${conversations.teamId})`,
      channelGrouped: sql<number>`grouping(${conversations.channelId})`,
      priorityGrouped: sql<number>`grouping(${conversations.priority})`,
      team: sql<string | null>`${conversations.teamId}::text`,
      channel: sql<string | null>`${conversations.channelId}::text`,
      priority: conversations.priority,
      count: sql<number>`count(*)::int`,
      mine: sql<number>`(count(*) filter (where ${conversations.assigneeId} = ${userId}))::int`,
      unassigned: sql<number>`(count(*) filter (where ${conversations.assigneeId} is null))::int`,
    })
    .from(conversations)
    .where(openScope)
    .groupBy(
      sql`grouping sets ((${conversations.teamId}), (${conversations.channelId}), (${conversations.priority}), ())`,
    );
  // grouping() is 1 for a column that is not part of the row's grouping set.
  const only = (row: (typeof open)[number]) =>
    [Number(row.teamGrouped), Number(row.channelGrouped), Number(row.priorityGrouped)].join('');
  const totals = open.find((row) => only(row) === '111');
  const statuses = await db
    .select({ key: sql<string>`${conversations.status}`, count: sql<number>`count(*)::int` })
    .from(conversations)
    .where(scope)
    .groupBy(conversations.status);
  const labels = await db
    .select({ key: sql<string>`unnest(${conversations.labels})`, count: sql<number>`count(*)::int` })
    .from(conversations)
    .where(openScope)
    .groupBy(sql`1`);
  const saved: Record<string, number> = {};
  if (views.length > 0) {
    const [row] = await db
      .select(
        Object.fromEntries(
          views.map((view, index) => [
            `v${index}`,
            sql<number>`(count(*) filter (where ${viewFilterSql(view.filters, userId)}))::int`,
          ]),
        ),
      )
      .from(conversations)
      .where(scope);
    views.forEach((view, index) => {
      saved[view.id] = Number((row as Record<string, unknown> | undefined)?.[`v${index}`] ?? 0);
    });
  }
  return {
    views: {
      mine: Number(totals?.mine ?? 0),
      unassigned: Number(totals?.unassigned ?? 0),
      all: Number(totals?.count ?? 0),
    },
    teams: toMap(
      open.filter((row) => only(row) === '011').map((row) => ({ key: row.team, count: row.count })),
    ),
    channels: toMap(
      open.filter((row) => only(row) === '101').map((row) => ({ key: row.channel, count: row.count })),
    ),
    statuses: toMap(statuses),
    priorities: toMap(
      open.filter((row) => only(row) === '110').map((row) => ({ key: row.priority, count: row.count })),
    ),
    labels: toMap(labels),
    savedViews: saved,
  };
}

/** Conversations whose number, customer (name or identity), subject or last text matches. */
export async function searchConversations(
  db: Drizzle,
  tenantId: string,
  visible: SQL | undefined,
  q: string,
  limit: number,
) {
  const pattern = `%${q.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
  const number = /^#?(\d{1,15})$/.exec(q)?.[1];
  const matches: SQL[] = [
    sql`${contacts.name} ilike ${pattern}`,
    sql`${conversations.subject} ilike ${pattern}`,
    sql`${conversations.lastMessagePreview} ilike ${pattern}`,
    sql`exists (select 1 from ${contactIdentities} where ${contactIdentities.tenantId} = ${tenantId}
      and ${contactIdentities.contactId} = ${conversations.contactId}
      and ${contactIdentities.displayValue} ilike ${pattern})`,
  ];
  if (number) matches.unshift(sql`${conversations.number} = ${Number(number)}`);
  return db
    .select({ conversation: conversations, contactName: contacts.name })
    .from(conversations)
    .innerJoin(
      contacts,
      and(eq(contacts.tenantId, conversations.tenantId), eq(contacts.id, conversations.contactId)),
    )
    .where(and(eq(conversations.tenantId, tenantId), visible, sql`(${sql.join(matches, sql` or `)})`))
    .orderBy(desc(conversations.lastActivityAt), desc(conversations.id))
    .limit(limit);
}

export function listSavedViews(db: Drizzle, tenantId: string, userId: string): Promise<SavedViewRow[]> {
  return db
    .select()
    .from(savedViews)
    .where(and(eq(savedViews.tenantId, tenantId), eq(savedViews.userId, userId)))
    .orderBy(asc(savedViews.position), asc(savedViews.createdAt));
}

export async function insertSavedView(
  db: Drizzle,
  tenantId: string,
  userId: string,
  values: Pick<SavedViewRow, 'name' | 'filters' | 'position'>,
) {
  const [row] = await db
    .insert(savedViews)
    .values({ tenantId, id: newId(), userId, ...values })
    .returning();
  return row!;
}

export async function updateSavedView(
  db: Drizzle,
  tenantId: string,
  userId: string,
  id: string,
  values: Partial<Pick<SavedViewRow, 'name' | 'filters' | 'position'>>,
): Promise<SavedViewRow | undefined> {
  const [row] = await db
    .update(savedViews)
    .set(values)
    .where(and(eq(savedViews.tenantId, tenantId), eq(savedViews.userId, userId), eq(savedViews.id, id)))
    .returning();
  return row;
}

export async function deleteSavedView(db: Drizzle, tenantId: string, userId: string, id: string) {
  const rows = await db
    .delete(savedViews)
    .where(and(eq(savedViews.tenantId, tenantId), eq(savedViews.userId, userId), eq(savedViews.id, id)))
    .returning();
  return rows[0];
}
