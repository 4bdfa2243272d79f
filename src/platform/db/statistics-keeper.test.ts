import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, testDatabases } from '../../../test/support/test-app.ts';
import { createLogger } from '../logger.ts';
import type { Database } from './database.ts';
import { StatisticsKeeper } from './statistics-keeper.ts';

describe.each(testDatabases())('statistics keeper on %s', (kind) => {
  let database: Database;
  let keeper: StatisticsKeeper;
  const table = `stats_${randomUUID().replaceAll('-', '')}`;

  beforeAll(async () => {
    database = await openTestDatabase(kind, 2);
    await database.exec(`create table ${table} (id int primary key, body text not null)`);
    keeper = new StatisticsKeeper(database, createLogger('silent'));
  });
  afterAll(async () => {
    await database.exec(`drop table if exists ${table}`);
    await database.close();
  });

  const fill = (from: number, to: number) =>
    database.exec(
      `insert into ${table} select i, repeat(md5(i::text), 8) from generate_series(${from}, ${to}) as i`,
    );
  const plannerRows = async () =>
    Number(
      (
        await database.executeSql(`select reltuples::float8 as rows from pg_class where relname = $1`, [
          table,
        ])
      ).rows[0].rows,
    );

  it('gives a table statistics once it has rows, and again each time it has doubled', async () => {
    await keeper.check();
    expect(await plannerRows()).toBeLessThanOrEqual(0);

    await fill(1, 2_000);
    expect(await keeper.check()).toContain(table);
    expect(await plannerRows()).toBe(2_000);
    // Unchanged: nothing to do.
    expect(await keeper.check()).not.toContain(table);

    await fill(2_001, 2_500);
    expect(await keeper.check()).not.toContain(table);
    await fill(2_501, 5_000);
    expect(await keeper.check()).toContain(table);
    expect(await plannerRows()).toBe(5_000);
    // A young table is sampled lightly: statistics target 10, so at most 11 histogram bounds.
    const { rows } = await database.executeSql(
      `select cardinality(histogram_bounds::text::int[]) as bounds from pg_stats
       where tablename = $1 and attname = 'id'`,
      [table],
    );
    expect(Number(rows[0].bounds)).toBeGreaterThan(1);
    expect(Number(rows[0].bounds)).toBeLessThanOrEqual(11);
  });
});
