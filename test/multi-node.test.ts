import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTenant,
  eventually,
  type GivenTenant,
  givenApiChannel,
  receiveApiMessage,
  unique,
} from './support/factories.ts';
import { FakeReceiver } from './support/fake-receiver.ts';
import { RealtimeClient } from './support/realtime-client.ts';
import { startTestApp, type TestApp } from './support/test-app.ts';

// Two nodes against one PostgreSQL: realtime fans out over LISTEN/NOTIFY, jobs over pg-boss.
describe.runIf(process.env.DATABASE_URL)('two nodes on one PostgreSQL', () => {
  let nodeA: TestApp;
  let nodeB: TestApp;
  let tenant: GivenTenant;
  const receiver = new FakeReceiver();

  beforeAll(async () => {
    await receiver.start();
    nodeA = await startTestApp('postgres', { ROLES: 'web' });
    nodeB = await startTestApp('postgres', { ROLES: 'web,worker' });
    tenant = await createTenant(nodeA);
  });
  afterAll(async () => {
    await nodeA?.stop();
    await nodeB?.stop();
    await receiver.stop();
  });

  it('pushes a message accepted by node A to an agent connected to node B', async () => {
    const agentOnB = await RealtimeClient.connect(nodeB.url, tenant.admin.token);
    const channel = await givenApiChannel(tenant, { webhookUrl: receiver.url });
    const externalId = unique('ext');
    const inbound = await receiveApiMessage(nodeA, channel, { id: externalId, text: 'Über Knoten A' });
    const frame = await agentOnB.waitFor(
      (candidate) => candidate.type === 'message.created' && candidate.data.externalId === externalId,
    );
    expect(frame.data.conversationId).toBe(inbound.conversationId);

    // Node A has no worker role: node B's worker delivers the reply A accepted.
    const reply = await tenant.api.post(`/api/v1/conversations/${inbound.conversationId}/replies`, {
      text: 'Antwort',
    });
    await eventually(
      async () => receiver.requests.find((request) => request.json?.id === reply.body.id),
      15_000,
      'delivery',
    );
    await agentOnB.waitFor(
      (candidate) =>
        candidate.type === 'message.updated' &&
        candidate.data.id === reply.body.id &&
        candidate.data.status === 'sent',
      10_000,
    );
    agentOnB.close();
  });
});
