import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTenant,
  type GivenTenant,
  givenApiChannel,
  receiveApiMessage,
} from '../../../test/support/factories.ts';
import { FakeReceiver } from '../../../test/support/fake-receiver.ts';
import { startTestApp, type TestApp, testDatabases } from '../../../test/support/test-app.ts';
import type { DeliverOutboundMessageJob } from './deliver-outbound-message.job.ts';
import { OutboundDeliveryService } from './outbound-delivery.service.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Provider outages of hours, on a clock the test moves. The app runs without job workers; the test plays the
 * queue: it takes the job enqueued for the message's next attempt, sets the clock to that time, and runs it.
 */
describe.each(testDatabases())('delivery through a long provider outage on %s', (kind) => {
  let app: TestApp;
  let tenant: GivenTenant;
  let clock = new Date();
  let delivery: OutboundDeliveryService;

  beforeAll(async () => {
    // Today's defaults except the loopback allow-list: 5 s base, 15 min cap, 24 h horizon, no attempt cap.
    app = await startTestApp(kind, { ROLES: 'web', DELIVERY_RETRY_BASE_MS: '5000' });
    tenant = await createTenant(app);
    const { platform, services } = app.unisono;
    delivery = new OutboundDeliveryService(platform, services.channels, { now: () => clock });
  });
  afterAll(async () => {
    await app?.stop();
  });

  /** A provider that answers 503 until the test clock reaches `upAt`. */
  const providerDownUntil = (upAt: number) =>
    new FakeReceiver(() =>
      clock.getTime() < upAt
        ? { status: 503, body: { error: 'maintenance' } }
        : { status: 200, body: { id: 'p-1' } },
    ).start();

  const messageRow = async (messageId: string) => {
    const { rows } = await app.unisono.platform.database.executeSql(
      'select status, attempts, next_attempt_at as "nextAttemptAt" from messages where tenant_id = $1 and id = $2',
      [tenant.id, messageId],
    );
    return rows[0] as { status: string; attempts: number; nextAttemptAt: Date | string | null };
  };

  /** The queued job for an attempt at `scheduledFor`, exactly as a worker would receive it. */
  const jobFor = async (messageId: string, scheduledFor: string) => {
    const { rows } = await app.unisono.platform.database.executeSql(
      `select data from pgboss.job where name = 'deliver-outbound-message'
         and data->>'messageId' = $1 and data->>'scheduledFor' = $2`,
      [messageId, scheduledFor],
    );
    expect(rows).toHaveLength(1);
    const data = rows[0]!.data;
    return (typeof data === 'string' ? JSON.parse(data) : data) as DeliverOutboundMessageJob;
  };

  /** Runs every attempt the queue would run until the message leaves `queued`; returns the attempt times. */
  async function playQueue(messageId: string): Promise<number[]> {
    const times: number[] = [];
    for (let step = 0; step < 500; step++) {
      const row = await messageRow(messageId);
      if (row.status !== 'queued') return times;
      const due = new Date(row.nextAttemptAt!);
      const job = await jobFor(messageId, due.toISOString());
      if (due > clock) clock = due;
      times.push(clock.getTime());
      await delivery.deliver(job);
    }
    throw new Error('the message was still queued after 500 attempts');
  }

  async function givenQueuedReply(webhookUrl: string) {
    const channel = await givenApiChannel(tenant, { webhookUrl });
    const inbound = await receiveApiMessage(app, channel);
    const reply = await tenant.api.post(`/api/v1/conversations/${inbound.conversationId}/replies`, {
      text: 'Ihre Bestellung ist unterwegs.',
    });
    expect(reply.status).toBe(201);
    clock = new Date(Math.max(Date.now(), Date.parse(reply.body.createdAt)));
    const view = async () =>
      (await tenant.api.get(`/api/v1/conversations/${inbound.conversationId}/messages`)).body.items.find(
        (message: any) => message.id === reply.body.id,
      );
    return { id: reply.body.id as string, createdAt: Date.parse(reply.body.createdAt), view };
  }

  it('delivers a reply after a six-hour outage, with capped, jittered waits and a visible count', async () => {
    const start = Date.now();
    const provider = await providerDownUntil(start + 6 * HOUR);
    try {
      const reply = await givenQueuedReply(provider.url);
      const times = await playQueue(reply.id);
      const sent = await reply.view();
      expect(sent).toMatchObject({
        status: 'sent',
        externalId: 'p-1',
        statusReason: null,
        nextAttemptAt: null,
      });
      // The old policy (8 attempts, doubling from 5 s) had given up after about 10 minutes.
      expect(sent.attempts).toBeGreaterThan(20);
      expect(sent.attempts).toBe(provider.requests.length);
      expect(times.at(-1)! - start).toBeGreaterThanOrEqual(6 * HOUR);
      const waits = times.slice(1).map((time, index) => time - times[index]!);
      expect(waits[0]).toBeGreaterThanOrEqual(3_750);
      expect(waits[0]).toBeLessThanOrEqual(5_000);
      expect(Math.max(...waits)).toBeLessThanOrEqual(15 * MINUTE);
      // Jitter: the capped waits are not all the same.
      expect(new Set(waits.filter((wait) => wait > 10 * MINUTE)).size).toBeGreaterThan(1);
      // Once the provider is back, the reply goes out within one capped wait.
      expect(times.at(-1)! - (start + 6 * HOUR)).toBeLessThanOrEqual(15 * MINUTE);
    } finally {
      await provider.stop();
    }
  }, 180_000);

  it('gives up when the 24-hour horizon ends, and says after how many attempts', async () => {
    const provider = await providerDownUntil(Date.now() + 48 * HOUR);
    try {
      const reply = await givenQueuedReply(provider.url);
      const times = await playQueue(reply.id);
      const failed = await reply.view();
      expect(failed.status).toBe('failed');
      expect(failed.attempts).toBe(provider.requests.length);
      expect(failed.statusReason).toBe(
        `Webhook answered 503 Service Unavailable (gave up after ${failed.attempts} attempts in 24 h)`,
      );
      // The last attempt is made when the horizon ends, not a wait earlier or later.
      expect(times.at(-1)! - reply.createdAt).toBe(24 * HOUR);
    } finally {
      await provider.stop();
    }
  }, 180_000);

  it('"send now" moves the next attempt to now; the job it overtook does nothing', async () => {
    const provider = await providerDownUntil(Date.now() + HOUR);
    try {
      const reply = await givenQueuedReply(provider.url);
      const first = await messageRow(reply.id);
      await delivery.deliver(await jobFor(reply.id, new Date(first.nextAttemptAt!).toISOString()));
      const waiting = await reply.view();
      expect(waiting).toMatchObject({ status: 'queued', attempts: 1 });
      const overtaken = await jobFor(reply.id, waiting.nextAttemptAt);

      clock = new Date(clock.getTime() + HOUR); // the provider is back; the reply would wait for its slot
      const response = await tenant.api.post(
        `/api/v1/conversations/${(await reply.view()).conversationId}/messages/${reply.id}/send-now`,
      );
      expect(response.status).toBe(200);
      expect(response.body.nextAttemptAt).not.toBe(waiting.nextAttemptAt);

      await delivery.deliver(overtaken);
      expect(provider.requests).toHaveLength(1);
      expect((await messageRow(reply.id)).attempts).toBe(1);

      await delivery.deliver(await jobFor(reply.id, response.body.nextAttemptAt));
      expect(await reply.view()).toMatchObject({ status: 'sent', attempts: 2 });
      expect(provider.requests).toHaveLength(2);
    } finally {
      await provider.stop();
    }
  }, 120_000);
});
