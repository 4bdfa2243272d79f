import { AsyncLocalStorage } from 'node:async_hooks';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PGlite, Transaction as PGliteTransaction } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { inlineParameters, sameTextOnce } from './postgres-text.ts';
import * as schema from './schema.ts';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../../drizzle', import.meta.url));

export type Drizzle = PgDatabase<PgQueryResultHKT, typeof schema>;

/** The raw SQL executor pg-boss and hand-written queries use; bound to a transaction when inside one. */
export interface SqlExecutor {
  /**
   * `name` makes it a prepared statement on PostgreSQL (parsed and planned once per connection): for
   * the hot paths, whose text never changes. PGlite runs in-process and ignores it.
   */
  executeSql(text: string, values?: unknown[], name?: string): Promise<{ rows: any[] }>;
}

export interface Tx extends SqlExecutor {
  readonly db: Drizzle;
  /** Runs after a successful commit; never part of correctness (a crash may skip it). */
  afterCommit(callback: () => void): void;
  /** Runs inside the transaction right before COMMIT, once per transaction per registration. */
  beforeCommit(callback: () => Promise<void>): void;
  /** NOTIFY at commit (PostgreSQL delivers it only if the transaction commits); sent with the COMMIT itself. */
  notify(channel: string, payload: string): void;
}

export interface Database extends SqlExecutor {
  readonly kind: 'pglite' | 'postgres';
  /** Inside transaction(): that transaction's handle, so nested reads see its writes (and PGlite cannot deadlock). */
  readonly db: Drizzle;
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  /** Whether the current async context runs inside transaction(). */
  inTransaction(): boolean;
  /** Multi-statement SQL without parameters. */
  exec(text: string): Promise<void>;
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  /** A query on the connection that LISTENs (not the pool), so realtime reads never queue behind writes. */
  listenerQuery(text: string, values: unknown[]): Promise<{ rows: any[] }>;
  /** Runs work while holding a session advisory lock (a no-op lock on single-process PGlite). */
  withAdvisoryLock<T>(lockId: number, work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  url?: string;
  dataDir?: string;
  poolSize?: number;
  /** In-memory PGlite, for tests. */
  memory?: boolean;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url) return openPostgres(options.url, options.poolSize ?? 10);
  return openPGlite(options);
}

/** node-postgres query config: with a name it is a prepared statement on that connection. */
const pgQuery = (text: string, values: unknown[] | undefined, name: string | undefined) =>
  name ? { name, text, values: values as any[] } : { text, values: values as any[] };

/** The transaction of the current async context, if any. */
const currentTx = new AsyncLocalStorage<Tx>();

function runAfterCommit(callbacks: (() => void)[]) {
  for (const callback of callbacks) {
    try {
      callback();
    } catch {
      // after-commit work is best effort by contract
    }
  }
}

async function openPostgres(url: string, poolSize: number): Promise<Database> {
  const { drizzle } = await import('drizzle-orm/node-postgres');
  // Timestamps come back as Date, bigint counts as numbers (they stay far below 2^53).
  pg.types.setTypeParser(20, (value) => Number.parseInt(value, 10));
  pg.types.setTypeParser(1184, sameTextOnce(pg.types.getTypeParser(1184)));
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    // Hot paths use named statements, which PostgreSQL plans once (generic) after five runs, as it does the
    // foreign-key checks of every inserted row. A generic plan is only as good as the statistics it was made
    // with; StatisticsKeeper analyses young tables within seconds, and each ANALYZE replans what depends on
    // them. (Forcing custom plans instead cost a third of the database's time in planning.)
  });
  pool.on('error', () => {
    // an idle client lost its connection; the pool replaces it
  });
  const db = drizzle({ client: pool, schema }) as unknown as Drizzle;
  let listenClient: pg.Client | undefined;
  const listeners = new Map<string, Set<(payload: string) => void>>();

  return {
    kind: 'postgres',
    get db() {
      return currentTx.getStore()?.db ?? db;
    },
    async executeSql(text, values, name) {
      const tx = currentTx.getStore();
      if (tx) return tx.executeSql(text, values, name);
      const result = await pool.query(pgQuery(text, values, name));
      return { rows: result.rows };
    },
    async exec(text) {
      await pool.query(text);
    },
    inTransaction: () => currentTx.getStore() !== undefined,
    async transaction(work) {
      const outer = currentTx.getStore();
      if (outer) return work(outer);
      const client = await pool.connect();
      const callbacks: (() => void)[] = [];
      const finishing: (() => Promise<void>)[] = [];
      const notifications: string[] = [];
      // BEGIN goes out with the transaction's first statement, in one round trip where it can (see below).
      let begun: Promise<unknown> | undefined;
      const begin = () => {
        begun ??= client.query('BEGIN');
        return begun;
      };
      // No schema here: drizzle walks the whole schema per instance, and transactions need no relations.
      const transactionDb = drizzle({ client }) as unknown as Drizzle;
      try {
        const tx: Tx = {
          get db() {
            // node-postgres sends a connection's queries in order: BEGIN goes ahead of drizzle's statement.
            begin().catch(() => {});
            return transactionDb;
          },
          async executeSql(text, values, name) {
            if (!begun && name) {
              // A hot path's first statement (named: its parameters are typed by casts) goes out with BEGIN
              // as one simple query, its parameters written in: under load every round trip costs ms.
              begun = Promise.resolve();
              const results = await client.query(
                `BEGIN;${inlineParameters(text, values ?? [], (value) => client.escapeLiteral(value))}`,
              );
              return { rows: [results].flat().at(-1)?.rows ?? [] };
            }
            await begin();
            const result = await client.query(pgQuery(text, values, name));
            return { rows: result.rows };
          },
          afterCommit: (callback) => callbacks.push(callback),
          beforeCommit: (callback) => finishing.push(callback),
          notify: (channel, payload) =>
            notifications.push(
              `select pg_notify(${client.escapeLiteral(channel)}, ${client.escapeLiteral(payload)});`,
            ),
        };
        const result = await currentTx.run(tx, async () => {
          const done = await work(tx);
          for (const finish of finishing) await finish();
          return done;
        });
        // One round trip: the notifications and the COMMIT go as one simple query. If a NOTIFY fails, the
        // statements after it are skipped and the transaction is rolled back below.
        if (begun) {
          await begun;
          await client.query(`${notifications.join('')}COMMIT`);
        } else if (notifications.length > 0) {
          await client.query(notifications.join(''));
        }
        runAfterCommit(callbacks);
        return result;
      } catch (error) {
        if (begun) await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    async withAdvisoryLock(lockId, work) {
      const client = await pool.connect();
      try {
        await client.query('select pg_advisory_lock($1)', [lockId]);
        return await work();
      } finally {
        await client.query('select pg_advisory_unlock($1)', [lockId]).catch(() => {});
        client.release();
      }
    },
    async listenerQuery(text, values) {
      if (!listenClient) {
        const result = await pool.query(text, values as any[]);
        return { rows: result.rows };
      }
      const result = await listenClient.query(text, values as any[]);
      return { rows: result.rows };
    },
    async listen(channel, onPayload) {
      if (!listenClient) {
        listenClient = new pg.Client({ connectionString: url });
        await listenClient.connect();
        listenClient.on('notification', (message) => {
          for (const listener of listeners.get(message.channel) ?? []) listener(message.payload ?? '');
        });
      }
      let set = listeners.get(channel);
      if (!set) {
        set = new Set();
        listeners.set(channel, set);
        await listenClient.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      }
      set.add(onPayload);
      return async () => {
        set.delete(onPayload);
      };
    },
    async close() {
      await listenClient?.end().catch(() => {});
      await pool.end();
    },
  };
}

async function openPGlite(options: DatabaseOptions): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  let dataDir: string | undefined;
  let releaseLock = () => {};
  if (!options.memory) {
    dataDir = path.resolve(options.dataDir ?? './data', 'pglite');
    mkdirSync(dataDir, { recursive: true });
    releaseLock = lockDataDir(dataDir);
  }
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  const client: PGlite = await PGlite.create({ ...(dataDir ? { dataDir } : {}), extensions: { pg_trgm } });
  // Timestamps parsed to Date and int8 to number, matching node-postgres above.
  const db = drizzle({ client, schema }) as unknown as Drizzle;

  return {
    kind: 'pglite',
    get db() {
      return currentTx.getStore()?.db ?? db;
    },
    async executeSql(text, values) {
      const tx = currentTx.getStore();
      if (tx) return tx.executeSql(text, values);
      await nextTurn();
      if (!values || values.length === 0) {
        // pg-boss sends multi-statement SQL without parameters; only exec runs those.
        const results = await client.exec(text);
        return { rows: results.at(-1)?.rows ?? [] };
      }
      const result = await client.query(text, values as any[]);
      return { rows: result.rows as any[] };
    },
    async exec(text) {
      await client.exec(text);
    },
    inTransaction: () => currentTx.getStore() !== undefined,
    async transaction(work) {
      const outer = currentTx.getStore();
      if (outer) return work(outer);
      const callbacks: (() => void)[] = [];
      const finishing: (() => Promise<void>)[] = [];
      const notifications: [string, string][] = [];
      const result = await client.transaction(async (transaction: PGliteTransaction) => {
        const tx: Tx = {
          db: drizzle({ client: transaction as unknown as PGlite }) as unknown as Drizzle,
          async executeSql(text, values) {
            await nextTurn();
            if (!values || values.length === 0) {
              const results = await transaction.exec(text);
              return { rows: results.at(-1)?.rows ?? [] };
            }
            const queryResult = await transaction.query(text, values as any[]);
            return { rows: queryResult.rows as any[] };
          },
          afterCommit: (callback) => callbacks.push(callback),
          beforeCommit: (callback) => finishing.push(callback),
          notify: (channel, payload) => notifications.push([channel, payload]),
        };
        return currentTx.run(tx, async () => {
          const done = await work(tx);
          for (const finish of finishing) await finish();
          for (const [channel, payload] of notifications)
            await transaction.query('select pg_notify($1, $2)', [channel, payload]);
          return done;
        });
      });
      runAfterCommit(callbacks);
      return result;
    },
    withAdvisoryLock: (_lockId, work) => work(),
    async listenerQuery(text, values) {
      const result = await client.query(text, values as any[]);
      return { rows: result.rows as any[] };
    },
    async listen(channel, onPayload) {
      return client.listen(channel, onPayload);
    },
    async close() {
      await client.close();
      releaseLock();
    },
  };
}

/**
 * Lets the event loop turn before a PGlite statement. PGlite runs a statement synchronously on this thread, and
 * the steps of a transaction follow one another as promise continuations: without a turn in between, a whole
 * transaction ran inside whichever I/O callback came next, so the server accepted about one connection and
 * read about one request per transaction. Under load new connections waited in the kernel's accept queue for
 * seconds (bench/RESULTS.md) while requests already read were answered in milliseconds.
 */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** PGlite is single-process: a second process on the same directory would corrupt it, so refuse. */
function lockDataDir(dataDir: string): () => void {
  const lockFile = path.join(path.dirname(dataDir), 'pglite.pid');
  if (existsSync(lockFile)) {
    const pid = Number(readFileSync(lockFile, 'utf8'));
    if (Number.isInteger(pid) && pid !== process.pid && isAlive(pid)) {
      throw new Error(
        `${dataDir} is in use by process ${pid}; stop it or use another DATA_DIR (or PostgreSQL)`,
      );
    }
  }
  writeFileSync(lockFile, String(process.pid));
  return () => rmSync(lockFile, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
