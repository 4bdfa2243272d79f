import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, testDatabases } from '../../../test/support/test-app.ts';
import type { Database } from './database.ts';

describe.each(testDatabases())('transactions on %s', (kind) => {
  let database: Database;
  const table = `inline_${randomUUID().replaceAll('-', '')}`;

  beforeAll(async () => {
    database = await openTestDatabase(kind, 2);
    await database.exec(`create table ${table} (key text primary key)`);
  });
  afterAll(async () => {
    await database.exec(`drop table if exists ${table}`);
    await database.close();
  });

  it('answers a first statement sent together with BEGIN exactly as with bound parameters', async () => {
    const statement = `select $1::text as quoted, $2::text[] as list, $3::timestamptz as at, $4::jsonb as doc,
                        $5::bytea as bytes, $6::int as missing, $7::uuid[] as ids, '$1' as literal`;
    const values = [
      `O'Brien said "hi" \\ and left; -- not a comment`,
      ['a,b', '{braces}', 'quote"d', 'back\\slash', null, 'Grüße ✓', ''],
      new Date('2026-12-01T10:15:30.123Z'),
      { note: "it's", nested: ['x', 1, null] },
      Buffer.from([0, 1, 254, 255]),
      null,
      [randomUUID(), randomUUID()],
    ];
    const bound = await database.executeSql(statement, values);
    const inTransaction = await database.transaction((tx) =>
      tx.executeSql(statement, values, 'inline_check'),
    );
    expect(inTransaction.rows).toEqual(bound.rows);
    expect(bound.rows[0].list).toEqual(values[1]);
    expect(bound.rows[0].literal).toBe('$1');
  });

  it('rolls back what the first statement did when the transaction fails later', async () => {
    const key = randomUUID();
    await expect(
      database.transaction(async (tx) => {
        await tx.executeSql(`insert into ${table} (key) values ($1::text)`, [key], 'inline_insert');
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    const { rows } = await database.executeSql(`select key from ${table} where key = $1`, [key]);
    expect(rows).toEqual([]);
  });

  it('commits a transaction that starts with a query builder statement', async () => {
    const key = randomUUID();
    await database.transaction(async (tx) => {
      await tx.db.execute(sql.raw(`insert into ${table} (key) values ('${key}')`));
      await tx.executeSql(`insert into ${table} (key) values ($1::text)`, [`${key}-2`], 'inline_insert');
    });
    const { rows } = await database.executeSql(`select key from ${table} where key like $1 order by key`, [
      `${key}%`,
    ]);
    expect(rows.map((row) => row.key)).toEqual([key, `${key}-2`]);
  });

  it('lets the event loop turn between the statements of a transaction', async () => {
    // On PGlite a statement runs on this thread; without turns, I/O (accepting connections, reading requests)
    // waited for whole transactions. On PostgreSQL each statement waits for the socket anyway.
    let turns = 0;
    let counting = true;
    const count = () => {
      turns++;
      if (counting) setImmediate(count);
    };
    setImmediate(count);
    const before = turns;
    await database.transaction(async (tx) => {
      for (let index = 0; index < 10; index++) {
        await tx.executeSql(`insert into ${table} (key) values ($1::text)`, [`turn-${randomUUID()}`]);
      }
    });
    counting = false;
    expect(turns - before).toBeGreaterThanOrEqual(10);
  });
});
