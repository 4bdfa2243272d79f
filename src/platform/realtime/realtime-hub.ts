import type { StoredEvent } from '../events/domain-events.ts';

export interface RealtimeClient {
  readonly tenantId: string;
  /** Whether this recipient may see the event (tenant already matched). */
  canReceive(event: StoredEvent): boolean;
  send(frame: RealtimeFrame): void;
}

export interface RealtimeFrame {
  id?: number;
  type: string;
  data?: unknown;
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
      for (const client of clients) {
        if (client.canReceive(event)) client.send({ id: event.id, type: event.type, data: event.payload });
      }
    }
  }
}
