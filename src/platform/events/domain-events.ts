import type { Tx } from '../db/database.ts';
import type { EventAudience } from '../db/schema.ts';

export interface DomainEventInput {
  tenantId: string;
  type: string;
  entityType: string;
  entityId: string;
  payload: Record<string, unknown>;
  audience?: EventAudience | null;
}

export interface StoredEvent extends DomainEventInput {
  id: number;
  createdAt: Date;
  /** The payload as JSON, kept by the node that wrote it, so it is serialised once for store and push. */
  payloadJson?: string;
}

/** Delivers committed events to this node's (and, with a shared bus, every node's) realtime hub. */
export interface EventBus {
  /** Called inside the writing transaction; delivery happens only once it commits. */
  publish(tx: Tx, events: StoredEvent[]): Promise<void>;
}

/**
 * The outbox insert of some events, for a statement of its own (recordEvents) or as a CTE of a statement that
 * also writes the data the events announce, so both take one round trip. Payloads are serialised once, here,
 * and kept for realtime delivery.
 */
export class OutboxInsert {
  private readonly payloads: string[];

  constructor(private readonly events: DomainEventInput[]) {
    this.payloads = events.map((event) => JSON.stringify(event.payload));
  }

  /** `insert … returning id, created_at`, its parameters numbered from `$first` (the same text every time). */
  sql(first: number): string {
    const [tenantId, type, entityType, entityId, payloads, audiences] = [0, 1, 2, 3, 4, 5].map(
      (offset) => `$${first + offset}`,
    );
    // Payloads and audiences travel as one JSON array each: a text[] would escape every quote of every payload
    // on the way out (a hot spot) and PostgreSQL would unescape them before parsing the JSON anyway.
    return `insert into domain_events (tenant_id, type, entity_type, entity_id, payload, audience)
     select event.tenant_id, event.type, event.entity_type, event.entity_id, payload.value,
            case when json_typeof(audience.value) = 'null' then null else audience.value end
     from unnest(${tenantId}::uuid[], ${type}::text[], ${entityType}::text[], ${entityId}::uuid[])
            with ordinality as event(tenant_id, type, entity_type, entity_id, position)
       join json_array_elements(${payloads}::json) with ordinality as payload(value, position) using (position)
       join json_array_elements(${audiences}::json) with ordinality as audience(value, position) using (position)
     order by position
     returning id, created_at as "createdAt"`;
  }

  /** The columns go in as arrays: one prepared statement for any number of events. */
  values(): unknown[] {
    const { events } = this;
    return [
      events.map((event) => event.tenantId),
      events.map((event) => event.type),
      events.map((event) => event.entityType),
      events.map((event) => event.entityId),
      `[${this.payloads.join(',')}]`,
      JSON.stringify(events.map((event) => event.audience ?? null)),
    ];
  }

  /** Once the insert ran: the stored events (ids and times from its rows), handed to the bus for after commit. */
  async publish(tx: Tx, bus: EventBus, rows: { id: unknown; createdAt: Date }[]): Promise<StoredEvent[]> {
    // The ids come from a sequence, drawn in insert order: the n-th smallest is the n-th event's.
    const assigned = rows
      .map((row) => ({ id: Number(row.id), createdAt: row.createdAt }))
      .sort((left, right) => left.id - right.id);
    const stored = this.events.map((event, index) => ({
      ...event,
      audience: event.audience ?? null,
      payloadJson: this.payloads[index],
      id: assigned[index]!.id,
      createdAt: assigned[index]!.createdAt,
    }));
    await bus.publish(tx, stored);
    return stored;
  }
}

/** Writes outbox rows in the caller's transaction and hands them to the bus for post-commit delivery. */
export async function recordEvents(
  tx: Tx,
  bus: EventBus,
  events: DomainEventInput[],
): Promise<StoredEvent[]> {
  if (events.length === 0) return [];
  const outbox = new OutboxInsert(events);
  const { rows } = await tx.executeSql(outbox.sql(1), outbox.values(), 'record_domain_events');
  return outbox.publish(tx, bus, rows);
}
