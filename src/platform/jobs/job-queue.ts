import PgBoss from 'pg-boss';
import type { Database, SqlExecutor } from '../db/database.ts';
import type { Logger } from '../logger.ts';

export interface JobOptions {
  startAfterSeconds?: number;
  singletonKey?: string;
}

/** While the foreground is busy, a worker waits this long at most before its next job: deferred, never starved. */
const MAX_DEFER_MS = 1_000;
const DEFER_STEP_MS = 10;

export interface JobHandlerContext {
  jobId: string;
}

/** pg-boss on the application database; on PGlite through the database's executeSql adapter. */
export class JobQueue {
  private boss: PgBoss | undefined;
  private closed = false;
  /** Handlers running now: stop() lets them finish before the database goes away. */
  private readonly running = new Set<Promise<void>>();
  private readonly workerIds = new Map<string, string[]>();
  private foregroundBusy: () => boolean = () => false;
  /** Queues of background work that yields to the hot path (work's `deferrable`). */
  private readonly deferrable = new Set<string>();

  constructor(
    private readonly database: Database,
    private readonly logger: Logger,
  ) {}

  async start(queueNames: string[]): Promise<void> {
    const boss = new PgBoss({
      db: {
        // A handler that outlived stop() must not reach the closed pool. By then pg-boss only records
        // completions ("nothing affected" is the honest answer); the job stays active and is handed out
        // again once it expires (at least once, nothing lost).
        executeSql: (text, values) =>
          this.closed ? Promise.resolve({ rows: [{ count: 0 }] }) : this.database.executeSql(text, values),
      },
      schema: 'pgboss',
      // Our handlers do their own retries with visible attempt counts; pg-boss only guards crashes.
      retryLimit: 3,
      retryDelay: 5,
      retryBackoff: true,
      maintenanceIntervalSeconds: 120,
    });
    boss.on('error', (error) => this.logger.error({ err: error }, 'job queue error'));
    await boss.start();
    for (const name of queueNames) await boss.createQueue(name);
    this.boss = boss;
  }

  /**
   * Background work yields to the hot path: while `busy` answers true (messages are waiting to be stored),
   * workers of deferrable queues take their next job only in a lull, or after waiting MAX_DEFER_MS, and
   * neither fetch again at once nor answer nudges. Customer-facing queues (outbound delivery) never wait.
   */
  deferWhile(busy: () => boolean): void {
    this.foregroundBusy = busy;
  }

  private async lull(): Promise<void> {
    const started = Date.now();
    while (!this.closed && this.foregroundBusy() && Date.now() - started < MAX_DEFER_MS) {
      await new Promise((resolve) => setTimeout(resolve, DEFER_STEP_MS));
    }
  }

  private get started(): PgBoss {
    if (!this.boss) throw new Error('job queue is not started');
    return this.boss;
  }

  /** Enqueues inside the caller's transaction so the job exists exactly when the business change does. */
  async send(executor: SqlExecutor, name: string, data: object, options: JobOptions = {}): Promise<void> {
    await this.started.send(name, data, {
      db: { executeSql: (text, values) => executor.executeSql(text, values) },
      startAfter: options.startAfterSeconds,
      singletonKey: options.singletonKey,
      retryLimit: 3,
      retryDelay: 5,
      retryBackoff: true,
    });
  }

  /** Several jobs of one kind in one statement (e.g. everything a shared ingest transaction enqueues). */
  async sendMany(
    executor: SqlExecutor,
    name: string,
    jobs: { data: object; options?: JobOptions }[],
  ): Promise<void> {
    if (jobs.length === 0) return;
    await this.started.insert(
      jobs.map(({ data, options = {} }) => ({
        name,
        data,
        startAfter:
          options.startAfterSeconds === undefined ? undefined : `${options.startAfterSeconds} seconds`,
        singletonKey: options.singletonKey,
        retryLimit: 3,
        retryDelay: 5,
        retryBackoff: true,
      })),
      { db: { executeSql: (text, values) => executor.executeSql(text, values) } },
    );
  }

  /**
   * Runs `handler` for each job of the queue. A job that throws is failed on its own (pg-boss retries it
   * later); the others of its batch complete. A worker whose batch came back full fetches again at once, so
   * a backlog drains at the handlers' speed rather than one batch per polling interval (unless the
   * foreground is busy: see deferWhile).
   */
  async work<T extends object>(
    name: string,
    handler: (data: T, context: JobHandlerContext) => Promise<void>,
    options: {
      batchSize?: number;
      pollingIntervalSeconds?: number;
      workers?: number;
      /** Background work that may wait for the hot path (see deferWhile). */
      deferrable?: boolean;
    } = {},
  ): Promise<void> {
    const ids: string[] = [];
    const deferrable = options.deferrable ?? false;
    if (deferrable) this.deferrable.add(name);
    const busy = () => deferrable && this.foregroundBusy();
    const batchSize = options.batchSize ?? 1;
    for (let index = 0; index < (options.workers ?? 1); index++) {
      const worker: { id?: string } = {};
      worker.id = await this.started.work<T>(
        name,
        { batchSize, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 1 },
        async (jobs) => {
          for (const job of jobs) {
            if (busy()) await this.lull();
            const run = handler(job.data, { jobId: job.id });
            const tracked = run.catch(() => undefined);
            this.running.add(tracked);
            try {
              await run;
            } catch (error) {
              this.logger.warn({ err: error, queue: name, jobId: job.id }, 'job failed; it will be retried');
              await this.boss?.fail(name, job.id, { message: (error as Error).message ?? String(error) });
            } finally {
              this.running.delete(tracked);
            }
          }
          if (jobs.length >= batchSize && worker.id && !busy()) this.boss?.notifyWorker(worker.id);
        },
      );
      ids.push(worker.id);
    }
    this.workerIds.set(name, ids);
  }

  /** Wakes local workers of a queue right away instead of at their next poll (latency only). */
  nudge(name: string): void {
    if (this.deferrable.has(name) && this.foregroundBusy()) return; // the workers' next poll finds the job
    for (const id of this.workerIds.get(name) ?? []) this.boss?.notifyWorker(id);
  }

  async queueSize(name: string): Promise<number> {
    return this.boss ? this.boss.getQueueSize(name) : 0;
  }

  async stop(): Promise<void> {
    if (!this.boss) return;
    const boss = this.boss;
    this.boss = undefined;
    await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    // pg-boss stops waiting after its timeout; give late handlers as long again, then a turn of the event
    // loop for pg-boss to send their completion while the database is still open.
    await Promise.race([
      Promise.allSettled(this.running),
      new Promise((resolve) => setTimeout(resolve, 10_000)),
    ]);
    await new Promise((resolve) => setImmediate(resolve));
    this.closed = true;
  }
}
