import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTenant,
  eventually,
  type GivenTenant,
  givenAgent,
  givenApiChannel,
  receiveApiMessage,
  unique,
} from '../../../test/support/factories.ts';
import { FakeReceiver, type ReceivedRequest, type Responder } from '../../../test/support/fake-receiver.ts';
import { startTestApp, type TestApp, testDatabases } from '../../../test/support/test-app.ts';
import { signCrmBody } from './http-crm-connector.ts';

type Answer = ReturnType<Responder>;

/** A CRM on loopback that speaks the documented contract and rejects unsigned or wrongly signed calls. */
class FakeCrm {
  secret = '';
  lookup: (request: ReceivedRequest, index: number) => Answer = () => ({
    status: 200,
    body: { found: false },
  });
  activity: (request: ReceivedRequest, index: number) => Answer = () => ({ status: 200, body: { ok: true } });
  readonly server: FakeReceiver = new FakeReceiver((request) => {
    if (request.headers['x-unisono-signature'] !== signCrmBody(this.secret, request.body))
      return { status: 401, body: { error: 'bad signature' } };
    if (request.path === '/webhook/lookup') return this.lookup(request, this.lookups.length - 1);
    if (request.path === '/webhook/activities') return this.activity(request, this.activities.length - 1);
    return { status: 404, body: {} };
  });

  get lookups(): ReceivedRequest[] {
    return this.server.requests.filter((request) => request.path === '/webhook/lookup');
  }
  get activities(): ReceivedRequest[] {
    return this.server.requests.filter((request) => request.path === '/webhook/activities');
  }
}

const ANNA = {
  found: true,
  externalId: 'CRM-4711',
  profileUrl: 'https://crm.example/customers/4711',
  attributes: { segment: 'Premium', lifetimeValue: 1234.5 },
  orders: [
    {
      id: 'A-100',
      date: '2026-11-01',
      total: 49.9,
      currency: 'EUR',
      status: 'shipped',
      url: 'https://shop/a100',
    },
    { id: 4711, status: 'open' },
  ],
};

describe.each(testDatabases())('CRM connector on %s', (kind) => {
  let app: TestApp;
  const fakes: FakeCrm[] = [];

  beforeAll(async () => {
    app = await startTestApp(kind);
  });
  afterAll(async () => {
    await app?.stop();
    await Promise.all(fakes.map((fake) => fake.server.stop()));
  });

  /** A tenant whose CRM connector points at a fresh fake CRM. */
  async function givenCrm(settings: Record<string, unknown> = {}) {
    const crm = new FakeCrm();
    fakes.push(crm);
    await crm.server.start();
    const tenant = await createTenant(app);
    const saved = await tenant.api.request('PUT', '/api/v1/integrations/crm', {
      baseUrl: crm.server.url,
      timeoutMs: 1000,
      cacheTtlSeconds: 60,
      ...settings,
    });
    if (saved.status !== 201) throw new Error(`CRM setup failed: ${JSON.stringify(saved.body)}`);
    crm.secret = saved.body.signingSecret;
    return { tenant, crm };
  }

  const givenContact = async (tenant: GivenTenant, extra: Record<string, unknown> = {}) =>
    (
      await tenant.api.post('/api/v1/contacts', {
        name: 'Anna Schmidt',
        identities: [
          { kind: 'email', value: `${unique('anna')}@example.de` },
          { kind: 'phone', value: '030 1234567' },
        ],
        ...extra,
      })
    ).body;

  const crmOf = (tenant: GivenTenant, contactId: string, refresh = false) =>
    tenant.api.get(`/api/v1/contacts/${contactId}/crm${refresh ? '?refresh=true' : ''}`);

  it('is configured by admins; the signing secret is shown once, never again, and can be rotated', async () => {
    const tenant = await createTenant(app);
    expect((await tenant.api.get('/api/v1/integrations/crm')).status).toBe(404);
    const bad = await tenant.api.request('PUT', '/api/v1/integrations/crm', { baseUrl: 'ftp://crm.example' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toContain('baseUrl');
    const created = await tenant.api.request('PUT', '/api/v1/integrations/crm', {
      baseUrl: 'https://crm.example/api/',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      baseUrl: 'https://crm.example/api',
      timeoutMs: 3000,
      cacheTtlSeconds: 900,
      enabled: true,
      writeBackEnabled: true,
    });
    expect(created.body.signingSecret).toMatch(/^[\w-]{40,}$/);
    const read = await tenant.api.get('/api/v1/integrations/crm');
    expect(read.body.signingSecret).toBeUndefined();
    expect(JSON.stringify(read.body)).not.toContain(created.body.signingSecret);

    const updated = await tenant.api.request('PUT', '/api/v1/integrations/crm', {
      baseUrl: 'https://crm.example/api',
      timeoutMs: 500,
      enabled: false,
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ timeoutMs: 500, enabled: false });
    expect(updated.body.signingSecret).toBeUndefined();
    const rotated = await tenant.api.request('PUT', '/api/v1/integrations/crm', {
      baseUrl: 'https://crm.example/api',
      rotateSecret: true,
    });
    expect(rotated.body.signingSecret).toBeDefined();
    expect(rotated.body.signingSecret).not.toBe(created.body.signingSecret);

    const agent = await givenAgent(app, tenant, 'supervisor');
    expect((await agent.api.get('/api/v1/integrations/crm')).status).toBe(403);
    expect(
      (await agent.api.request('PUT', '/api/v1/integrations/crm', { baseUrl: 'https://x.example' })).status,
    ).toBe(403);
    expect((await tenant.api.delete('/api/v1/integrations/crm')).status).toBe(204);
    expect((await tenant.api.get('/api/v1/integrations/crm')).status).toBe(404);
    const contact = await givenContact(tenant);
    expect((await crmOf(tenant, contact.id)).body).toMatchObject({
      enabled: false,
      found: false,
      orders: [],
    });
  });

  it('shows the attributes and orders the CRM finds, from a signed lookup, cached for the TTL', async () => {
    const { tenant, crm } = await givenCrm();
    crm.lookup = () => ({ status: 200, body: ANNA });
    const contact = await givenContact(tenant, { customAttributes: { crmId: 'CRM-4711' } });
    const response = await crmOf(tenant, contact.id);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      enabled: true,
      found: true,
      externalId: 'CRM-4711',
      profileUrl: 'https://crm.example/customers/4711',
      attributes: { segment: 'Premium', lifetimeValue: 1234.5 },
      stale: false,
      error: null,
    });
    expect(response.body.orders).toEqual([
      {
        id: 'A-100',
        date: '2026-11-01',
        total: 49.9,
        currency: 'EUR',
        status: 'shipped',
        url: 'https://shop/a100',
      },
      { id: '4711', date: null, total: null, currency: null, status: 'open', url: null },
    ]);
    const asked = crm.lookups.at(-1)!;
    expect(asked.json).toMatchObject({
      contactId: contact.id,
      name: 'Anna Schmidt',
      email: contact.identities[0].value,
      phone: '+49301234567',
      externalId: 'CRM-4711',
    });
    const before = crm.lookups.length;
    expect((await crmOf(tenant, contact.id)).body.found).toBe(true);
    expect(crm.lookups.length).toBe(before);
    await crmOf(tenant, contact.id, true);
    expect(crm.lookups.length).toBe(before + 1);

    const timeline = await tenant.api.get(`/api/v1/contacts/${contact.id}/timeline?types=event`);
    expect(timeline.body.items.map((item: any) => [item.kind, item.text])).toEqual(
      expect.arrayContaining([
        ['crm_order', 'Order A-100 · shipped · 49.9 EUR'],
        ['crm_order', 'Order 4711 · open'],
      ]),
    );
    expect(timeline.body.items).toHaveLength(2);
  });

  it('remembers that the CRM does not know a customer; a changed identity set asks again', async () => {
    const { tenant, crm } = await givenCrm();
    crm.lookup = () => ({ status: 200, body: { found: false } });
    const contact = await givenContact(tenant);
    await tenant.api.post(`/api/v1/contacts/${contact.id}/identities`, { kind: 'api', value: 'shop-42' });
    const view = (await crmOf(tenant, contact.id)).body;
    expect(view).toMatchObject({ enabled: true, found: false, stale: false, error: null, attributes: {} });
    expect(view.fetchedAt).not.toBeNull();
    expect(crm.lookups.at(-1)!.json.externalId).toBe('shop-42');
    const count = crm.lookups.length;
    await crmOf(tenant, contact.id);
    expect(crm.lookups.length).toBe(count);
    // A new identity changes the question: the cached answer no longer applies, and a crm id wins.
    await tenant.api.post(`/api/v1/contacts/${contact.id}/identities`, { kind: 'crm', value: 'CRM-9' });
    await crmOf(tenant, contact.id);
    expect(crm.lookups.length).toBe(count + 1);
    expect(crm.lookups.at(-1)!.json.externalId).toBe('CRM-9');
  });

  it('serves the last known data marked stale, with the error, when the CRM fails or times out', async () => {
    const { tenant, crm } = await givenCrm({ cacheTtlSeconds: 0, timeoutMs: 300 });
    crm.lookup = () => ({ status: 200, body: ANNA });
    const contact = await givenContact(tenant);
    const fresh = (await crmOf(tenant, contact.id)).body;
    expect(fresh).toMatchObject({ found: true, stale: false });

    crm.lookup = () => ({ status: 500, body: { error: 'database down' } });
    const failed = await crmOf(tenant, contact.id);
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({ found: true, stale: true, attributes: ANNA.attributes });
    // The status only: the CRM's own text ("database down") is never shown.
    expect(failed.body.error).toBe('CRM answered 500 Internal Server Error');
    expect(failed.body.fetchedAt).toBe(fresh.fetchedAt);

    crm.lookup = () => 'hang';
    const started = Date.now();
    const timedOut = await crmOf(tenant, contact.id);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(timedOut.body).toMatchObject({ found: true, stale: true, error: 'CRM timed out after 300 ms' });
    expect(timedOut.body.orders).toHaveLength(2);

    crm.lookup = () => ({ status: 200, body: { found: 'yes' } });
    const invalid = (await crmOf(tenant, contact.id)).body;
    expect(invalid).toMatchObject({ stale: true, found: true });
    expect(invalid.error).toContain('invalid lookup response');
  });

  it('never lets a hanging CRM delay ingest: the message is stored at once, the lookup times out later', async () => {
    const { tenant, crm } = await givenCrm({ timeoutMs: 2000 });
    crm.lookup = () => 'hang';
    const channel = await givenApiChannel(tenant);
    const email = `${unique('hasty')}@example.de`;
    const started = Date.now();
    const inbound = await receiveApiMessage(app, channel, { from: { kind: 'email', value: email } });
    expect(Date.now() - started).toBeLessThan(1000);
    await eventually(
      async () => crm.lookups.find((request) => request.json?.email === email),
      60_000,
      'pre-warm lookup',
    );
    const error = await eventually(
      async () => {
        const { rows } = await app.unisono.platform.database.executeSql(
          'select error from crm_lookups where tenant_id = $1 and contact_id = $2',
          [tenant.id, inbound.contactId],
        );
        return rows[0]?.error as string | undefined;
      },
      60_000,
      'the lookup timeout to be recorded',
    );
    expect(error).toBe('CRM timed out after 2000 ms');
    // The panel shows the recorded failure without waiting for the CRM again.
    const panelStarted = Date.now();
    const panel = (await crmOf(tenant, inbound.contactId)).body;
    expect(Date.now() - panelStarted).toBeLessThan(1000);
    expect(panel).toMatchObject({
      enabled: true,
      found: false,
      stale: true,
      error: 'CRM timed out after 2000 ms',
    });
  });

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

  it('refuses a CRM on a private or metadata address the allow-list does not name', async () => {
    const tenant = await createTenant(app);
    for (const baseUrl of [
      'http://169.254.169.254/latest',
      'http://[fd00:ec2::254]/',
      'http://10.0.0.1/crm',
    ]) {
      const saved = await tenant.api.request('PUT', '/api/v1/integrations/crm', { baseUrl });
      expect(saved.status).toBe(400);
      expect(saved.body.errors[0]).toMatchObject({
        field: 'body.baseUrl',
        message: expect.stringContaining('is not an allowed destination'),
      });
    }
    // One stored before the check existed is refused when it would be called.
    const { tenant: older, crm } = await givenCrm();
    await app.unisono.platform.database.executeSql(
      'update crm_connectors set base_url = $2 where tenant_id = $1',
      [older.id, 'http://169.254.169.254/latest'],
    );
    const contact = await givenContact(older);
    const panel = (await crmOf(older, contact.id, true)).body;
    expect(panel).toMatchObject({ enabled: true, stale: true });
    expect(panel.error).toBe(
      'CRM is not an allowed destination: 169.254.169.254 is (or resolves to) a private, loopback or reserved address (see OUTBOUND_ALLOW_PRIVATE)',
    );
    expect(crm.lookups.filter((request) => request.json?.contactId === contact.id)).toHaveLength(0);
  });

  it('keeps tenants apart: another tenant sees neither the CRM data, the config nor the log', async () => {
    const { tenant, crm } = await givenCrm();
    crm.lookup = () => ({ status: 200, body: ANNA });
    const contact = await givenContact(tenant);
    expect((await crmOf(tenant, contact.id)).body.found).toBe(true);
    const channel = await givenApiChannel(tenant);
    const inbound = await receiveApiMessage(app, channel);
    await tenant.api.patch(`/api/v1/conversations/${inbound.conversationId}`, { status: 'resolved' });
    await eventually(async () => crm.activities.length > 0, 60_000, 'a write-back');
    const log = (await tenant.api.get('/api/v1/integrations/crm/activity-log')).body.items;

    const other = await createTenant(app);
    expect((await crmOf(other, contact.id)).status).toBe(404);
    expect((await other.api.get('/api/v1/integrations/crm')).status).toBe(404);
    expect((await other.api.delete('/api/v1/integrations/crm')).status).toBe(404);
    expect((await other.api.get('/api/v1/integrations/crm/activity-log')).body.items).toEqual([]);
    expect((await other.api.post(`/api/v1/integrations/crm/activity-log/${log[0].id}/retry`)).status).toBe(
      404,
    );
    expect((await tenant.api.get('/api/v1/integrations/crm')).status).toBe(200);
  });
});
