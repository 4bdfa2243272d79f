import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, testDatabases } from '../../../test/support/test-app.ts';
import type { Database } from '../db/database.ts';
import { createLogger } from '../logger.ts';
import { JobQueue } from './job-queue.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}

describe.each(testDatabases())('job queue deferring to the hot path on %s', (kind) => {
  let database: Database;
  let jobs: JobQueue;
  let busy = false;
  /** How often a worker asked whether the foreground is busy (it asks while it holds a deferred job). */
  let consulted = 0;
  const handled = { background: [] as string[], delivery: [] as string[] };

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    jobs = new JobQueue(database, createLogger('silent'));
    await jobs.start(['background', 'delivery']);
    jobs.deferWhile(() => {
      if (busy) consulted++;
      return busy;
    });
    await jobs.work<{ n: string }>('background', async (job) => void handled.background.push(job.n), {
      pollingIntervalSeconds: 1,
      deferrable: true,
    });
    await jobs.work<{ n: string }>('delivery', async (job) => void handled.delivery.push(job.n), {
      pollingIntervalSeconds: 1,
    });
  });
  afterAll(async () => {
    await jobs.stop();
    await database.close();
  });

  it('holds background jobs while the foreground is busy, never customer-facing ones', async () => {
    busy = true;
    await jobs.send(database, 'background', { n: 'b1' });
    await jobs.send(database, 'delivery', { n: 'd1' });
    jobs.nudge('background'); // ignored while busy: without deferral the job would run at once
    jobs.nudge('delivery');
    const nudged = consulted;
    await until(() => handled.delivery.includes('d1'), 60_000);
    // The background worker has fetched b1 on its next poll and keeps asking for a lull: it holds the job.
    await until(() => consulted >= nudged + 3 || handled.background.length > 0, 60_000);
    expect(handled.background).toEqual([]);

    busy = false;
    await until(() => handled.background.includes('b1'), 60_000);
  });

  it('defers a background job under endless load, but does not starve it', async () => {
    busy = true;
    await jobs.send(database, 'background', { n: 'b2' });
    await until(() => handled.background.includes('b2'), 60_000);
    busy = false;
  });
});
