import type { Database, Tx } from './database.ts';

interface Unit<T> {
  work: (tx: Tx) => Promise<T>;
  order: string;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitOptions {
  /** Most units of work one transaction takes. */
  maxBatch: number;
  /** Transactions in flight at once; further units wait and are then committed together. */
  concurrency: number;
}

/**
 * Group commit for a hot write path. A unit of work runs in its own transaction while fewer than
 * `concurrency` are in flight; under load, the units that queued up meanwhile share the next transaction
 * (one BEGIN, one COMMIT, one WAL flush for many). Units in a shared transaction run one after another, in
 * `order` so concurrent batches take row locks in the same order. If a shared transaction fails, each of
 * its units is retried in a transaction of its own: one bad unit fails alone and takes no other with it.
 *
 * A unit must be safe to run twice up to its commit: everything it does goes through the transaction,
 * after-commit callbacks included.
 */
export class GroupCommit<T> {
  private readonly queue: Unit<T>[] = [];
  private inFlight = 0;

  constructor(
    private readonly database: Database,
    private readonly options: GroupCommitOptions,
  ) {}

  run(work: (tx: Tx) => Promise<T>, order = ''): Promise<T> {
    // Already inside a caller's transaction: join it, never mix other callers' work into it.
    if (this.database.inTransaction()) return this.database.transaction(work);
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, order, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.options.concurrency && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.inFlight++;
      void this.commit(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async commit(batch: Unit<T>[]): Promise<void> {
    if (batch.length > 1) {
      batch.sort((left, right) => (left.order < right.order ? -1 : left.order > right.order ? 1 : 0));
      try {
        const results = await this.database.transaction(async (tx) => {
          const done: T[] = [];
          for (const unit of batch) done.push(await unit.work(tx));
          return done;
        });
        for (const [index, unit] of batch.entries()) unit.resolve(results[index]!);
        return;
      } catch {
        // Fall through: every unit on its own, so the failure lands only where it belongs.
      }
    }
    for (const unit of batch) {
      try {
        unit.resolve(await this.database.transaction(unit.work));
      } catch (error) {
        unit.reject(error);
      }
    }
  }
}
