import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Client,
  createTenant,
  type GivenTenant,
  givenAgent,
  givenApiChannel,
  receiveApiMessage,
  unique,
} from '../../../test/support/factories.ts';
import { type Frame, RealtimeClient } from '../../../test/support/realtime-client.ts';
import { startTestApp, type TestApp, testDatabases } from '../../../test/support/test-app.ts';

const tokenOf = (member: { api: Client }) => (member.api as any).auth.token as string;

describe.each(testDatabases())('realtime access follows revocation on %s', (kind) => {
  let app: TestApp;
  let tenant: GivenTenant;

  beforeAll(async () => {
    app = await startTestApp(kind);
    tenant = await createTenant(app);
  });
  afterAll(() => app?.stop());

  const aboutConversation = (conversationId: string) => (frame: Frame) =>
    frame.id !== undefined &&
    (frame.data?.conversationId === conversationId || frame.data?.id === conversationId);

  it('closes the socket of a revoked API token', async () => {
    const created = await tenant.api.post('/api/v1/tokens', { name: unique('socket') });
    const socket = await RealtimeClient.connect(app.url, created.body.token);
    expect((await tenant.api.delete(`/api/v1/tokens/${created.body.id}`)).status).toBe(204);
    expect(await socket.closed).toMatchObject({ code: 4401 });
  });

  it('closes the socket of a session that signs out, and leaves the same person’s other sockets open', async () => {
    const agent = await givenAgent(app, tenant);
    const login = await new Client(app.url).post('/api/v1/auth/login', {
      email: agent.email,
      password: agent.password,
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const viaSession = await RealtimeClient.connectWith(app.url, { cookie });
    const viaToken = await RealtimeClient.connect(app.url, tokenOf(agent));
    const session = new Client(app.url, { cookie, csrf: login.body.csrfToken });
    expect((await session.post('/api/v1/auth/logout')).status).toBe(204);
    expect(await viaSession.closed).toMatchObject({ code: 4401 });
    // The token's socket re-checked too and stayed: it still gets events.
    const channel = await givenApiChannel(tenant);
    const inbound = await receiveApiMessage(app, channel);
    await viaToken.waitFor(aboutConversation(inbound.conversationId));
    viaToken.close();
  });

  it('closes the sockets of a member who is removed from the tenant', async () => {
    const agent = await givenAgent(app, tenant);
    const socket = await RealtimeClient.connect(app.url, tokenOf(agent));
    expect((await tenant.api.delete(`/api/v1/users/${agent.id}`)).status).toBe(204);
    expect(await socket.closed).toMatchObject({ code: 4401 });
  });

  it('narrows an open socket at once when a supervisor becomes an agent outside the team', async () => {
    const member = await givenAgent(app, tenant, 'supervisor');
    const team = await tenant.api.post('/api/v1/teams', { name: unique('Vault') });
    const channel = await givenApiChannel(tenant);
    const hidden = await receiveApiMessage(app, channel);
    await tenant.api.patch(`/api/v1/conversations/${hidden.conversationId}`, { teamId: team.body.id });
    const socket = await RealtimeClient.connect(app.url, tokenOf(member));

    expect((await tenant.api.patch(`/api/v1/users/${member.id}`, { role: 'agent' })).status).toBe(200);
    await socket.waitFor((frame) => frame.type === 'resync');
    await tenant.api.post(`/api/v1/conversations/${hidden.conversationId}/notes`, { text: 'after demotion' });
    const visible = await receiveApiMessage(app, channel);
    await socket.waitFor(aboutConversation(visible.conversationId));
    expect(socket.frames.filter((frame) => frame.data?.text === 'after demotion')).toEqual([]);
    socket.close();
  });

  it('stops pushing a team’s conversations to an agent taken off the team', async () => {
    const agent = await givenAgent(app, tenant);
    const team = await tenant.api.post('/api/v1/teams', { name: unique('Billing'), memberIds: [agent.id] });
    const channel = await givenApiChannel(tenant);
    const teamConversation = await receiveApiMessage(app, channel);
    await tenant.api.patch(`/api/v1/conversations/${teamConversation.conversationId}`, {
      teamId: team.body.id,
    });
    const socket = await RealtimeClient.connect(app.url, tokenOf(agent));
    await tenant.api.post(`/api/v1/conversations/${teamConversation.conversationId}/notes`, {
      text: 'still in',
    });
    await socket.waitFor((frame) => frame.data?.text === 'still in');

    await tenant.api.request('PUT', `/api/v1/teams/${team.body.id}`, { name: team.body.name, memberIds: [] });
    await socket.waitFor((frame) => frame.type === 'resync');
    await tenant.api.post(`/api/v1/conversations/${teamConversation.conversationId}/notes`, {
      text: 'left out',
    });
    const visible = await receiveApiMessage(app, channel);
    await socket.waitFor(aboutConversation(visible.conversationId));
    expect(socket.frames.filter((frame) => frame.data?.text === 'left out')).toEqual([]);
    socket.close();
  });

  it('never replays events of a conversation the agent can no longer see', async () => {
    const own = await createTenant(app);
    const agent = await givenAgent(app, own);
    const billing = await own.api.post('/api/v1/teams', { name: unique('Billing'), memberIds: [agent.id] });
    const legal = await own.api.post('/api/v1/teams', { name: unique('Legal') });
    const channel = await givenApiChannel(own);
    const moved = await receiveApiMessage(app, channel);
    await own.api.patch(`/api/v1/conversations/${moved.conversationId}`, { teamId: billing.body.id });
    await own.api.post(`/api/v1/conversations/${moved.conversationId}/notes`, { text: 'billing only' });
    // Now the conversation belongs to a team the agent is not in; its earlier events named Billing.
    await own.api.patch(`/api/v1/conversations/${moved.conversationId}`, { teamId: legal.body.id });
    const control = await receiveApiMessage(app, channel);

    const resumed = await RealtimeClient.connect(app.url, tokenOf(agent), '?lastEventId=0');
    await resumed.waitFor(aboutConversation(control.conversationId));
    expect(resumed.frames.filter(aboutConversation(moved.conversationId))).toEqual([]);
    resumed.close();
  });

  it('answers a flood of frames with rate_limited and keeps serving others', async () => {
    const agent = await givenAgent(app, tenant);
    const flooding = await RealtimeClient.connect(app.url, tokenOf(agent));
    for (let index = 0; index < 60; index++) flooding.send({ type: 'resume', lastEventId: 0 });
    for (let index = 0; index < 60; index++) flooding.send({ type: 'ping' });
    await flooding.waitFor((frame) => frame.type === 'error' && frame.data.code === 'rate_limited');
    const answered = () => flooding.frames.filter((frame) => frame.type === 'pong' || frame.type === 'error');
    await expect.poll(() => answered().length, { timeout: 30_000 }).toBeGreaterThanOrEqual(100);
    expect(flooding.frames.filter((frame) => frame.type === 'pong').length).toBeLessThan(60);

    const other = await RealtimeClient.connect(app.url, tenant.admin.token);
    other.send({ type: 'ping' });
    await other.waitFor((frame) => frame.type === 'pong');
    expect((await agent.api.get('/api/v1/me')).status).toBe(200);
    other.close();
    flooding.close();
  });
});
