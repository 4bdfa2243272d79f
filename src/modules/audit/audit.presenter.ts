import type { auditLog } from '../../platform/db/schema.ts';

export function presentAuditEntry(entry: typeof auditLog.$inferSelect) {
  return {
    id: entry.id,
    actorUserId: entry.actorUserId,
    actorTokenId: entry.actorTokenId,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    changes: entry.changes,
    createdAt: entry.createdAt.toISOString(),
  };
}
