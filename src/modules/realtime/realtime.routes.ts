import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import type { Database } from '../../platform/db/database.ts';
import type { StoredEvent } from '../../platform/events/domain-events.ts';
import { eventsSince } from '../../platform/events/event-bus.ts';
import { eventsPrunedAfter } from '../../platform/events/outbox-retention.ts';
import { type Actor, type ActorResolver, requireRole } from '../../platform/http/auth.ts';
import type { App } from '../../platform/http/server.ts';
import type { Metrics } from '../../platform/metrics.ts';
import {
  eventFrameText,
  type RealtimeClient,
  type RealtimeFrame,
  type RealtimeHub,
} from '../../platform/realtime/realtime-hub.ts';
import { canSeeConversation } from '../conversations/conversation.policy.ts';
import { FrameBudget } from './frame-budget.ts';
import { type PresenceConnection, PresenceTracker } from './presence-tracker.ts';
import { visibleReplay } from './visible-replay.ts';

const REPLAY_LIMIT = 1_000;
/** Frames a client may send: a burst, then a steady rate; resumes (each a database read) far fewer. */
const FRAME_BURST = 30;
const FRAMES_PER_SECOND = 10;
const RESUME_BURST = 3;
const RESUMES_PER_SECOND = 0.5;
/** A client that keeps flooding after being told is disconnected. */
const REFUSALS_BEFORE_CLOSE = 200;
/** WebSocket close code for a connection whose credentials no longer hold (like HTTP 401). */
export const CLOSE_ACCESS_REVOKED = 4401;
export const CLOSE_FLOODING = 1008;

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

export interface RealtimeRouteDeps {
  hub: RealtimeHub;
  database: Database;
  metrics: Metrics;
  /** Re-run on the socket's upgrade request when access changes: the same credential, checked again. */
  resolveActor: ActorResolver;
}

/**
 * One WebSocket per agent. Frames: `{id, type, data}` for domain events (`conversation.created`,
 * `conversation.updated`, `message.created`, `message.updated`), plus `hello`, `resync` and `pong`.
 * Resume with `?lastEventId=N` or a `{type:"resume", lastEventId:N}` frame; missed events are replayed
 * from the outbox, or `resync` tells the client to refetch when too many were missed. Delivery is
 * at-least-once: a replay also repeats recent events below N that may have committed after N (ids are
 * not commit-ordered), so clients deduplicate by id.
 * `{type:"presence", conversationId, state:"viewing"|"typing"|"left"}` tells the other agents who may see
 * that conversation (as `{type:"presence", data:{conversationId, userId, state, at}}`); not replayed.
 * When the member's access changes (token revoked, signed out, removed, role or teams changed) the socket
 * re-checks its credential: it closes with 4401 when nothing is left, else goes on with the new rights
 * (and a `resync`). Frames beyond a per-socket budget are answered with a `rate_limited` error.
 */
export function registerRealtimeRoutes(app: App, deps: RealtimeRouteDeps) {
  const { hub, database, metrics } = deps;
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
      let actor: Actor = request.actor;
      let replaying = false;
      // Event ids are taken at insert, but transactions commit in any order: a lower id can arrive after a
      // higher one. So duplicates are recognised by id, never by a high-water mark (which would drop events).
      const sent = new RecentIds(10_000);
      const buffered: RealtimeFrame[] = [];
      const { sendNow } = corkedSender(socket, sent);
      // While access is re-checked, live events wait here and are filtered by the rights that result.
      let held: StoredEvent[] | undefined;
      const client: RealtimeClient = {
        tenantId: actor.tenantId,
        canReceive: (event: StoredEvent) => {
          if (held) {
            held.push(event);
            return false;
          }
          return canSeeConversation(actor, event.audience);
        },
        send: (frame) => (replaying ? buffered.push(frame) : sendNow(frame)),
        accessChanged: (event) => {
          if ((event.payload as { userId?: unknown }).userId === actor.userId) void recheck();
        },
      };

      let rechecking: Promise<void> = Promise.resolve();
      const recheck = () => {
        held ??= [];
        rechecking = rechecking.then(async () => {
          const next = await deps.resolveActor(request).catch((error) => {
            request.log.warn({ err: error }, 'realtime access re-check failed; closing');
            return null;
          });
          const events = held ?? [];
          held = undefined;
          if (!next || next.tenantId !== actor.tenantId || next.userId !== actor.userId) {
            socket.close(CLOSE_ACCESS_REVOKED, 'access revoked');
            return;
          }
          const changed = next.role !== actor.role || next.teamIds.join() !== actor.teamIds.join();
          actor = next;
          if (changed) sendNow({ type: 'resync', data: { reason: 'your access changed; refetch lists' } });
          for (const event of events) {
            if (canSeeConversation(actor, event.audience))
              client.send({
                id: event.id,
                type: event.type,
                data: event.payload,
                text: eventFrameText(event),
              });
          }
        });
        return rechecking;
      };

      const replay = async (lastEventId: number) => {
        replaying = true;
        try {
          if (await eventsPrunedAfter(database, lastEventId)) {
            sendNow({ type: 'resync', data: { reason: 'events since then were pruned; refetch lists' } });
            return;
          }
          const missed = await eventsSince(database, actor.tenantId, lastEventId, REPLAY_LIMIT + 1);
          if (missed.filter((event) => event.id > lastEventId).length > REPLAY_LIMIT) {
            sendNow({ type: 'resync', data: { reason: 'too many missed events; refetch lists' } });
            for (const event of missed) sent.add(event.id);
          } else {
            for (const event of await visibleReplay(database.db, actor, missed))
              sendNow({ id: event.id, type: event.type, data: event.payload });
          }
        } catch (error) {
          request.log.warn({ err: error }, 'realtime replay failed');
          sendNow({ type: 'resync', data: { reason: 'replay failed; refetch lists' } });
        } finally {
          replaying = false;
          for (const frame of buffered.splice(0)) sendNow(frame);
        }
      };

      const presenceConnection: PresenceConnection = {
        id: ++connectionCount,
        get actor() {
          return actor;
        },
        send: client.send,
      };
      hub.add(client);
      presence.connect(presenceConnection);
      metrics.realtimeClients.set(hub.size);
      socket.on('close', () => {
        presence.disconnect(presenceConnection);
        hub.remove(client);
        metrics.realtimeClients.set(hub.size);
      });

      const frames = new FrameBudget(FRAME_BURST, FRAMES_PER_SECOND);
      const resumes = new FrameBudget(RESUME_BURST, RESUMES_PER_SECOND);
      let refusals = 0;
      const refuse = (detail: string) => {
        refusals += 1;
        if (refusals > REFUSALS_BEFORE_CLOSE) socket.close(CLOSE_FLOODING, 'too many frames');
        else sendNow({ type: 'error', data: { code: 'rate_limited', detail } });
      };
      socket.on('message', (raw) => {
        if (!frames.take()) return refuse(`at most ${FRAMES_PER_SECOND} frames per second`);
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
        } else if (replaying || !resumes.take()) {
          refuse('one resume at a time, and only every few seconds');
        } else {
          refusals = 0;
          void replay(frame.lastEventId);
        }
      });

      const query = request.query as { lastEventId?: number };
      sendNow({ type: 'hello', data: { userId: actor.userId, tenantId: actor.tenantId } });
      if (query.lastEventId !== undefined) {
        resumes.take();
        void replay(query.lastEventId);
      }
    },
  );
}

/** Frames sent in one turn of the event loop (a committed batch's events) leave in one write. */
function corkedSender(socket: WebSocket, sent: RecentIds) {
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
  return { sendNow };
}
