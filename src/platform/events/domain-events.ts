import type { Tx } from '../db/database.ts';
import { domainEvents, type EventAudience } from '../db/schema.ts';
import { selectList } from '../db/select-list.ts';

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
  // One prepared statement for any number of events: the columns go in as arrays.
  const { rows } = await tx.executeSql(
    `insert into domain_events (tenant_id, type, entity_type, entity_id, payload, audience)
     select tenant_id, type, entity_type, entity_id, payload::jsonb, audience::jsonb
     from unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::text[], $6::text[])
       as event(tenant_id, type, entity_type, entity_id, payload, audience)
     returning ${selectList(domainEvents)}`,
    [
      events.map((event) => event.tenantId),
      events.map((event) => event.type),
      events.map((event) => event.entityType),
      events.map((event) => event.entityId),
      events.map((event) => JSON.stringify(event.payload)),
      events.map((event) => (event.audience ? JSON.stringify(event.audience) : null)),
    ],
    'record_domain_events',
  );
  const stored = (rows as StoredEvent[]).sort((left, right) => left.id - right.id);
  await bus.publish(tx, stored);
  return stored;
}
