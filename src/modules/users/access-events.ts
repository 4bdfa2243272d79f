import type { Tx } from '../../platform/db/database.ts';
import type { EventBus } from '../../platform/events/domain-events.ts';
import { recordEvents } from '../../platform/events/domain-events.ts';
import { ACCESS_CHANGED } from '../../platform/realtime/realtime-hub.ts';

export type AccessChangeReason =
  | 'signed_out'
  | 'token_revoked'
  | 'membership_removed'
  | 'role_changed'
  | 'teams_changed';

/**
 * Tells every node that these members' access changed, in the transaction that changes it: their open
 * WebSockets re-check their credentials once it commits (and close when nothing is left). An outbox event,
 * so it reaches other nodes over the same bus (PostgreSQL NOTIFY) as every other event.
 */
export async function recordAccessChanges(
  tx: Tx,
  bus: EventBus,
  tenantId: string,
  userIds: string[],
  reason: AccessChangeReason,
): Promise<void> {
  await recordEvents(
    tx,
    bus,
    [...new Set(userIds)].map((userId) => ({
      tenantId,
      type: ACCESS_CHANGED,
      entityType: 'user',
      entityId: userId,
      payload: { userId, reason },
    })),
  );
}
