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

/** Writes outbox rows in the caller's transaction and hands them to the bus for post-commit delivery. */
export async function recordEvents(
  tx: Tx,
  bus: EventBus,
  events: DomainEventInput[],
): Promise<StoredEvent[]> {
  if (events.length === 0) return [];
  // One prepared statement for any number of events: the columns go in as arrays. Only the new ids and
  // times come back; the events themselves are already here.
  const payloads = events.map((event) => JSON.stringify(event.payload));
  const { rows } = await tx.executeSql(
    `insert into domain_events (tenant_id, type, entity_type, entity_id, payload, audience)
     select tenant_id, type, entity_type, entity_id, payload::json, audience::json
     from unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::text[], $6::text[])
       with ordinality as event(tenant_id, type, entity_type, entity_id, payload, audience, position)
     order by position
     returning id, created_at as "createdAt"`,
    [
      events.map((event) => event.tenantId),
      events.map((event) => event.type),
      events.map((event) => event.entityType),
      events.map((event) => event.entityId),
      payloads,
      events.map((event) => (event.audience ? JSON.stringify(event.audience) : null)),
    ],
    'record_domain_events',
  );
  // The ids come from a sequence, drawn in insert order: the n-th smallest is the n-th event's.
  const assigned = rows
    .map((row) => ({ id: Number(row.id), createdAt: row.createdAt as Date }))
    .sort((left, right) => left.id - right.id);
  const stored = events.map((event, index) => ({
    ...event,
    audience: event.audience ?? null,
    payloadJson: payloads[index],
    id: assigned[index]!.id,
    createdAt: assigned[index]!.createdAt,
  }));
  await bus.publish(tx, stored);
  return stored;
}
