import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTenant,
  type GivenTenant,
  givenAgent,
  givenApiChannel,
  receiveApiMessage,
  unique,
} from '../../../test/support/factories.ts';
import { RealtimeClient } from '../../../test/support/realtime-client.ts';
import { startTestApp, type TestApp, testDatabases } from '../../../test/support/test-app.ts';
import { recordEvents } from '../../platform/events/domain-events.ts';

describe.each(testDatabases())('realtime on %s', (kind) => {
  let app: TestApp;
  let tenant: GivenTenant;

  beforeAll(async () => {
    app = await startTestApp(kind);
    tenant = await createTenant(app);
  });
  afterAll(() => app?.stop());

  it('pushes new conversations, messages and status changes to agents of the tenant', async () => {
    const agent = await RealtimeClient.connect(app.url, tenant.admin.token);
    const channel = await givenApiChannel(tenant);
    const externalId = unique('ext');
    const inbound = await receiveApiMessage(app, channel, { id: externalId, text: 'Live?' });

    const created = await agent.waitFor(
      (frame) => frame.type === 'conversation.created' && frame.data.id === inbound.conversationId,
    );
    expect(created.data).toMatchObject({ status: 'open', lastMessagePreview: 'Live?' });
    const message = await agent.waitFor(
      (frame) => frame.type === 'message.created' && frame.data.externalId === externalId,
    );
    const rest = await tenant.api.get(`/api/v1/conversations/${inbound.conversationId}/messages`);
    expect(message.data).toEqual(rest.body.items[0]);

    await tenant.api.patch(`/api/v1/conversations/${inbound.conversationId}`, { status: 'pending' });
    await agent.waitFor((frame) => frame.type === 'conversation.updated' && frame.data.status === 'pending');
    agent.close();
  });

  it('replays missed events after a reconnect with the last event id', async () => {
    const channel = await givenApiChannel(tenant);
    const first = await RealtimeClient.connect(app.url, tenant.admin.token);
    const seen = await receiveApiMessage(app, channel, { text: 'before disconnect' });
    const lastSeen = await first.waitFor(
      (frame) => frame.type === 'message.created' && frame.data.id === seen.messageId,
    );
    first.close();

    const missed = await receiveApiMessage(app, channel, { text: 'while offline' });
    const resumed = await RealtimeClient.connect(app.url, tenant.admin.token, `?lastEventId=${lastSeen.id}`);
    const replayed = await resumed.waitFor(
      (frame) => frame.type === 'message.created' && frame.data.id === missed.messageId,
    );
    expect(replayed.id).toBeGreaterThan(lastSeen.id!);
    const ids = resumed.frames.filter((frame) => frame.id !== undefined).map((frame) => frame.id);
    expect(new Set(ids).size).toBe(ids.length);
    resumed.close();
  });

  it.runIf(kind === 'postgres')('delivers an event whose transaction commits after a later one', async () => {
    const agent = await RealtimeClient.connect(app.url, tenant.admin.token);
    const { database, bus } = app.unisono.platform;
    const event = (label: string) => ({
      tenantId: tenant.id,
      type: 'test.event',
      entityType: 'test',
      entityId: '01900000-0000-7000-8000-000000000001',
      payload: { label },
    });
    let releaseEarly!: () => void;
    let earlyRecorded!: () => void;
    const recorded = new Promise<void>((resolve) => {
      earlyRecorded = resolve;
    });
    const early = database.transaction(async (tx) => {
      await recordEvents(tx, bus, [event('early')]);
      earlyRecorded();
      await new Promise<void>((resolve) => {
        releaseEarly = resolve;
      });
    });
    await recorded;
    await database.transaction((tx) => recordEvents(tx, bus, [event('late')]));
    await agent.waitFor((frame) => frame.data?.label === 'late');
    releaseEarly();
    await early;
    const earlyFrame = await agent.waitFor((frame) => frame.data?.label === 'early');
    const lateFrame = agent.frames.find((frame) => frame.data?.label === 'late')!;
    expect(earlyFrame.id).toBeLessThan(lateFrame.id!);
    agent.close();
  });

  it('only shows agents the conversations of their teams', async () => {
    const outsider = await givenAgent(app, tenant);
    const insider = await givenAgent(app, tenant);
    const team = await tenant.api.post('/api/v1/teams', { name: unique('Billing'), memberIds: [insider.id] });
    const channel = await givenApiChannel(tenant);
    const inbound = await receiveApiMessage(app, channel);
    await tenant.api.patch(`/api/v1/conversations/${inbound.conversationId}`, { teamId: team.body.id });

    const outsiderSocket = await RealtimeClient.connect(app.url, (outsider.api as any).auth.token);
    const insiderSocket = await RealtimeClient.connect(app.url, (insider.api as any).auth.token);
    await tenant.api.post(`/api/v1/conversations/${inbound.conversationId}/notes`, {
      text: 'Nur für Billing',
    });
    await insiderSocket.waitFor(
      (frame) => frame.type === 'message.created' && frame.data.text === 'Nur für Billing',
    );
    // Events reach every socket in order: once the outsider has a later, visible one, a leak would be there.
    const visible = await receiveApiMessage(app, channel);
    await outsiderSocket.waitFor(
      (frame) => frame.type === 'message.created' && frame.data.conversationId === visible.conversationId,
    );
    expect(outsiderSocket.frames.some((frame) => frame.data?.conversationId === inbound.conversationId)).toBe(
      false,
    );
    expect((await outsider.api.get(`/api/v1/conversations/${inbound.conversationId}`)).status).toBe(404);
    expect((await insider.api.get(`/api/v1/conversations/${inbound.conversationId}`)).status).toBe(200);
    outsiderSocket.close();
    insiderSocket.close();
  });

  it('refuses an unauthenticated WebSocket', async () => {
    await expect(RealtimeClient.connect(app.url, 'uni_not-a-token')).rejects.toThrow('HTTP 401');
  });
});
