import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, givenApiChannel, receiveApiMessage } from '../../../test/support/factories.ts';
import { RealtimeClient } from '../../../test/support/realtime-client.ts';
import { startTestApp, type TestApp, testDatabases } from '../../../test/support/test-app.ts';
import { PROCESS_DOMAIN_EVENT } from './event-processors.ts';
import { OutboxRetention } from './outbox-retention.ts';

describe.each(testDatabases())('outbox retention on %s', (kind) => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp(kind);
  });
  afterAll(() => app?.stop());

  const database = () => app.unisono.platform.database;
  const insertEvent = async (ageDays: number): Promise<number> => {
    const { rows } = await database().executeSql(
      `insert into domain_events (tenant_id, type, entity_type, entity_id, payload, created_at)
       values ($1, 'test.event', 'test', $2, '{}', now() - make_interval(days => $3)) returning id`,
      [randomUUID(), randomUUID(), ageDays],
    );
    return Number(rows[0].id);
  };
  const keptIds = async (ids: number[]) => {
    const { rows } = await database().executeSql(
      'select id from domain_events where id = any($1) order by id',
      [ids],
    );
    return rows.map((row) => Number(row.id));
  };

  it('deletes old events, never one a processor job has not finished, and tells a resuming client to refetch', async () => {
    // Everything so far is old too, so the oldest kept event is the one a resuming client is compared with.
    await database().executeSql("update domain_events set created_at = now() - interval '400 days'");
    const [first, waiting, after] = [await insertEvent(40), await insertEvent(40), await insertEvent(40)];
    const recent = await insertEvent(1);
    // A processor job for `waiting`, due tomorrow: the event must outlive it, and so must every later one.
    await app.unisono.platform.jobs.send(
      database(),
      PROCESS_DOMAIN_EVENT,
      { processor: 'probe', eventId: waiting, tenantId: randomUUID() },
      { startAfterSeconds: 86_400 },
    );
    const retention = new OutboxRetention(database(), app.unisono.platform.logger, 30);

    expect(await retention.prune()).toBeGreaterThanOrEqual(1);
    expect(await keptIds([first!, waiting!, after!, recent])).toEqual([waiting, after, recent]);

    await database().executeSql(`delete from pgboss.job where name = $1 and data ->> 'eventId' = $2`, [
      PROCESS_DOMAIN_EVENT,
      String(waiting),
    ]);
    expect(await retention.prune()).toBe(2);
    expect(await keptIds([first!, waiting!, after!, recent])).toEqual([recent]);
    expect(await new OutboxRetention(database(), app.unisono.platform.logger, 0).prune()).toBe(0);

    const tenant = await createTenant(app);
    const stale = await RealtimeClient.connect(app.url, tenant.admin.token, `?lastEventId=${first}`);
    const resync = await stale.waitFor((frame) => frame.type === 'resync');
    expect(resync.data.reason).toContain('pruned');
    const current = await RealtimeClient.connect(app.url, tenant.admin.token, `?lastEventId=${recent}`);
    // A client that is up to date resumes normally: live events wait for the replay, so once one arrives the
    // replay is over, and it did not ask for a refetch.
    const inbound = await receiveApiMessage(app, await givenApiChannel(tenant));
    await current.waitFor(
      (frame) => frame.type === 'message.created' && frame.data.conversationId === inbound.conversationId,
    );
    expect(current.frames.some((frame) => frame.type === 'resync')).toBe(false);
    stale.close();
    current.close();
  });
});
