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

    const supervisor = await givenAgent(app, tenant, 'supervisor');
    const witness = await RealtimeClient.connect(app.url, (supervisor.api as any).auth.token);
    const conversationId = inbound.conversationId;

    // Ada's broadcast has reached the witness, so any copy for the others was written before their next frame.
    ada.send({ type: 'presence', conversationId, state: 'viewing' });
    await witness.waitFor((frame) => frame.type === 'presence' && frame.data.userId === tenant.admin.id);
    outsiderSocket.send({ type: 'presence', conversationId, state: 'viewing' });
    await outsiderSocket.waitFor((frame) => frame.type === 'error' && frame.data.code === 'not_found');
    otherSocket.send({ type: 'presence', conversationId, state: 'viewing' });
    await otherSocket.waitFor((frame) => frame.type === 'error' && frame.data.code === 'not_found');
    // The refused updates were handled before the witness spoke, so a leak to Ada would arrive first.
    witness.send({ type: 'presence', conversationId, state: 'viewing' });
    await ada.waitFor((frame) => frame.type === 'presence' && frame.data.userId === supervisor.id);
    expect(outsiderSocket.frames.some((frame) => frame.type === 'presence')).toBe(false);
    expect(otherSocket.frames.some((frame) => frame.type === 'presence')).toBe(false);
    expect(ada.frames.filter((frame) => frame.type === 'presence').map((frame) => frame.data.userId)).toEqual(
      [supervisor.id],
    );
    witness.close();
    for (const socket of [ada, outsiderSocket, otherSocket]) socket.close();
  });
});
