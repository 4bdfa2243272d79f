import type { Drizzle } from '../../platform/db/database.ts';
import type { EventAudience } from '../../platform/db/schema.ts';
import type { Actor } from '../../platform/http/auth.ts';
import type { RealtimeFrame } from '../../platform/realtime/realtime-hub.ts';
import { canSeeConversation, currentAudiences } from '../conversations/conversation.policy.ts';

export type PresenceState = 'viewing' | 'typing' | 'left';

export interface PresenceConnection {
  readonly id: number;
  /** The connection's current rights (they change when its access is re-checked). */
  readonly actor: Actor;
  send(frame: RealtimeFrame): void;
}

interface Entry {
  connection: PresenceConnection;
  state: Exclude<PresenceState, 'left'>;
  at: number;
}

/** A viewer who stops refreshing (closed laptop, lost network) disappears after this long. */
const PRESENCE_TTL_MS = 60_000;

/**
 * "Who is looking at / typing in this conversation", kept in memory on this node and relayed to the
 * other agents of the tenant who may see the conversation. Ephemeral by design: nothing is stored,
 * and with several web nodes each node only knows its own connections.
 */
export class PresenceTracker {
  private readonly connections = new Map<string, Set<PresenceConnection>>();
  private readonly entries = new Map<string, Map<number, Entry>>();
  private readonly audiences = new Map<string, EventAudience>();

  constructor(
    private readonly db: Drizzle,
    private readonly now: () => number = Date.now,
  ) {}

  connect(connection: PresenceConnection): void {
    const tenantId = connection.actor.tenantId;
    let set = this.connections.get(tenantId);
    if (!set) {
      set = new Set();
      this.connections.set(tenantId, set);
    }
    set.add(connection);
  }

  disconnect(connection: PresenceConnection): void {
    const tenantId = connection.actor.tenantId;
    for (const [key, entries] of this.entries) {
      if (!key.startsWith(`${tenantId}:`) || !entries.has(connection.id)) continue;
      entries.delete(connection.id);
      const conversationId = key.slice(tenantId.length + 1);
      this.broadcast(connection, conversationId, 'left');
      if (entries.size === 0) {
        this.entries.delete(key);
        this.audiences.delete(key);
      }
    }
    const set = this.connections.get(tenantId);
    set?.delete(connection);
    if (set?.size === 0) this.connections.delete(tenantId);
  }

  /** Returns false when the conversation does not exist for this agent (nothing is relayed). */
  async update(
    connection: PresenceConnection,
    conversationId: string,
    state: PresenceState,
  ): Promise<boolean> {
    const { actor } = connection;
    const key = `${actor.tenantId}:${conversationId}`;
    const audience = await this.audienceOf(actor.tenantId, conversationId);
    if (!audience || !canSeeConversation(actor, audience)) return false;
    let entries = this.entries.get(key);
    const isNewViewer = !entries?.has(connection.id);
    if (state === 'left') {
      if (!entries?.delete(connection.id)) return true;
      this.broadcast(connection, conversationId, state);
      if (entries.size === 0) {
        this.entries.delete(key);
        this.audiences.delete(key);
      }
      return true;
    } else {
      if (!entries) {
        entries = new Map();
        this.entries.set(key, entries);
      }
      entries.set(connection.id, { connection, state, at: this.now() });
      if (isNewViewer) this.sendCurrent(connection, conversationId, entries);
    }
    this.broadcast(connection, conversationId, state);
    return true;
  }

  private sendCurrent(to: PresenceConnection, conversationId: string, entries: Map<number, Entry>) {
    const cutoff = this.now() - PRESENCE_TTL_MS;
    for (const entry of entries.values()) {
      if (entry.connection.id === to.id || entry.at < cutoff) continue;
      to.send({
        type: 'presence',
        data: {
          conversationId,
          userId: entry.connection.actor.userId,
          state: entry.state,
          at: new Date(entry.at).toISOString(),
        },
      });
    }
  }

  private broadcast(from: PresenceConnection, conversationId: string, state: PresenceState) {
    const audience = this.audiences.get(`${from.actor.tenantId}:${conversationId}`);
    const frame: RealtimeFrame = {
      type: 'presence',
      data: { conversationId, userId: from.actor.userId, state, at: new Date(this.now()).toISOString() },
    };
    for (const connection of this.connections.get(from.actor.tenantId) ?? []) {
      if (connection.id === from.id) continue;
      if (audience && !canSeeConversation(connection.actor, audience)) continue;
      connection.send(frame);
    }
  }

  private async audienceOf(tenantId: string, conversationId: string): Promise<EventAudience | undefined> {
    // Looked up on every update: an assignment change must narrow who is told at once.
    const row = (await currentAudiences(this.db, tenantId, [conversationId])).get(conversationId);
    if (!row) return undefined;
    this.audiences.set(`${tenantId}:${conversationId}`, row);
    return row;
  }
}
