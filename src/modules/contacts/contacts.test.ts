import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTenant,
  type GivenTenant,
  givenApiChannel,
  receiveApiMessage,
  unique,
} from '../../../test/support/factories.ts';
import { startTestApp, type TestApp, testDatabases } from '../../../test/support/test-app.ts';
import { normaliseIdentity } from './identity-normalizer.ts';

describe('identity normalisation', () => {
  it.each([
    ['phone', '0171 1234567', 'DE', '+491711234567'],
    ['phone', '+49 (171) 123-4567', 'DE', '+491711234567'],
    ['phone', '00491711234567', 'DE', '+491711234567'],
    ['whatsapp', '0664 1234567', 'AT', '+436641234567'],
    ['phone', '044 668 18 00', 'CH', '+41446681800'],
    ['phone', '(415) 555-2671', 'US', '+14155552671'],
    ['email', ' Anna.Schmidt@Example.DE ', 'DE', 'anna.schmidt@example.de'],
    ['email', 'jörg@bücher.de', 'DE', 'jörg@xn--bcher-kva.de'],
    ['email', 'anna+shop@example.de', 'DE', 'anna+shop@example.de'],
    ['telegram', '@Anna_S', 'DE', '@anna_s'],
  ] as const)('%s %s (%s) → %s', (kind, raw, country, expected) => {
    expect(normaliseIdentity(kind, raw, country).value).toBe(expected);
  });

  it.each([
    ['email', 'not-an-email'],
    ['phone', 'call me maybe'],
    ['email', '   '],
  ] as const)('rejects %s %j', (kind, raw) => {
    expect(() => normaliseIdentity(kind, raw, 'DE')).toThrow();
  });
});

describe.each(testDatabases())('contacts API on %s', (kind) => {
  let app: TestApp;
  let tenant: GivenTenant;

  beforeAll(async () => {
    app = await startTestApp(kind);
    tenant = await createTenant(app);
  });
  afterAll(() => app?.stop());

  it('creates a contact with normalised identities and refuses an identity that belongs to someone else', async () => {
    const email = `${unique('erika')}@Example.de`;
    const created = await tenant.api.post('/api/v1/contacts', {
      name: 'Erika Mustermann',
      language: 'de',
      identities: [
        { kind: 'email', value: email },
        { kind: 'phone', value: '030 9876543' },
      ],
      customAttributes: { kundennummer: 'K-1' },
    });
    expect(created.status).toBe(201);
    expect(created.body.identities.map((identity: any) => [identity.kind, identity.value])).toEqual([
      ['email', email.toLowerCase()],
      ['phone', '+49309876543'],
    ]);
    const clash = await tenant.api.post('/api/v1/contacts', {
      name: 'Max',
      identities: [{ kind: 'email', value: email.toUpperCase() }],
    });
    expect(clash.status).toBe(409);
    expect(clash.body.code).toBe('conflict');
  });

  it('finds contacts by name, email or phone fragment', async () => {
    const marker = unique('zz');
    const contact = (
      await tenant.api.post('/api/v1/contacts', {
        name: `Jürgen ${marker}`,
        identities: [
          { kind: 'email', value: `${marker}@firma.example` },
          { kind: 'phone', value: '+49 40 5551234' },
        ],
      })
    ).body;
    const search = async (q: string) =>
      (await tenant.api.get(`/api/v1/contacts?q=${encodeURIComponent(q)}`)).body.items.map(
        (item: any) => item.id,
      );
    expect(await search(marker)).toEqual([contact.id]);
    expect(await search(`${marker}@firma`)).toEqual([contact.id]);
    expect(await search('040 5551234')).toContain(contact.id);
    expect(await search('5551234')).toContain(contact.id);
    expect(await search(`nobody-${marker}`)).toEqual([]);
  });

  it('pages through contacts with a cursor', async () => {
    const pageTenant = await createTenant(app);
    for (let index = 0; index < 5; index++)
      await pageTenant.api.post('/api/v1/contacts', { name: `P${index}` });
    const first = await pageTenant.api.get('/api/v1/contacts?limit=2');
    const second = await pageTenant.api.get(`/api/v1/contacts?limit=2&cursor=${first.body.nextCursor}`);
    const third = await pageTenant.api.get(`/api/v1/contacts?limit=2&cursor=${second.body.nextCursor}`);
    const names = [...first.body.items, ...second.body.items, ...third.body.items].map(
      (item: any) => item.name,
    );
    expect(names.sort()).toEqual(['P0', 'P1', 'P2', 'P3', 'P4']);
    expect(third.body.nextCursor).toBeNull();
  });

  it('updates, adds and removes identities, and deletes only contacts without conversations', async () => {
    const channel = await givenApiChannel(tenant);
    const inbound = await receiveApiMessage(app, channel, {
      from: { kind: 'email', value: `${unique('x')}@example.de`, name: 'X' },
    });
    const updated = await tenant.api.patch(`/api/v1/contacts/${inbound.contactId}`, {
      name: 'Xaver',
      timeZone: 'Europe/Vienna',
      preferredChannelId: channel.id,
    });
    expect(updated.body).toMatchObject({
      name: 'Xaver',
      timeZone: 'Europe/Vienna',
      preferredChannelId: channel.id,
    });
    const added = await tenant.api.post(`/api/v1/contacts/${inbound.contactId}/identities`, {
      kind: 'whatsapp',
      value: '+43 664 1112223',
    });
    const whatsapp = added.body.identities.find((identity: any) => identity.kind === 'whatsapp');
    expect(whatsapp.value).toBe('+436641112223');
    const removed = await tenant.api.delete(
      `/api/v1/contacts/${inbound.contactId}/identities/${whatsapp.id}`,
    );
    expect(removed.body.identities.map((identity: any) => identity.kind)).toEqual(['email']);
    expect((await tenant.api.delete(`/api/v1/contacts/${inbound.contactId}`)).status).toBe(409);
    const lonely = await tenant.api.post('/api/v1/contacts', { name: 'Lonely' });
    expect((await tenant.api.delete(`/api/v1/contacts/${lonely.body.id}`)).status).toBe(204);
    expect((await tenant.api.get(`/api/v1/contacts/${lonely.body.id}`)).status).toBe(404);
  });

  it('lets a platform admin create tenants and a tenant admin change settings', async () => {
    const platformAdmin = await app.unisono.services.users.create(tenant.id, null, {
      email: `${unique('root')}@example.test`,
      name: 'Root',
      role: 'admin',
      password: 'platform admin password',
      isPlatformAdmin: true,
    });
    const token = await app.unisono.services.auth.createToken(tenant.id, platformAdmin.id, 'root', null);
    const root = new (await import('../../../test/support/factories.ts')).Client(app.url, {
      token: token.token,
    });
    const slug = unique('brand');
    const created = await root.post('/api/v1/tenants', { slug, name: 'Second Brand', defaultCountry: 'AT' });
    expect(created.status).toBe(201);
    expect((await root.post('/api/v1/tenants', { slug, name: 'Again' })).status).toBe(409);
    expect((await root.post('/api/v1/tenants', { slug: 'Bad Slug!', name: 'x' })).status).toBe(400);
    const patched = await tenant.api.patch('/api/v1/tenant', {
      reopenWindowMinutes: 30,
      timeZone: 'Europe/Zurich',
    });
    expect(patched.body).toMatchObject({ reopenWindowMinutes: 30, timeZone: 'Europe/Zurich' });
    expect((await tenant.api.patch('/api/v1/tenant', { timeZone: 'Mars/Olympus' })).status).toBe(400);
  });
});
