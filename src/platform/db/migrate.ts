import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Database } from './database.ts';
import { MIGRATIONS_FOLDER } from './database.ts';

const MIGRATION_LOCK_ID = 7_240_115;

/** Applies drizzle-kit's migrations; serialised across processes by an advisory lock on PostgreSQL. */
export async function migrateDatabase(database: Database): Promise<void> {
  if (database.kind === 'pglite') {
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    await migrate(database.db as any, { migrationsFolder: MIGRATIONS_FOLDER });
    return;
  }
  const { migrate } = await import('drizzle-orm/node-postgres/migrator');
  await database.withAdvisoryLock(MIGRATION_LOCK_ID, () =>
    migrate(database.db as any, { migrationsFolder: MIGRATIONS_FOLDER }),
  );
}

export function expectedMigrationCount(): number {
  const journal = JSON.parse(readFileSync(path.join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8'));
  return journal.entries.length;
}

export async function appliedMigrationCount(database: Database): Promise<number> {
  const { rows } = await database.executeSql(
    'select count(*)::int as count from drizzle.__drizzle_migrations',
    [],
  );
  return Number(rows[0]?.count ?? 0);
}
