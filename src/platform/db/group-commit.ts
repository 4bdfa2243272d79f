import type { Database, Tx } from './database.ts';

interface Unit<I, T> {
  item: I;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitOptions {
  /** Most items one transaction takes. */
  maxBatch: number;
  /** Transactions in flight at once; further items wait and are then committed together. */
  concurrency: number;
  /**
   * Items that must be waiting before a transaction starts while another is still in flight (default 1).
   * Without it, the slot freed by a commit starts a batch at once, before the senders it just answered have
   * sent again, and batches fragment into many small ones, each paying the whole round-trip sequence.
   */
  minConcurrentBatch?: number;
  /** Told the size of every batch that starts (for metrics). */
  onBatch?: (size: number) => void;
}

/** Stores a batch of items in one transaction; answers one result per item, in the items' order. */
export type BatchWork<I, T> = (tx: Tx, items: I[]) => Promise<T[]>;

/**
 * Group commit for a hot write path. An item that arrives while no transaction is in flight is stored at once;
 * under load, the items that queued up meanwhile share the next transaction (up to `concurrency` in flight),
 * and the work handles them together: one statement per step for the whole batch, one BEGIN, one COMMIT
 * and one WAL flush for many. Items are handed over in arrival order. If a shared transaction fails, each
 * of its items is retried in a transaction of its own: one bad item fails alone and takes no other with it.
 *
 * The work must be safe to run twice up to its commit: everything it does goes through the transaction,
 * after-commit callbacks included. It must take row locks in an order of its own (e.g. by key), so that
 * concurrent batches cannot deadlock.
 */
export class GroupCommit<I, T> {
  private readonly queue: Unit<I, T>[] = [];
  private inFlight = 0;

  constructor(
    private readonly database: Database,
    private readonly work: BatchWork<I, T>,
    private readonly options: GroupCommitOptions,
  ) {}

  run(item: I): Promise<T> {
    // Already inside a caller's transaction: join it, never mix other callers' items into it.
    if (this.database.inTransaction()) return this.database.transaction((tx) => this.single(tx, item));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.pump();
    });
  }

  /** Items waiting or being stored: background work defers to the hot path while there are any. */
  get backlog(): number {
    return this.queue.length + this.inFlight;
  }

  private pump(): void {
    while (this.inFlight < this.options.concurrency && this.queue.length >= this.startsAt()) {
      this.inFlight++;
      // Start on the next turn of the event loop, so the requests that arrived together share the batch.
      setImmediate(() => {
        const batch = this.queue.splice(0, this.options.maxBatch);
        if (batch.length > 0) this.options.onBatch?.(batch.length);
        void this.commit(batch).finally(() => {
          this.inFlight--;
          this.pump();
        });
      });
    }
  }

  /** Items it takes to start a transaction: one when none is in flight, else a batch worth sharing. */
  private startsAt(): number {
    return this.inFlight === 0 ? 1 : (this.options.minConcurrentBatch ?? 1);
  }

  private async single(tx: Tx, item: I): Promise<T> {
    const [result] = await this.work(tx, [item]);
    return result!;
  }

  private async commit(batch: Unit<I, T>[]): Promise<void> {
    if (batch.length > 1) {
      try {
        const items = batch.map((unit) => unit.item);
        const results = await this.database.transaction((tx) => this.work(tx, items));
        for (const [index, unit] of batch.entries()) unit.resolve(results[index]!);
        return;
      } catch {
        // Fall through: every item on its own, so the failure lands only where it belongs.
      }
    }
    for (const unit of batch) {
      try {
        unit.resolve(await this.database.transaction((tx) => this.single(tx, unit.item)));
      } catch (error) {
        unit.reject(error);
      }
    }
  }
}
