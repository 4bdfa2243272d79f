import type { StoredEvent } from '../events/domain-events.ts';

/** The event type that says a member's access changed; it reaches connections, never clients' screens. */
export const ACCESS_CHANGED = 'access.changed';

export interface RealtimeClient {
  readonly tenantId: string;
  /** Whether this recipient may see the event (tenant already matched). */
  canReceive(event: StoredEvent): boolean;
  send(frame: RealtimeFrame): void;
  /** Told of every access change in its tenant (revocation, role, teams), to re-check or close itself. */
  accessChanged(event: StoredEvent): void;
}

export interface RealtimeFrame {
  id?: number;
  type: string;
  data?: unknown;
  /** The frame as JSON, when already serialised (an event's frame is built once for all its recipients). */
  text?: string;
}

/** The JSON of an event's frame; reuses the payload's JSON where the writer kept it. */
export function eventFrameText(event: StoredEvent): string {
  const data = event.payloadJson ?? JSON.stringify(event.payload);
  return `{"id":${event.id},"type":${JSON.stringify(event.type)},"data":${data}}`;
}

/** Fans committed events out to connected clients of the same tenant. */
export class RealtimeHub {
  private readonly clientsByTenant = new Map<string, Set<RealtimeClient>>();

  add(client: RealtimeClient): void {
    let clients = this.clientsByTenant.get(client.tenantId);
    if (!clients) {
      clients = new Set();
      this.clientsByTenant.set(client.tenantId, clients);
    }
    clients.add(client);
  }

  remove(client: RealtimeClient): void {
    const clients = this.clientsByTenant.get(client.tenantId);
    clients?.delete(client);
    if (clients?.size === 0) this.clientsByTenant.delete(client.tenantId);
  }

  get size(): number {
    let total = 0;
    for (const clients of this.clientsByTenant.values()) total += clients.size;
    return total;
  }

  dispatch(events: StoredEvent[]): void {
    for (const event of events) {
      const clients = this.clientsByTenant.get(event.tenantId);
      if (!clients) continue;
      if (event.type === ACCESS_CHANGED) {
        for (const client of [...clients]) client.accessChanged(event);
        continue;
      }
      let text: string | undefined;
      for (const client of clients) {
        if (!client.canReceive(event)) continue;
        text ??= eventFrameText(event);
        client.send({ id: event.id, type: event.type, data: event.payload, text });
      }
    }
  }
}
