import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTenant,
  type GivenTenant,
  givenAgent,
  givenApiChannel,
  receiveApiMessage,
  unique,
} from '../../../test/support/factories.ts';
import { startTestApp, type TestApp, testDatabases } from '../../../test/support/test-app.ts';

describe.each(testDatabases())('inbox on %s', (kind) => {
  let app: TestApp;
  let tenant: GivenTenant;

  beforeAll(async () => {
    app = await startTestApp(kind);
    tenant = await createTenant(app);
  });
  afterAll(() => app?.stop());

  it('counts conversations per view, channel, status, label and priority', async () => {
    const channel = await givenApiChannel(tenant);
    const first = await receiveApiMessage(app, channel, { text: 'eins' });
    const second = await receiveApiMessage(app, channel, { text: 'zwei' });
    const third = await receiveApiMessage(app, channel, { text: 'drei' });
    await tenant.api.patch(`/api/v1/conversations/${first.conversationId}`, {
      assigneeId: tenant.admin.id,
      labels: ['vip'],
      priority: 'urgent',
    });
    await tenant.api.patch(`/api/v1/conversations/${third.conversationId}`, { status: 'pending' });

    const counts = (await tenant.api.get('/api/v1/inbox/counts')).body;
    expect(counts.views).toEqual({ mine: 1, unassigned: 1, all: 2 });
    expect(counts.channels[channel.id]).toBe(2);
    expect(counts.statuses).toMatchObject({ open: 2, pending: 1 });
    expect(counts.labels).toEqual({ vip: 1 });
    expect(counts.priorities).toMatchObject({ urgent: 1, normal: 1 });
    expect(counts.teams).toEqual({ none: 2 });
    expect(second.conversationId).toBeTruthy();
  });

  it('keeps saved views per user and counts them', async () => {
    const label = unique('refund');
    const view = await tenant.api.post('/api/v1/inbox/views', {
      name: 'Refunds',
      filters: { label, status: ['open', 'pending'] },
    });
    expect(view.status).toBe(201);
    const channel = await givenApiChannel(tenant);
    const inbound = await receiveApiMessage(app, channel);
    await tenant.api.patch(`/api/v1/conversations/${inbound.conversationId}`, {
      labels: [label],
      status: 'pending',
    });
    const counts = (await tenant.api.get('/api/v1/inbox/counts')).body;
    expect(counts.savedViews[view.body.id]).toBe(1);

    const agent = await givenAgent(app, tenant);
    expect((await agent.api.get('/api/v1/inbox/views')).body.items).toEqual([]);
    expect((await agent.api.delete(`/api/v1/inbox/views/${view.body.id}`)).status).toBe(404);
    const renamed = await tenant.api.patch(`/api/v1/inbox/views/${view.body.id}`, { name: 'Erstattungen' });
    expect(renamed.body).toMatchObject({ name: 'Erstattungen', filters: { label } });
    expect((await tenant.api.post('/api/v1/inbox/views', { name: 'x', filters: { bogus: 1 } })).status).toBe(
      400,
    );
    expect((await tenant.api.delete(`/api/v1/inbox/views/${view.body.id}`)).status).toBe(204);
  });

  it('finds conversations by customer, identity, text and number, only within what the agent may see', async () => {
    const channel = await givenApiChannel(tenant);
    const email = `${unique('zoe')}@example.org`;
    const inbound = await receiveApiMessage(app, channel, {
      from: { kind: 'email', value: email, name: 'Zoë Quintero' },
      text: 'Die Lieferung 98765 fehlt',
    });
    const number = (await tenant.api.get(`/api/v1/conversations/${inbound.conversationId}`)).body.number;
    for (const q of ['quintero', email.toUpperCase(), '98765', `#${number}`]) {
      const found = await tenant.api.get(`/api/v1/inbox/search?q=${encodeURIComponent(q)}`);
      expect(
        found.body.items.map((item: { id: string }) => item.id),
        q,
      ).toContain(inbound.conversationId);
    }
    const team = await tenant.api.post('/api/v1/teams', { name: unique('Closed team') });
    await tenant.api.patch(`/api/v1/conversations/${inbound.conversationId}`, { teamId: team.body.id });
    const outsider = await givenAgent(app, tenant);
    expect((await outsider.api.get('/api/v1/inbox/search?q=quintero')).body.items).toEqual([]);
    const other = await createTenant(app);
    expect((await other.api.get('/api/v1/inbox/search?q=quintero')).body.items).toEqual([]);
  });

  it('tells which identity kinds each channel kind reaches', async () => {
    const kinds = (await tenant.api.get('/api/v1/inbox/channel-kinds')).body.items;
    expect(kinds).toContainEqual(expect.objectContaining({ kind: 'api', reachableIdentityKinds: 'any' }));
  });
});
