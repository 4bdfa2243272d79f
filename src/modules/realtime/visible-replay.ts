import type { Drizzle } from '../../platform/db/database.ts';
import type { StoredEvent } from '../../platform/events/domain-events.ts';
import type { Actor } from '../../platform/http/auth.ts';
import { ACCESS_CHANGED } from '../../platform/realtime/realtime-hub.ts';
import { canSeeConversation, currentAudiences } from '../conversations/conversation.policy.ts';

/** The conversation an event is about: its entity, or the conversation its payload names. */
function conversationIdOf(event: StoredEvent): string | undefined {
  if (event.entityType === 'conversation') return event.entityId;
  const conversationId = (event.payload as { conversationId?: unknown }).conversationId;
  return typeof conversationId === 'string' ? conversationId : undefined;
}

/**
 * The missed events this actor may see now. An event's stored audience is who could see it when it was
 * written; a replay goes by today's: a conversation moved to another team, or an agent taken off a team,
 * must not come back through a resume. Events with an audience whose conversation is gone are dropped.
 */
export async function visibleReplay(
  db: Drizzle,
  actor: Actor,
  events: StoredEvent[],
): Promise<StoredEvent[]> {
  const candidates = events.filter((event) => event.type !== ACCESS_CHANGED);
  if (actor.role !== 'agent') return candidates;
  const ids = [
    ...new Set(
      candidates
        .filter((event) => event.audience)
        .map(conversationIdOf)
        .filter((id) => id !== undefined),
    ),
  ];
  const current = await currentAudiences(db, actor.tenantId, ids);
  return candidates.filter((event) => {
    if (!event.audience) return true;
    const conversationId = conversationIdOf(event);
    const audience = conversationId ? current.get(conversationId) : undefined;
    return audience !== undefined && canSeeConversation(actor, audience);
  });
}
