import type { Socket } from 'node:net';
import { z } from 'zod';
import type { Database } from '../../platform/db/database.ts';
import type { StoredEvent } from '../../platform/events/domain-events.ts';
import { eventsSince } from '../../platform/events/event-bus.ts';
import { requireRole } from '../../platform/http/auth.ts';
import type { App } from '../../platform/http/server.ts';
import type { Metrics } from '../../platform/metrics.ts';
import type { RealtimeClient, RealtimeFrame, RealtimeHub } from '../../platform/realtime/realtime-hub.ts';
import { canSeeConversation } from '../conversations/conversation.policy.ts';
import { type PresenceConnection, PresenceTracker } from './presence-tracker.ts';

const REPLAY_LIMIT = 1_000;

/** A bounded set of the event ids a connection has been sent. */
class RecentIds {
  private readonly ids = new Set<number>();
  constructor(private readonly capacity: number) {}
  has(id: number) {
    return this.ids.has(id);
  }
  add(id: number) {
    this.ids.add(id);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value!);
  }
}

const ClientFrame = z.discriminatedUnion('type', [
  z.object({ type: z.literal('resume'), lastEventId: z.number().int().min(0) }),
  z.object({ type: z.literal('ping') }),
  z.object({
    type: z.literal('presence'),
    conversationId: z.uuid(),
    state: z.enum(['viewing', 'typing', 'left']),
  }),
]);

/**
 * One WebSocket per agent. Frames: `{id, type, data}` for domain events (`conversation.created`,
 * `conversation.updated`, `message.created`, `message.updated`), plus `hello`, `resync` and `pong`.
 * Resume with `?lastEventId=N` or a `{type:"resume", lastEventId:N}` frame; missed events are replayed
 * from the outbox, or `resync` tells the client to refetch when too many were missed. Delivery is
 * at-least-once: a replay also repeats recent events below N that may have committed after N (ids are
 * not commit-ordered), so clients deduplicate by id.
 * `{type:"presence", conversationId, state:"viewing"|"typing"|"left"}` tells the other agents who may see
 * that conversation (as `{type:"presence", data:{conversationId, userId, state, at}}`); not replayed.
 */
export function registerRealtimeRoutes(app: App, hub: RealtimeHub, database: Database, metrics: Metrics) {
  const presence = new PresenceTracker(database.db);
  let connectionCount = 0;
  app.get(
    '/api/v1/realtime',
    {
      websocket: true,
      config: requireRole('agent'),
      schema: {
        tags: ['realtime'],
        summary: 'WebSocket of live events for the signed-in agent',
        querystring: z.object({ lastEventId: z.coerce.number().int().min(0).optional() }),
      },
    },
    (socket, request) => {
      const actor = request.actor;
      let replaying = false;
      // Event ids are taken at insert, but transactions commit in any order: a lower id can arrive after a
      // higher one. So duplicates are recognised by id, never by a high-water mark (which would drop events).
      const sent = new RecentIds(10_000);
      const buffered: RealtimeFrame[] = [];
      // Frames sent in one turn of the event loop (a committed batch's events) leave in one write.
      const transport = (socket as unknown as { _socket?: Socket })._socket;
      let corked = false;
      const uncork = () => {
        corked = false;
        transport?.uncork();
      };
      const sendNow = (frame: RealtimeFrame) => {
        if (frame.id !== undefined) {
          if (sent.has(frame.id)) return;
          sent.add(frame.id);
        }
        if (socket.readyState !== socket.OPEN) return;
        if (transport && !corked) {
          corked = true;
          transport.cork();
          process.nextTick(uncork);
        }
        socket.send(frame.text ?? JSON.stringify(frame));
      };
      const client: RealtimeClient = {
        tenantId: actor.tenantId,
        canReceive: (event: StoredEvent) => canSeeConversation(actor, event.audience),
        send: (frame) => (replaying ? buffered.push(frame) : sendNow(frame)),
      };

      const replay = async (lastEventId: number) => {
        replaying = true;
        try {
          const missed = await eventsSince(database, actor.tenantId, lastEventId, REPLAY_LIMIT + 1);
          if (missed.filter((event) => event.id > lastEventId).length > REPLAY_LIMIT) {
            sendNow({ type: 'resync', data: { reason: 'too many missed events; refetch lists' } });
            for (const event of missed) sent.add(event.id);
          } else {
            for (const event of missed) {
              if (client.canReceive(event)) sendNow({ id: event.id, type: event.type, data: event.payload });
            }
          }
        } finally {
          replaying = false;
          for (const frame of buffered.splice(0)) sendNow(frame);
        }
      };

      const presenceConnection: PresenceConnection = { id: ++connectionCount, actor, send: client.send };
      hub.add(client);
      presence.connect(presenceConnection);
      metrics.realtimeClients.set(hub.size);
      socket.on('close', () => {
        presence.disconnect(presenceConnection);
        hub.remove(client);
        metrics.realtimeClients.set(hub.size);
      });
      socket.on('message', (raw) => {
        let frame: z.infer<typeof ClientFrame>;
        try {
          frame = ClientFrame.parse(JSON.parse(raw.toString()));
        } catch {
          sendNow({
            type: 'error',
            data: {
              code: 'validation_failed',
              detail:
                'Send {"type":"resume","lastEventId":N}, {"type":"ping"} or {"type":"presence","conversationId":…,"state":"viewing"}',
            },
          });
          return;
        }
        if (frame.type === 'ping') sendNow({ type: 'pong' });
        else if (frame.type === 'presence') {
          presence.update(presenceConnection, frame.conversationId, frame.state).then(
            (known) => {
              if (!known)
                sendNow({ type: 'error', data: { code: 'not_found', detail: 'No such conversation' } });
            },
            (error) => request.log.warn({ err: error }, 'presence update failed'),
          );
        } else void replay(frame.lastEventId);
      });

      const query = request.query as { lastEventId?: number };
      sendNow({ type: 'hello', data: { userId: actor.userId, tenantId: actor.tenantId } });
      if (query.lastEventId !== undefined) void replay(query.lastEventId);
    },
  );
}
