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
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';

describe('realtime presence', () => {
  let app: TestApp;
  let tenant: GivenTenant;

  beforeAll(async () => {
    app = await startTestApp('pglite');
    tenant = await createTenant(app);
  });
  afterAll(() => app?.stop());

  it('tells colleagues who is viewing and typing, and when they leave', async () => {
    const channel = await givenApiChannel(tenant);
    const inbound = await receiveApiMessage(app, channel);
    const colleague = await givenAgent(app, tenant);
    const ada = await RealtimeClient.connect(app.url, tenant.admin.token);
    const bob = await RealtimeClient.connect(app.url, (colleague.api as any).auth.token);
    const conversationId = inbound.conversationId;

    ada.send({ type: 'presence', conversationId, state: 'viewing' });
    await bob.waitFor(
      (frame) =>
        frame.type === 'presence' && frame.data.userId === tenant.admin.id && frame.data.state === 'viewing',
    );
    bob.send({ type: 'presence', conversationId, state: 'viewing' });
    // A newcomer learns who is already there; the one already there learns about the newcomer.
    await ada.waitFor((frame) => frame.type === 'presence' && frame.data.userId === colleague.id);
    bob.send({ type: 'presence', conversationId, state: 'typing' });
    await ada.waitFor((frame) => frame.type === 'presence' && frame.data.state === 'typing');
    bob.close();
    await ada.waitFor(
      (frame) =>
        frame.type === 'presence' && frame.data.userId === colleague.id && frame.data.state === 'left',
    );
    expect(
      ada.frames.filter((frame) => frame.type === 'presence' && frame.data.userId === tenant.admin.id),
    ).toEqual([]);
    ada.close();
  });

  it('tells nobody outside the conversation audience or tenant', async () => {
    const channel = await givenApiChannel(tenant);
    const inbound = await receiveApiMessage(app, channel);
    const team = await tenant.api.post('/api/v1/teams', { name: unique('Private') });
    await tenant.api.patch(`/api/v1/conversations/${inbound.conversationId}`, { teamId: team.body.id });
    const outsider = await givenAgent(app, tenant);
    const other = await createTenant(app);
    const outsiderSocket = await RealtimeClient.connect(app.url, (outsider.api as any).auth.token);
    const otherSocket = await RealtimeClient.connect(app.url, other.admin.token);
    const ada = await RealtimeClient.connect(app.url, tenant.admin.token);

    ada.send({ type: 'presence', conversationId: inbound.conversationId, state: 'viewing' });
    outsiderSocket.send({ type: 'presence', conversationId: inbound.conversationId, state: 'viewing' });
    await outsiderSocket.waitFor((frame) => frame.type === 'error' && frame.data.code === 'not_found');
    otherSocket.send({ type: 'presence', conversationId: inbound.conversationId, state: 'viewing' });
    await otherSocket.waitFor((frame) => frame.type === 'error' && frame.data.code === 'not_found');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(outsiderSocket.frames.some((frame) => frame.type === 'presence')).toBe(false);
    expect(otherSocket.frames.some((frame) => frame.type === 'presence')).toBe(false);
    expect(ada.frames.some((frame) => frame.type === 'presence')).toBe(false);
    for (const socket of [ada, outsiderSocket, otherSocket]) socket.close();
  });
});
