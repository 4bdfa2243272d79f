import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, givenApiChannel, receiveApiMessage, unique } from '../../../test/support/factories.ts';
import { type FakeCrm, givenCrm as givenCrmFor } from '../../../test/support/fake-crm.ts';
import { startTestApp, type TestApp, testDatabases } from '../../../test/support/test-app.ts';

/** Summaries of resolved conversations written back to the CRM: once per resolution, retried, visible. */
describe.each(testDatabases())('CRM write-back on %s', (kind) => {
  let app: TestApp;
  const fakes: FakeCrm[] = [];

  beforeAll(async () => {
    app = await startTestApp(kind);
  });
  afterAll(async () => {
    await app?.stop();
    await Promise.all(fakes.map((fake) => fake.server.stop()));
  });

  const givenCrm = (settings: Record<string, unknown> = {}) => givenCrmFor(app, fakes, settings);

  it('writes a summary back once per resolution, retrying after a 503', async () => {
    const { tenant, crm } = await givenCrm();
    crm.activity = (_request, index) =>
      index === 0 ? { status: 503, body: { error: 'busy' } } : { status: 200, body: {} };
    const channel = await givenApiChannel(tenant);
    const email = `${unique('kunde')}@example.de`;
    const inbound = await receiveApiMessage(app, channel, {
      from: { kind: 'email', value: email, name: 'Kunde' },
      subject: 'Bestellung 4711',
      text: 'Wo ist meine Bestellung?',
    });
    const conversation = `/api/v1/conversations/${inbound.conversationId}`;
    await tenant.api.post(`${conversation}/replies`, { text: 'Ihr Paket ist unterwegs.' });
    await tenant.api.post(`${conversation}/notes`, { text: 'internal only' });
    await tenant.api.patch(conversation, { labels: ['versand'], assigneeId: tenant.admin.id });
    expect((await tenant.api.patch(conversation, { status: 'resolved' })).status).toBe(200);

    const delivered = await eventually(
      async () => {
        const log = (await tenant.api.get('/api/v1/integrations/crm/activity-log')).body.items;
        return log[0]?.status === 'delivered' ? log[0] : undefined;
      },
      60_000,
      'the write-back to be delivered',
    );
    expect(delivered).toMatchObject({ conversationId: inbound.conversationId, attempts: 2, lastError: null });
    expect(delivered.history.map((attempt: any) => [attempt.outcome, attempt.statusCode])).toEqual([
      ['retryable', 503],
      ['delivered', 200],
    ]);
    expect(crm.activities).toHaveLength(2);
    expect(crm.activities[0]!.body).toBe(crm.activities[1]!.body);
    expect(crm.activities[1]!.headers['x-unisono-delivery-id']).toBe(delivered.id);
    const summary = crm.activities[1]!.json;
    expect(summary).toMatchObject({
      type: 'conversation.resolved',
      id: delivered.id,
      contact: { id: inbound.contactId, email, name: 'Kunde' },
      conversation: {
        id: inbound.conversationId,
        subject: 'Bestellung 4711',
        status: 'resolved',
        labels: ['versand'],
        channelIds: [channel.id],
        messageCount: 2,
        assignee: { id: tenant.admin.id, email: tenant.admin.email, name: 'Ada Admin' },
      },
      lastCustomerMessage: { text: 'Wo ist meine Bestellung?', channelId: channel.id },
      lastAgentReply: {
        text: 'Ihr Paket ist unterwegs.',
        author: { id: tenant.admin.id, name: 'Ada Admin' },
      },
    });
    expect(summary.conversation.firstMessageAt <= summary.conversation.lastMessageAt).toBe(true);

    // Still resolved: later changes post nothing; a new resolution posts again.
    await tenant.api.patch(conversation, { labels: ['versand', 'erledigt'] });
    await tenant.api.patch(conversation, { status: 'closed' });
    await tenant.api.patch(conversation, { status: 'open' });
    await tenant.api.patch(conversation, { status: 'resolved' });
    // Events are handled in order: had the label change or the closing posted, it would come before this one.
    await eventually(
      async () => crm.activities.some((activity) => activity.json.conversation.labels.includes('erledigt')),
      30_000,
      'the second resolution',
    );
    expect(crm.activities).toHaveLength(3);
    expect(crm.activities[2]!.json.conversation).toMatchObject({
      status: 'resolved',
      labels: ['versand', 'erledigt'],
    });
    const log = (await tenant.api.get('/api/v1/integrations/crm/activity-log')).body.items;
    expect(log).toHaveLength(2);
  });

  it('records a permanent 4xx as failed, visible in the log, and sends it again on request', async () => {
    const { tenant, crm } = await givenCrm();
    crm.activity = () => ({ status: 422, body: { error: 'unknown customer' } });
    const channel = await givenApiChannel(tenant);
    const inbound = await receiveApiMessage(app, channel);
    await tenant.api.patch(`/api/v1/conversations/${inbound.conversationId}`, { status: 'resolved' });
    const failed = await eventually(
      async () => {
        const log = (await tenant.api.get('/api/v1/integrations/crm/activity-log?status=failed')).body.items;
        return log[0];
      },
      60_000,
      'the write-back to fail',
    );
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
    expect(failed.lastError).toContain('CRM answered 422');
    expect(crm.activities).toHaveLength(1);

    crm.activity = () => ({ status: 201, body: {} });
    const retried = await tenant.api.post(`/api/v1/integrations/crm/activity-log/${failed.id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body.status).toBe('pending');
    await eventually(
      async () =>
        (await tenant.api.get('/api/v1/integrations/crm/activity-log')).body.items[0].status === 'delivered',
      60_000,
      'the retried write-back',
    );
    // A failed write-back is never retried on its own: the CRM saw the first try and the one asked for.
    expect(crm.activities).toHaveLength(2);
    const again = await tenant.api.post(`/api/v1/integrations/crm/activity-log/${failed.id}/retry`);
    expect(again.status).toBe(409);
  });
});
