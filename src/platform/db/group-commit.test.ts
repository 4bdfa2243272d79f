import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, testDatabases } from '../../../test/support/test-app.ts';
import type { Database } from './database.ts';
import { GroupCommit } from './group-commit.ts';

describe.each(testDatabases())('group commit on %s', (kind) => {
  let database: Database;
  const table = `group_commit_${randomUUID().replaceAll('-', '')}`;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await database.exec(`create table ${table} (key text primary key, tx bigint not null)`);
  });
  afterAll(async () => {
    await database.exec(`drop table if exists ${table}`);
    await database.close();
  });

  /** One statement for the whole batch, as the ingest path does it; answers each key's transaction id. */
  const insert = async (tx: { executeSql: Database['executeSql'] }, keys: string[]) => {
    const { rows } = await tx.executeSql(
      `insert into ${table} (key, tx) select key, txid_current() from unnest($1::text[]) as key
       returning key, tx`,
      [keys],
    );
    const byKey = new Map(rows.map((row) => [row.key as string, Number(row.tx)]));
    return keys.map((key) => byKey.get(key)!);
  };
  const stored = async (keys: string[]) => {
    const { rows } = await database.executeSql(`select key from ${table} where key = any($1) order by key`, [
      keys,
    ]);
    return rows.map((row) => row.key as string);
  };

  it('lets items that arrive together share a transaction, and those queued behind it the next', async () => {
    const commits = new GroupCommit(database, insert, { maxBatch: 10, concurrency: 1 });
    const together = Array.from({ length: 4 }, (_, index) => `together-${index}`);
    const first = Promise.all(together.map((key) => commits.run(key)));
    // Once the first transaction has started, the next arrivals queue up behind it.
    await new Promise((resolve) => setImmediate(resolve));
    const behind = Array.from({ length: 3 }, (_, index) => `behind-${index}`);
    const second = Promise.all(behind.map((key) => commits.run(key)));
    const [firstTx, secondTx] = [await first, await second];
    expect(new Set(firstTx).size).toBe(1);
    expect(new Set(secondTx).size).toBe(1);
    expect(firstTx[0]).not.toBe(secondTx[0]);
    expect(await stored([...together, ...behind])).toEqual([...behind, ...together].sort());
  });

  it('starts a second concurrent transaction only once a batch worth sharing waits', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const held = async (tx: { executeSql: Database['executeSql'] }, keys: string[]) => {
      if (keys.includes('held-a')) await gate;
      return insert(tx, keys);
    };
    const commits = new GroupCommit(database, held, { maxBatch: 10, concurrency: 2, minConcurrentBatch: 3 });
    const first = commits.run('held-a');
    await new Promise((resolve) => setImmediate(resolve));
    // Two items arriving one by one while the first transaction is open are not worth a second one.
    const second = commits.run('held-b');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const third = commits.run('held-c');
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    const [firstTx, secondTx, thirdTx] = await Promise.all([first, second, third]);
    expect(secondTx).toBe(thirdTx);
    expect(secondTx).not.toBe(firstTx);
    expect(await stored(['held-a', 'held-b', 'held-c'])).toEqual(['held-a', 'held-b', 'held-c']);
  });

  it('caps a shared transaction at maxBatch units', async () => {
    const commits = new GroupCommit(database, insert, { maxBatch: 3, concurrency: 1 });
    const keys = Array.from({ length: 10 }, (_, index) => `capped-${index}`);
    const transactions = await Promise.all(keys.map((key) => commits.run(key)));
    const sizes = [...new Set(transactions)].map((tx) => transactions.filter((other) => other === tx).length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(3);
    expect(await stored(keys)).toEqual(keys);
  });

  it('fails only the bad unit of a shared transaction and commits the others', async () => {
    const commits = new GroupCommit(database, insert, { maxBatch: 10, concurrency: 1 });
    await database.executeSql(`insert into ${table} (key, tx) values ('taken', 0)`);
    const keys = ['fine-a', 'fine-b', 'taken', 'fine-c'];
    const outcomes = await Promise.allSettled([commits.run('first'), ...keys.map((key) => commits.run(key))]);
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
    const commits = new GroupCommit(database, insert, { maxBatch: 10, concurrency: 1 });
    await expect(
      database.transaction(async () => {
        await commits.run('rolled-back');
        throw new Error('caller gives up');
      }),
    ).rejects.toThrow('caller gives up');
    expect(await stored(['rolled-back'])).toEqual([]);
  });
});
