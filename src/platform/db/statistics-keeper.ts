import type { BackgroundService } from '../background-service.ts';
import type { Logger } from '../logger.ts';
import { PeriodicTask } from '../periodic-task.ts';
import type { Database, SqlExecutor } from './database.ts';

/** How often table sizes are compared with what the planner last saw. */
const CHECK_INTERVAL_MS = 5_000;
/** A table is analysed again once it has doubled, and grown by at least this many 8 KiB pages. */
const MIN_GROWTH_PAGES = 8;
/**
 * Below this many rows (as last estimated; never analysed counts as below) a table is sampled at statistics
 * target 10 (3,000 rows) instead of the default 100 (30,000): enough for a young table's plans, and a tenth
 * of the work, which otherwise ran on a core for ≈300 ms per table in the middle of a burst of traffic.
 * Larger tables get the default target.
 */
const YOUNG_TABLE_ROWS = 100_000;
/** Only one node of several analyses at a time (pg_try_advisory_xact_lock). */
const LOCK_ID = 0x5ea7_5ca1;

interface TableSize {
  name: string;
  /** Rows the planner believes the table has; negative before the first ANALYZE. */
  reltuples: number;
  /** Pages at the last ANALYZE (or VACUUM). */
  relpages: number;
  /** Pages now. */
  pages: number;
}

/**
 * Keeps planner statistics in step with young, growing tables. PostgreSQL plans every query from them, and a
 * table without any (a new installation, a first burst of traffic) gets plans that tie between its indexes
 * and may filter through all of a tenant's rows instead of seeking one. Autovacuum analyses a table only
 * after it grew by 10 %, and looks at most once a minute; PGlite has no autovacuum at all. This analyses a
 * table as soon as it has rows but no statistics, and again whenever it has doubled: a handful of runs per
 * table over its life, while autovacuum keeps doing the steady-state work. On PGlite it vacuums then as well.
 */
export class StatisticsKeeper implements BackgroundService {
  readonly name = 'statistics-keeper';
  readonly roles = ['worker'] as const;
  private readonly periodic = new PeriodicTask(
    () => this.check(),
    CHECK_INTERVAL_MS,
    (error) => this.logger.warn({ err: error }, 'could not refresh planner statistics'),
  );

  constructor(
    private readonly database: Database,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.periodic.start();
  }

  async stop(): Promise<void> {
    await this.periodic.stop();
  }

  /** Analyses (on PGlite: vacuums and analyses) the tables that need it; answers their names. */
  async check(): Promise<string[]> {
    const { database } = this;
    if (database.kind === 'pglite') {
      // One connection in one process: no other node to coordinate with, and VACUUM needs no transaction.
      const stale = (await tableSizes(database)).filter(needsStatistics);
      for (const table of stale) {
        await database.exec(`set default_statistics_target = ${statisticsTarget(table)}`);
        await database.exec(`vacuum (analyze) ${quoteIdentifier(table.name)}`);
      }
      if (stale.length > 0) await database.exec('reset default_statistics_target');
      const names = stale.map((table) => table.name);
      this.report(names);
      return names;
    }
    const analysed = await database.transaction(async (tx) => {
      const { rows } = await tx.executeSql('select pg_try_advisory_xact_lock($1) as locked', [LOCK_ID]);
      if (!rows[0]?.locked) return [];
      const stale = (await tableSizes(tx)).filter(needsStatistics);
      for (const table of stale) {
        await tx.executeSql(`set local default_statistics_target = ${statisticsTarget(table)}`, []);
        await tx.executeSql(`analyze ${quoteIdentifier(table.name)}`);
      }
      return stale.map((table) => table.name);
    });
    this.report(analysed);
    return analysed;
  }

  private report(tables: string[]): void {
    if (tables.length > 0) this.logger.debug({ tables }, 'planner statistics refreshed');
  }
}

function statisticsTarget(table: TableSize): string {
  return table.reltuples < YOUNG_TABLE_ROWS ? '10' : 'default';
}

function needsStatistics(table: TableSize): boolean {
  if (table.pages === 0) return false;
  if (table.reltuples < 0) return true;
  return table.pages >= Math.max(2 * table.relpages, table.relpages + MIN_GROWTH_PAGES);
}

async function tableSizes(executor: SqlExecutor): Promise<TableSize[]> {
  const { rows } = await executor.executeSql(
    `select c.relname as name, c.reltuples::float8 as reltuples, c.relpages,
            (pg_relation_size(c.oid) / current_setting('block_size')::int)::int as pages
     from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and c.relkind = 'r'`,
    [],
  );
  return rows.map((row) => ({
    name: row.name,
    reltuples: Number(row.reltuples),
    relpages: Number(row.relpages),
    pages: Number(row.pages),
  }));
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
