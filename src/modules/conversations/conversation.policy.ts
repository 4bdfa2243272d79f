import { and, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { Drizzle } from '../../platform/db/database.ts';
import type { EventAudience } from '../../platform/db/schema.ts';
import type { Actor } from '../../platform/http/auth.ts';
import { conversations } from './conversations.tables.ts';

/**
 * Supervisors and admins see every conversation of their tenant. Agents see conversations without a
 * team, those of their teams, and those assigned to them.
 */
export function canSeeConversation(actor: Actor, audience: EventAudience | null | undefined): boolean {
  if (actor.role !== 'agent' || !audience) return true;
  if (!audience.teamId || audience.assigneeId === actor.userId) return true;
  return actor.teamIds.includes(audience.teamId);
}

/** The same rule as SQL, for lists. */
export function visibleConversationsFilter(actor: Actor): SQL | undefined {
  if (actor.role !== 'agent') return undefined;
  const teamIds = actor.teamIds.length > 0 ? actor.teamIds : ['00000000-0000-0000-0000-000000000000'];
  return sql`(${conversations.teamId} is null or ${conversations.assigneeId} = ${actor.userId}
    or ${conversations.teamId} in ${teamIds})`;
}

/**
 * The same rule as SQL text, for hand-written statements (search): `alias` is the conversations table's
 * alias, `bind` adds a parameter and returns its placeholder. Undefined when the actor sees everything.
 */
export function visibleConversationsCondition(
  actor: Actor,
  alias: string,
  bind: (value: unknown) => string,
): string | undefined {
  if (actor.role !== 'agent') return undefined;
  return `(${alias}.team_id is null or ${alias}.assignee_id = ${bind(actor.userId)}::uuid or ${alias}.team_id = any(${bind(actor.teamIds)}::uuid[]))`;
}

export function audienceOf(conversation: {
  teamId: string | null;
  assigneeId: string | null;
}): EventAudience {
  return { teamId: conversation.teamId, assigneeId: conversation.assigneeId };
}

/**
 * Who may see each of these conversations today (team and assignee), for code outside this module that
 * decides what to show (realtime replay, presence); a conversation that is gone has no entry.
 */
export async function currentAudiences(
  db: Drizzle,
  tenantId: string,
  conversationIds: string[],
): Promise<Map<string, EventAudience>> {
  const audiences = new Map<string, EventAudience>();
  if (conversationIds.length === 0) return audiences;
  const rows = await db
    .select({ id: conversations.id, teamId: conversations.teamId, assigneeId: conversations.assigneeId })
    .from(conversations)
    .where(
      and(
        eq(conversations.tenantId, tenantId),
        conversationIds.length === 1
          ? eq(conversations.id, conversationIds[0]!)
          : inArray(conversations.id, conversationIds),
      ),
    );
  for (const row of rows) audiences.set(row.id, audienceOf(row));
  return audiences;
}
