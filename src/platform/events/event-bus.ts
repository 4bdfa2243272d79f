import { randomUUID } from 'node:crypto';
import { and, eq, gt, or, sql } from 'drizzle-orm';
import type { Database, Tx } from '../db/database.ts';
import { domainEvents } from '../db/schema.ts';
import type { Logger } from '../logger.ts';
import type { EventBus, StoredEvent } from './domain-events.ts';

export type EventSink = (events: StoredEvent[]) => void;

const NOTIFY_CHANNEL = 'unisono_events';

/** Single node: events go straight to this process's sinks after commit. */
export class LocalEventBus implements EventBus {
  private readonly sinks = new Set<EventSink>();

  subscribe(sink: EventSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  async publish(tx: Tx, events: StoredEvent[]): Promise<void> {
    tx.afterCommit(() => this.deliver(events));
  }

  deliver(events: StoredEvent[]): void {
    for (const sink of this.sinks) sink(events);
  }
}

/**
 * Several nodes: the writing node hands its events to its own sinks after commit, as they are in memory;
 * the transaction also NOTIFYs the new event ids, tagged with the writing node (PostgreSQL delivers them
 * only on commit). Every other node LISTENs, loads the rows in batches and hands them to its sinks.
 */
export class PostgresEventBus extends LocalEventBus {
  /** Tags this node's notifications, so it skips its own (its sinks already have them). */
  private readonly node = randomUUID();
  private pending: number[] = [];
  private readonly unsent = new WeakMap<Tx, number[]>();
  private flushScheduled = false;
  private unlisten: (() => Promise<void>) | undefined;

  constructor(
    private readonly database: Database,
    private readonly logger: Logger,
  ) {
    super();
  }

  async start(): Promise<void> {
    this.unlisten = await this.database.listen(NOTIFY_CHANNEL, (payload) => {
      const separator = payload.indexOf(':');
      if (payload.slice(0, separator) === this.node) return;
      for (const id of payload.slice(separator + 1).split(',')) {
        const parsed = Number(id);
        if (Number.isSafeInteger(parsed)) this.pending.push(parsed);
      }
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  /** One NOTIFY per transaction (not per publish), so a shared ingest transaction pays for it once. */
  override async publish(tx: Tx, events: StoredEvent[]): Promise<void> {
    await super.publish(tx, events);
    let ids = this.unsent.get(tx);
    if (!ids) {
      const collected: number[] = [];
      ids = collected;
      this.unsent.set(tx, collected);
      tx.beforeCommit(async () => {
        this.unsent.delete(tx);
        const prefix = `${this.node}:`;
        for (const ids of notifyPayloads(collected, NOTIFY_LIMIT - prefix.length))
          tx.notify(NOTIFY_CHANNEL, prefix + ids);
      });
    }
    for (const event of events) ids.push(event.id);
  }

  private async flush(): Promise<void> {
    this.flushScheduled = false;
    const ids = this.pending;
    this.pending = [];
    if (ids.length === 0) return;
    try {
      const { rows } = await this.database.listenerQuery(
        `select id, tenant_id as "tenantId", type, entity_type as "entityType", entity_id as "entityId", payload,
                audience, created_at as "createdAt"
         from domain_events where id = any($1::bigint[]) order by id`,
        [ids],
      );
      this.deliver(rows.map((row) => ({ ...row, id: Number(row.id) })) as StoredEvent[]);
    } catch (error) {
      this.logger.error({ err: error }, 'could not load notified events');
    }
  }

  async stop(): Promise<void> {
    await this.unlisten?.();
  }
}

/** NOTIFY payloads stay below PostgreSQL's 8000-byte limit. */
const NOTIFY_LIMIT = 7_000;

/** Comma-separated ids, split where a payload would grow beyond the limit. */
export function notifyPayloads(ids: number[], limit = NOTIFY_LIMIT): string[] {
  const payloads: string[] = [];
  let current = '';
  for (const id of ids) {
    const next = current ? `${current},${id}` : String(id);
    if (next.length > limit && current) {
      payloads.push(current);
      current = String(id);
    } else {
      current = next;
    }
  }
  if (current) payloads.push(current);
  return payloads;
}

/** How far below a resume point a transaction still in flight may have taken its event id. */
const RESUME_OVERLAP_IDS = 1_000;
const RESUME_OVERLAP_SECONDS = 10;

/**
 * Events of one tenant after a given id, for realtime resume; plus recent events just below it, because a
 * transaction that took a lower id may have committed after the client saw the higher one.
 */
export async function eventsSince(
  database: Database,
  tenantId: string,
  afterId: number,
  limit: number,
): Promise<StoredEvent[]> {
  const rows = await database.db
    .select()
    .from(domainEvents)
    .where(
      and(
        eq(domainEvents.tenantId, tenantId),
        or(
          gt(domainEvents.id, afterId),
          and(
            gt(domainEvents.id, Math.max(0, afterId - RESUME_OVERLAP_IDS)),
            sql`${domainEvents.createdAt} > (select created_at from domain_events where id = ${afterId}) - make_interval(secs => ${RESUME_OVERLAP_SECONDS})`,
          ),
        ),
      ),
    )
    .orderBy(domainEvents.id)
    .limit(limit + RESUME_OVERLAP_IDS);
  return rows as StoredEvent[];
}

export async function eventById(
  database: Database,
  tenantId: string,
  eventId: number,
): Promise<StoredEvent | undefined> {
  const [row] = await database.db
    .select()
    .from(domainEvents)
    .where(and(eq(domainEvents.tenantId, tenantId), eq(domainEvents.id, eventId)));
  return row as StoredEvent | undefined;
}
