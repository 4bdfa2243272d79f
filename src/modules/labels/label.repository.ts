import { and, asc, eq, sql } from 'drizzle-orm';
import type { Drizzle } from '../../platform/db/database.ts';
import { newId } from '../../platform/ids.ts';
import type { LabelRow } from './label.presenter.ts';
import { labels } from './labels.tables.ts';

export function listLabels(db: Drizzle, tenantId: string): Promise<LabelRow[]> {
  return db.select().from(labels).where(eq(labels.tenantId, tenantId)).orderBy(asc(labels.name));
}

export async function findLabelByName(db: Drizzle, tenantId: string, name: string) {
  const [row] = await db
    .select()
    .from(labels)
    .where(and(eq(labels.tenantId, tenantId), sql`lower(${labels.name}) = lower(${name})`));
  return row;
}

export async function insertLabel(
  db: Drizzle,
  tenantId: string,
  values: Pick<LabelRow, 'name' | 'color' | 'description'>,
): Promise<LabelRow> {
  const [row] = await db
    .insert(labels)
    .values({ tenantId, id: newId(), ...values })
    .returning();
  return row!;
}

export async function updateLabel(
  db: Drizzle,
  tenantId: string,
  labelId: string,
  values: Partial<Pick<LabelRow, 'color' | 'description'>>,
): Promise<LabelRow | undefined> {
  const [row] = await db
    .update(labels)
    .set({ ...values, updatedAt: new Date() })
    .where(and(eq(labels.tenantId, tenantId), eq(labels.id, labelId)))
    .returning();
  return row;
}

export async function deleteLabel(db: Drizzle, tenantId: string, labelId: string) {
  const rows = await db
    .delete(labels)
    .where(and(eq(labels.tenantId, tenantId), eq(labels.id, labelId)))
    .returning();
  return rows[0];
}
