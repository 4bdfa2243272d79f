import { and, eq } from 'drizzle-orm';
import type { Drizzle } from '../../platform/db/database.ts';
import { memberships } from './users.tables.ts';

/**
 * A member of a tenant as that tenant knows them (the name its admins gave them), for other modules that
 * show or send an author's name: never another tenant's name for the same person.
 */
export async function memberById(
  db: Drizzle,
  tenantId: string,
  userId: string,
): Promise<{ id: string; name: string } | undefined> {
  const [row] = await db
    .select({ id: memberships.userId, name: memberships.displayName })
    .from(memberships)
    .where(and(eq(memberships.tenantId, tenantId), eq(memberships.userId, userId)));
  return row;
}
