import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTenant,
  type GivenTenant,
  givenApiChannel,
  receiveApiMessage,
  unique,
} from './support/factories.ts';
import { RealtimeClient } from './support/realtime-client.ts';
import { startTestApp, type TestApp, testDatabases } from './support/test-app.ts';

describe.each(testDatabases())('tenant isolation on %s', (kind) => {
  let app: TestApp;
  let tenantA: GivenTenant;
  let tenantB: GivenTenant;
  const b: Record<string, string> = {};

  beforeAll(async () => {
    app = await startTestApp(kind);
    tenantA = await createTenant(app);
    tenantB = await createTenant(app);
    const channel = await givenApiChannel(tenantB);
    const inbound = await receiveApiMessage(app, channel, {
      attachments: [
        { filename: 'b.txt', contentType: 'text/plain', data: Buffer.from('secret of B').toString('base64') },
      ],
    });
    const messages = await tenantB.api.get(`/api/v1/conversations/${inbound.conversationId}/messages`);
    const team = await tenantB.api.post('/api/v1/teams', { name: unique('B team') });
    const tokens = await tenantB.api.get('/api/v1/tokens');
    const contact = await tenantB.api.get(`/api/v1/contacts/${inbound.contactId}`);
    Object.assign(b, {
      channel: channel.id,
      conversation: inbound.conversationId,
      contact: inbound.contactId,
      message: inbound.messageId,
      attachment: messages.body.items[0].attachments[0].id,
      identity: contact.body.identities[0].id,
      team: team.body.id,
      user: tenantB.admin.id,
      token: tokens.body.items[0].id,
    });
  });
  afterAll(() => app?.stop());

  it("answers 404 for every one of the other tenant's resources", async () => {
    const attempts: [string, string, unknown?][] = [
      ['GET', `/api/v1/conversations/${b.conversation}`],
      ['PATCH', `/api/v1/conversations/${b.conversation}`, { status: 'resolved' }],
      ['GET', `/api/v1/conversations/${b.conversation}/messages`],
      ['POST', `/api/v1/conversations/${b.conversation}/replies`, { text: 'hijack' }],
      ['POST', `/api/v1/conversations/${b.conversation}/notes`, { text: 'hijack' }],
      ['POST', `/api/v1/conversations/${b.conversation}/messages/${b.message}/retry`],
      ['GET', `/api/v1/attachments/${b.attachment}`],
      ['GET', `/api/v1/contacts/${b.contact}`],
      ['PATCH', `/api/v1/contacts/${b.contact}`, { name: 'hijack' }],
      ['DELETE', `/api/v1/contacts/${b.contact}`],
      ['POST', `/api/v1/contacts/${b.contact}/identities`, { kind: 'email', value: 'x@example.org' }],
      ['DELETE', `/api/v1/contacts/${b.contact}/identities/${b.identity}`],
      ['GET', `/api/v1/channels/${b.channel}`],
      ['PATCH', `/api/v1/channels/${b.channel}`, { name: 'hijack' }],
      ['GET', `/api/v1/teams/${b.team}`],
      ['PUT', `/api/v1/teams/${b.team}`, { name: 'hijack' }],
      ['DELETE', `/api/v1/teams/${b.team}`],
      ['GET', `/api/v1/users/${b.user}`],
      ['PATCH', `/api/v1/users/${b.user}`, { name: 'hijack' }],
      ['DELETE', `/api/v1/users/${b.user}`],
      ['DELETE', `/api/v1/tokens/${b.token}`],
    ];
    const leaks: string[] = [];
    for (const [method, path, body] of attempts) {
      const response = await tenantA.api.request(method, path, body);
      if (response.status !== 404) leaks.push(`${method} ${path} → ${response.status}`);
    }
    expect(leaks).toEqual([]);
  });

  it("refuses to link the other tenant's users, teams and channels", async () => {
    const channel = await givenApiChannel(tenantA);
    const own = await receiveApiMessage(app, channel);
    const path = `/api/v1/conversations/${own.conversationId}`;
    expect((await tenantA.api.patch(path, { assigneeId: b.user })).status).toBe(404);
    expect((await tenantA.api.patch(path, { teamId: b.team })).status).toBe(404);
    expect((await tenantA.api.patch(path, { preferredChannelId: b.channel })).status).toBe(404);
    expect((await tenantA.api.post(`${path}/replies`, { text: 'x', channelId: b.channel })).status).toBe(404);
    expect((await tenantA.api.post('/api/v1/teams', { name: unique('t'), memberIds: [b.user] })).status).toBe(
      400,
    );
    expect(
      (await tenantA.api.post('/api/v1/contacts', { name: 'x', preferredChannelId: b.channel })).status,
    ).toBe(404);
  });

  it("never lists the other tenant's data", async () => {
    const lists = [
      '/api/v1/conversations',
      '/api/v1/contacts',
      '/api/v1/channels',
      '/api/v1/users',
      '/api/v1/teams',
      '/api/v1/tokens',
    ];
    for (const path of lists) {
      const response = await tenantA.api.get(path);
      expect(response.status).toBe(200);
      const ids = response.body.items.map((item: { id: string }) => item.id);
      expect(ids).not.toContain(b.conversation);
      expect(ids).not.toContain(b.contact);
      expect(ids).not.toContain(b.channel);
      expect(ids).not.toContain(b.user);
      expect(ids).not.toContain(b.team);
      expect(ids).not.toContain(b.token);
    }
    const audit = await tenantA.api.get('/api/v1/audit?limit=500');
    const auditedIds = audit.body.items.map((entry: { entityId: string }) => entry.entityId);
    for (const id of Object.values(b)) expect(auditedIds).not.toContain(id);
    expect((await tenantA.api.get(`/api/v1/audit?entityId=${b.team}`)).body.items).toEqual([]);
    const filtered = await tenantA.api.get(`/api/v1/conversations?channel=${b.channel}`);
    expect(filtered.body.items).toEqual([]);
    const searched = await tenantA.api.get(`/api/v1/contacts?q=example`);
    expect(searched.body.items.map((item: { id: string }) => item.id)).not.toContain(b.contact);
  });

  it('pushes no realtime event of the other tenant, and replays none', async () => {
    const socketA = await RealtimeClient.connect(app.url, tenantA.admin.token, '?lastEventId=0');
    const channelB = await givenApiChannel(tenantB);
    const inbound = await receiveApiMessage(app, channelB, { text: 'Nur für B' });
    const socketB = await RealtimeClient.connect(app.url, tenantB.admin.token);
    await tenantB.api.post(`/api/v1/conversations/${inbound.conversationId}/notes`, { text: 'B intern' });
    await socketB.waitFor((frame) => frame.type === 'message.created' && frame.data.text === 'B intern');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const leaked = socketA.frames.filter(
      (frame) => frame.id !== undefined && JSON.stringify(frame.data).includes(tenantBMarker()),
    );
    expect(leaked).toEqual([]);
    expect(
      socketA.frames.some(
        (frame) => frame.data?.conversationId === b.conversation || frame.data?.id === b.conversation,
      ),
    ).toBe(false);
    socketA.close();
    socketB.close();

    function tenantBMarker() {
      return inbound.conversationId;
    }
  });

  it("a tenant's admin is not a platform admin", async () => {
    expect((await tenantA.api.get('/api/v1/tenants')).status).toBe(403);
    expect((await tenantA.api.post('/api/v1/tenants', { slug: unique('x'), name: 'x' })).status).toBe(403);
  });
});
