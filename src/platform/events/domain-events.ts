import type { Tx } from '../db/database.ts';
import { domainEvents, type EventAudience } from '../db/schema.ts';

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
  const rows = await tx.db.insert(domainEvents).values(events).returning();
  const stored = rows.map((row) => ({ ...row, payload: row.payload })) as StoredEvent[];
  await bus.publish(tx, stored);
  return stored;
}
