import { and, asc, eq, ilike, ne, or, type SQL } from 'drizzle-orm';
import type { Drizzle } from '../../platform/db/database.ts';
import { newId } from '../../platform/ids.ts';
import type { CannedAnswerRow } from './canned-answer.presenter.ts';
import { cannedAnswers } from './canned-answers.tables.ts';

type Editable = Pick<CannedAnswerRow, 'shortcut' | 'title' | 'body' | 'language'>;

export function listCannedAnswers(db: Drizzle, tenantId: string, q?: string): Promise<CannedAnswerRow[]> {
  const filters: (SQL | undefined)[] = [eq(cannedAnswers.tenantId, tenantId)];
  if (q) {
    const pattern = `%${q.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
    filters.push(
      or(
        ilike(cannedAnswers.shortcut, pattern),
        ilike(cannedAnswers.title, pattern),
        ilike(cannedAnswers.body, pattern),
      ),
    );
  }
  return db
    .select()
    .from(cannedAnswers)
    .where(and(...filters))
    .orderBy(asc(cannedAnswers.shortcut))
    .limit(500);
}

export async function shortcutTaken(db: Drizzle, tenantId: string, shortcut: string, exceptId?: string) {
  const rows = await db
    .select({ id: cannedAnswers.id })
    .from(cannedAnswers)
    .where(
      and(
        eq(cannedAnswers.tenantId, tenantId),
        eq(cannedAnswers.shortcut, shortcut),
        exceptId ? ne(cannedAnswers.id, exceptId) : undefined,
      ),
    );
  return rows.length > 0;
}

export async function insertCannedAnswer(db: Drizzle, tenantId: string, values: Editable) {
  const [row] = await db
    .insert(cannedAnswers)
    .values({ tenantId, id: newId(), ...values })
    .returning();
  return row!;
}

export async function updateCannedAnswer(
  db: Drizzle,
  tenantId: string,
  id: string,
  values: Partial<Editable>,
): Promise<CannedAnswerRow | undefined> {
  const [row] = await db
    .update(cannedAnswers)
    .set({ ...values, updatedAt: new Date() })
    .where(and(eq(cannedAnswers.tenantId, tenantId), eq(cannedAnswers.id, id)))
    .returning();
  return row;
}

export async function deleteCannedAnswer(db: Drizzle, tenantId: string, id: string) {
  const rows = await db
    .delete(cannedAnswers)
    .where(and(eq(cannedAnswers.tenantId, tenantId), eq(cannedAnswers.id, id)))
    .returning();
  return rows[0];
}
