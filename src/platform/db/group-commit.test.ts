import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../../test/support/test-app.ts';
import { type Database, openDatabase } from './database.ts';
import { GroupCommit } from './group-commit.ts';

describe.each(testDatabases())('group commit on %s', (kind) => {
  let database: Database;
  const table = `group_commit_${randomUUID().replaceAll('-', '')}`;

  beforeAll(async () => {
    database = await openDatabase(
      kind === 'postgres' ? { url: process.env.DATABASE_URL!, poolSize: 4 } : { memory: true },
    );
    await database.exec(`create table ${table} (key text primary key, tx bigint not null)`);
  });
  afterAll(async () => {
    await database.exec(`drop table if exists ${table}`);
    await database.close();
  });

  const insert = (key: string) => async (tx: { executeSql: Database['executeSql'] }) => {
    const { rows } = await tx.executeSql(
      `insert into ${table} (key, tx) values ($1, txid_current()) returning tx`,
      [key],
    );
    return Number(rows[0].tx);
  };
  const stored = async (keys: string[]) => {
    const { rows } = await database.executeSql(`select key from ${table} where key = any($1) order by key`, [
      keys,
    ]);
    return rows.map((row) => row.key as string);
  };

  it('lets units that queue up behind a busy transaction share the next one', async () => {
    const commits = new GroupCommit<number>(database, { maxBatch: 10, concurrency: 1 });
    const keys = Array.from({ length: 7 }, (_, index) => `shared-${index}`);
    const transactions = await Promise.all(keys.map((key) => commits.run(insert(key), key)));
    // The first runs alone; the six that arrived meanwhile commit together.
    expect(new Set(transactions).size).toBe(2);
    expect(transactions.slice(1).every((tx) => tx === transactions[1])).toBe(true);
    expect(await stored(keys)).toEqual(keys);
  });

  it('caps a shared transaction at maxBatch units', async () => {
    const commits = new GroupCommit<number>(database, { maxBatch: 3, concurrency: 1 });
    const keys = Array.from({ length: 10 }, (_, index) => `capped-${index}`);
    const transactions = await Promise.all(keys.map((key) => commits.run(insert(key), key)));
    const sizes = [...new Set(transactions)].map((tx) => transactions.filter((other) => other === tx).length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(3);
    expect(await stored(keys)).toEqual(keys);
  });

  it('fails only the bad unit of a shared transaction and commits the others', async () => {
    const commits = new GroupCommit<number>(database, { maxBatch: 10, concurrency: 1 });
    await database.executeSql(`insert into ${table} (key, tx) values ('taken', 0)`);
    const keys = ['fine-a', 'fine-b', 'taken', 'fine-c'];
    const outcomes = await Promise.allSettled([
      commits.run(insert('first'), 'first'),
      ...keys.map((key) => commits.run(insert(key), key)),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect(String((outcomes[3] as PromiseRejectedResult).reason)).toMatch(/duplicate key/);
    expect(await stored(['fine-a', 'fine-b', 'fine-c', 'first'])).toEqual([
      'fine-a',
      'fine-b',
      'fine-c',
      'first',
    ]);
  });

  it('joins the caller’s own transaction instead of mixing in other callers’ work', async () => {
    const commits = new GroupCommit<number>(database, { maxBatch: 10, concurrency: 1 });
    await expect(
      database.transaction(async () => {
        await commits.run(insert('rolled-back'));
        throw new Error('caller gives up');
      }),
    ).rejects.toThrow('caller gives up');
    expect(await stored(['rolled-back'])).toEqual([]);
  });
});
