import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTenant,
  type GivenChannel,
  type GivenTenant,
  givenAgent,
  givenApiChannel,
  mobileNumber as number,
  receiveApiMessage,
  unique,
} from '../../../test/support/factories.ts';
import { startTestApp, type TestApp, testDatabases } from '../../../test/support/test-app.ts';

/** The customer record around a contact: consent, timeline, attributes, language, search. */
describe.each(testDatabases())('central customer view on %s', (kind) => {
  let app: TestApp;
  let tenant: GivenTenant;
  let sms: GivenChannel;
  let whatsapp: GivenChannel;

  beforeAll(async () => {
    app = await startTestApp(kind);
    tenant = await createTenant(app);
    sms = await givenApiChannel(tenant, {}, unique('SMS'));
    whatsapp = await givenApiChannel(tenant, {}, unique('WhatsApp'));
  });
  afterAll(() => app?.stop());

  const contact = async (id: string) => (await tenant.api.get(`/api/v1/contacts/${id}`)).body;

  it('refuses replies to an opted-out identity and picks another one by default', async () => {
    const phone = number();
    const inbound = await receiveApiMessage(app, sms, { from: { kind: 'phone', value: phone } });
    const email = await tenant.api.post(`/api/v1/contacts/${inbound.contactId}/identities`, {
      kind: 'email',
      value: `${unique('opt')}@example.de`,
    });
    const phoneIdentity = email.body.identities.find((identity: any) => identity.kind === 'phone');
    const optOut = await tenant.api.patch(
      `/api/v1/contacts/${inbound.contactId}/identities/${phoneIdentity.id}`,
      {
        consent: 'opted_out',
        consentSource: 'STOP per SMS',
      },
    );
    expect(optOut.body.identities.find((identity: any) => identity.id === phoneIdentity.id)).toMatchObject({
      consent: 'opted_out',
      consentSource: 'STOP per SMS',
    });
    const refused = await tenant.api.post(`/api/v1/conversations/${inbound.conversationId}/replies`, {
      text: 'Angebot!',
      identityId: phoneIdentity.id,
    });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'consent_refused' });
    expect(refused.body.detail).toContain('STOP per SMS');
    const fallback = await tenant.api.post(`/api/v1/conversations/${inbound.conversationId}/replies`, {
      text: 'Per E-Mail',
    });
    expect(fallback.status).toBe(201);
    expect(fallback.body.identityId).not.toBe(phoneIdentity.id);
  });

  it('serves a filterable, paginated cross-channel timeline', async () => {
    const phone = number();
    const first = await receiveApiMessage(app, sms, {
      from: { kind: 'phone', value: phone },
      text: 'Erste SMS',
    });
    await receiveApiMessage(app, whatsapp, {
      from: { kind: 'whatsapp', value: phone },
      text: 'Dann WhatsApp',
    });
    await tenant.api.post(`/api/v1/conversations/${first.conversationId}/notes`, { text: 'Interne Notiz' });
    await tenant.api.post(`/api/v1/contacts/${first.contactId}/notes`, { text: 'Kontakt-Notiz' });
    const all = (await tenant.api.get(`/api/v1/contacts/${first.contactId}/timeline`)).body.items;
    expect(all.map((item: any) => item.text)).toEqual([
      'Kontakt-Notiz',
      'Interne Notiz',
      'Dann WhatsApp',
      'Erste SMS',
    ]);
    const onWhatsApp = (
      await tenant.api.get(`/api/v1/contacts/${first.contactId}/timeline?channel=${whatsapp.id}`)
    ).body.items;
    expect(onWhatsApp.map((item: any) => item.text)).toEqual(['Dann WhatsApp']);
    const notes = (await tenant.api.get(`/api/v1/contacts/${first.contactId}/timeline?types=note`)).body
      .items;
    expect(notes).toHaveLength(2);
    const page1 = (await tenant.api.get(`/api/v1/contacts/${first.contactId}/timeline?limit=3`)).body;
    const page2 = (
      await tenant.api.get(`/api/v1/contacts/${first.contactId}/timeline?limit=3&cursor=${page1.nextCursor}`)
    ).body;
    expect([...page1.items, ...page2.items].map((item: any) => item.id)).toEqual(
      all.map((item: any) => item.id),
    );
    expect(page2.nextCursor).toBeNull();
    expect((await tenant.api.get(`/api/v1/contacts/${first.contactId}/timeline?types=bogus`)).status).toBe(
      400,
    );
  });

  it('hides timeline messages of conversations an agent may not see', async () => {
    const agent = await givenAgent(app, tenant);
    const team = (await tenant.api.post('/api/v1/teams', { name: unique('Privat') })).body;
    const inbound = await receiveApiMessage(app, sms, { text: 'Vertraulich' });
    await tenant.api.patch(`/api/v1/conversations/${inbound.conversationId}`, { teamId: team.id });
    const feed = (await agent.api.get(`/api/v1/contacts/${inbound.contactId}/timeline`)).body.items;
    expect(feed.some((item: any) => item.text === 'Vertraulich')).toBe(false);
  });

  it('validates typed custom attributes', async () => {
    const key = `plan_${unique('x').slice(-4)}`;
    await tenant.api.post('/api/v1/contact-attributes', {
      key,
      label: 'Tarif',
      type: 'list',
      options: ['basic', 'pro'],
    });
    await tenant.api.post('/api/v1/contact-attributes', { key: `${key}_since`, label: 'Seit', type: 'date' });
    const created = (await tenant.api.post('/api/v1/contacts', { name: 'Attr' })).body;
    const bad = await tenant.api.patch(`/api/v1/contacts/${created.id}`, {
      customAttributes: { [key]: 'gold', [`${key}_since`]: 'gestern' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((error: any) => error.field).sort()).toEqual([
      `body.customAttributes.${key}`,
      `body.customAttributes.${key}_since`,
    ]);
    const good = await tenant.api.patch(`/api/v1/contacts/${created.id}`, {
      customAttributes: { [key]: 'pro', [`${key}_since`]: '2026-01-31', free: 'x' },
    });
    expect(good.body.customAttributes).toEqual({ [key]: 'pro', [`${key}_since`]: '2026-01-31', free: 'x' });
    expect(
      (await tenant.api.post('/api/v1/contact-attributes', { key: `${key}_l`, label: 'L', type: 'list' }))
        .status,
    ).toBe(400);
  });

  it('detects the customer language unless a person set it', async () => {
    const english = await receiveApiMessage(app, sms, {
      text: 'Hello, where is my order? I have been waiting for two weeks.',
    });
    expect((await contact(english.contactId)).language).toBe('en');
    const german = await receiveApiMessage(app, sms, {
      text: 'Hallo, wo ist meine Bestellung? Ich warte schon lange.',
    });
    await tenant.api.patch(`/api/v1/contacts/${german.contactId}`, { language: 'fr' });
    await receiveApiMessage(app, sms, {
      from: { kind: 'email', value: (await contact(german.contactId)).identities[0].value },
      text: 'Und noch eine Frage zu meiner Rechnung bitte.',
    });
    expect(await contact(german.contactId)).toMatchObject({ language: 'fr', languageSource: 'manual' });
  });

  it('finds messages by German inflections and contacts by fragment, with highlighted snippets', async () => {
    const searchTenant = await createTenant(app);
    const channel = await givenApiChannel(searchTenant);
    const hit = await receiveApiMessage(app, channel, {
      from: { kind: 'email', value: `${unique('suche')}@example.de`, name: 'Greta Sucher' },
      text: 'Hallo, wo sind meine Bestellungen vom Montag? <b>Danke</b>',
    });
    await receiveApiMessage(app, channel, { text: 'Ich möchte meine Rechnung ändern, bitte.' });
    await receiveApiMessage(app, channel, { text: 'Where are my orders from last week? Thanks a lot.' });
    const search = async (q: string, extra = '') =>
      (await searchTenant.api.get(`/api/v1/search?q=${encodeURIComponent(q)}${extra}`)).body;

    const german = await search('Bestellung');
    expect(german.messages.map((message: any) => message.messageId)).toEqual([hit.messageId]);
    expect(german.messages[0].snippet).toContain('<mark>Bestellungen</mark>');
    expect(german.messages[0].snippet).not.toContain('<b>');
    expect(german.messages[0].snippet).toContain('Danke');
    expect((await search('order')).messages).toHaveLength(1);
    expect((await search('Rechnungen')).messages).toHaveLength(1);
    expect((await search('Bestellung', '&status=resolved')).messages).toEqual([]);
    expect((await search('Sucher', '&scope=contacts')).contacts.map((item: any) => item.id)).toEqual([
      hit.contactId,
    ]);
    expect((await tenant.api.get('/api/v1/search?q=Bestellungen%20vom%20Montag')).body.messages).toEqual([]);
  });
});
