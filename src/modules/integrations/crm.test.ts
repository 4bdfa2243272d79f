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
import { type FakeCrm, givenCrm as givenCrmFor } from '../../../test/support/fake-crm.ts';
import { startTestApp, type TestApp, testDatabases } from '../../../test/support/test-app.ts';

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
  const givenCrm = (settings: Record<string, unknown> = {}) => givenCrmFor(app, fakes, settings);

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
