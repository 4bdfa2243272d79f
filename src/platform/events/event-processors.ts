import type { Tx } from '../db/database.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import type { Logger } from '../logger.ts';
import type { EventBus, StoredEvent } from './domain-events.ts';

export const PROCESS_DOMAIN_EVENT = 'process-domain-event';

/** What a processor job carries of its event: enough to act on; the payload is loaded only when needed. */
export interface EventReference {
  id: number;
  tenantId: string;
  type: string;
  entityId: string;
}

/** A side effect of committed domain events (CRM write-back, webhooks, automation …). Must be idempotent. */
export interface EventProcessor {
  readonly name: string;
  readonly handles: readonly string[];
  /**
   * Optional cheap filter, asked inside the writing transaction: returning false saves a job for events
   * the processor would ignore anyway (e.g. write-back only wants resolved conversations).
   */
  accepts?(event: StoredEvent): boolean | Promise<boolean>;
  /** `load` reads the whole stored event (payload included), for a processor that needs more than the reference. */
  handle(event: EventReference, load: () => Promise<StoredEvent | undefined>): Promise<void>;
}

interface ProcessEventJob {
  processor: string;
  eventId: number;
  tenantId: string;
  /** Absent in jobs enqueued by older versions: then the event is loaded to learn them. */
  type?: string;
  entityId?: string;
}

/** Jobs a processor worker takes per fetch: a backlog (a burst of new contacts) drains in few round trips. */
const PROCESSOR_BATCH = 20;

/**
 * Fans each event out to the processors that declared it, as jobs enqueued in the writing transaction:
 * delivery is at-least-once and survives a crash right after commit. Realtime delivery goes through the
 * wrapped bus as before.
 */
export class ProcessingEventBus implements EventBus {
  private readonly processors = new Map<string, EventProcessor>();

  constructor(
    readonly inner: EventBus,
    private readonly jobs: JobQueue,
    private readonly logger: Logger,
  ) {}

  register(processor: EventProcessor): void {
    if (this.processors.has(processor.name)) throw new Error(`processor ${processor.name} registered twice`);
    this.processors.set(processor.name, processor);
  }

  async publish(tx: Tx, events: StoredEvent[]): Promise<void> {
    const jobs: { data: ProcessEventJob; options: { singletonKey: string } }[] = [];
    for (const event of events) {
      for (const processor of this.processors.values()) {
        if (!processor.handles.includes(event.type)) continue;
        if (processor.accepts && !(await processor.accepts(event))) continue;
        jobs.push({
          data: {
            processor: processor.name,
            eventId: event.id,
            tenantId: event.tenantId,
            type: event.type,
            entityId: event.entityId,
          } satisfies ProcessEventJob,
          options: { singletonKey: `${processor.name}:${event.id}` },
        });
      }
    }
    await this.jobs.sendMany(tx, PROCESS_DOMAIN_EVENT, jobs);
    if (jobs.length > 0) tx.afterCommit(() => this.jobs.nudge(PROCESS_DOMAIN_EVENT));
    await this.inner.publish(tx, events);
  }

  async startWorkers(
    loadEvent: (tenantId: string, eventId: number) => Promise<StoredEvent | undefined>,
  ): Promise<void> {
    await this.jobs.work<ProcessEventJob>(
      PROCESS_DOMAIN_EVENT,
      async (job) => {
        const processor = this.processors.get(job.processor);
        if (!processor) {
          this.logger.warn({ processor: job.processor }, 'event for an unknown processor dropped');
          return;
        }
        let loaded: Promise<StoredEvent | undefined> | undefined;
        const load = () => {
          loaded ??= loadEvent(job.tenantId, job.eventId);
          return loaded;
        };
        if (job.type !== undefined && job.entityId !== undefined) {
          const { eventId: id, tenantId, type, entityId } = job;
          await processor.handle({ id, tenantId, type, entityId }, load);
          return;
        }
        const event = await load();
        if (event) await processor.handle(event, load);
      },
      { batchSize: PROCESSOR_BATCH, pollingIntervalSeconds: 1, workers: 2, deferrable: true },
    );
  }
}
