import { and, desc, eq, lt } from 'drizzle-orm';
import type { Database, Tx } from '../../platform/db/database.ts';
import { auditLog } from '../../platform/db/schema.ts';
import type { Actor } from '../../platform/http/auth.ts';
import type { AuditQuery } from './audit.schema.ts';

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId: string;
  changes?: Record<string, unknown>;
}

/** Records who changed what, in the same transaction as the change. */
export async function recordAudit(
  tx: Tx,
  tenantId: string,
  actor: Actor | null,
  entry: AuditEntry,
): Promise<void> {
  await tx.db.insert(auditLog).values({
    tenantId,
    actorUserId: actor?.userId ?? null,
    actorTokenId: actor?.tokenId ?? null,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    changes: entry.changes ?? {},
  });
}

/** Newest first, tenant-scoped, filterable by entity and actor. */
export async function listAudit(database: Database, tenantId: string, query: AuditQuery) {
  return database.db
    .select()
    .from(auditLog)
    .where(
      and(
        eq(auditLog.tenantId, tenantId),
        query.entityType ? eq(auditLog.entityType, query.entityType) : undefined,
        query.entityId ? eq(auditLog.entityId, query.entityId) : undefined,
        query.actor ? eq(auditLog.actorUserId, query.actor) : undefined,
        query.before ? lt(auditLog.id, query.before) : undefined,
      ),
    )
    .orderBy(desc(auditLog.id))
    .limit(query.limit);
}
