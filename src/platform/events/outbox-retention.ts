import type { BackgroundService } from '../background-service.ts';
import type { Database } from '../db/database.ts';
import type { Logger } from '../logger.ts';
import { PeriodicTask } from '../periodic-task.ts';
import { PROCESS_DOMAIN_EVENT } from './event-processors.ts';

/** How often old events are looked for. */
const PRUNE_INTERVAL_MS = 60 * 60_000;
/** Rows deleted per statement: a long backlog goes in short transactions that never hold the table long. */
const PRUNE_BATCH = 5_000;
/** Only one node of several prunes at a time (pg_try_advisory_xact_lock). */
const LOCK_ID = 0x0b7b_0c5e;

/**
 * Deletes outbox events older than the retention age (`OUTBOX_RETENTION_DAYS`). An event a processor job has
 * not finished with (created, retry or active) is kept, with every event after it, whatever its age: pruning
 * never takes work away from a processor. A client resuming from a pruned id is told to refetch
 * (see `eventsPrunedAfter`).
 */
export class OutboxRetention implements BackgroundService {
  readonly name = 'outbox-retention';
  readonly roles = ['worker'] as const;
  private readonly periodic = new PeriodicTask(
    async () => {
      const deleted = await this.prune();
      if (deleted > 0) this.logger.info({ deleted, retentionDays: this.retentionDays }, 'pruned old events');
    },
    PRUNE_INTERVAL_MS,
    (error) => this.logger.warn({ err: error }, 'could not prune old events'),
  );

  constructor(
    private readonly database: Database,
    private readonly logger: Logger,
    private readonly retentionDays: number,
  ) {}

  async start(): Promise<void> {
    if (this.retentionDays > 0) this.periodic.start({ runNow: true });
  }

  async stop(): Promise<void> {
    await this.periodic.stop();
  }

  /** Deletes what is due now (or before `now`); the number of events deleted. */
  async prune(now = new Date()): Promise<number> {
    if (this.retentionDays <= 0) return 0;
    const cutoff = new Date(now.getTime() - this.retentionDays * 86_400_000);
    let total = 0;
    for (;;) {
      const deleted = await this.database.transaction(async (tx) => {
        const { rows: locked } = await tx.executeSql(
          'select pg_try_advisory_xact_lock($1) as locked',
          [LOCK_ID],
          'outbox_retention_lock',
        );
        if (!(locked[0] as { locked: boolean }).locked) return 0;
        const { rows } = await tx.executeSql(
          `with unfinished as (
             select min((data ->> 'eventId')::bigint) as id from pgboss.job
             where name = $3 and state in ('created', 'retry', 'active')
           ), due as (
             select id from domain_events
             where created_at < $1 and id < coalesce((select id from unfinished), 9223372036854775807)
             order by id limit $2
           )
           delete from domain_events where id in (select id from due) returning id`,
          [cutoff.toISOString(), PRUNE_BATCH, PROCESS_DOMAIN_EVENT],
          'outbox_retention_prune',
        );
        return rows.length;
      });
      total += deleted;
      if (deleted < PRUNE_BATCH) return total;
    }
  }
}

/**
 * Whether events after `afterId` may have been pruned: the oldest kept event is further on. Ids can have
 * gaps (a rolled-back transaction used its ids), so this can say yes without a pruning: the client then
 * refetches once, which is always safe.
 */
export async function eventsPrunedAfter(database: Database, afterId: number): Promise<boolean> {
  const { rows } = await database.executeSql(
    'select min(id) as oldest from domain_events',
    [],
    'outbox_oldest_event',
  );
  const oldest = (rows[0] as { oldest: number | string | null } | undefined)?.oldest;
  return oldest !== null && oldest !== undefined && Number(oldest) > afterId + 1;
}
