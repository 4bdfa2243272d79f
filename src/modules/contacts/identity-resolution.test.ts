import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTenant,
  eventually,
  type GivenChannel,
  type GivenTenant,
  givenApiChannel,
  mobileNumber as number,
  receiveApiMessage,
  unique,
} from '../../../test/support/factories.ts';
import { RealtimeClient } from '../../../test/support/realtime-client.ts';
import { startTestApp, type TestApp, testDatabases } from '../../../test/support/test-app.ts';

/** One customer across channels: identity resolution, merge suggestions, merges and their undo. */
describe.each(testDatabases())('identity resolution and merges on %s', (kind) => {
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
  const suggestionsFor = async (id: string) =>
    (await tenant.api.get(`/api/v1/merge-suggestions?contact=${id}`)).body.items as any[];
  /**
   * A suggestion is one per pair, found by whichever contact's job ran when both existed (jobs may run late,
   * e.g. behind a burst of ingest): compare the pair and the evidence without their direction.
   */
  const expectPair = (suggestion: any, contacts: [string, string], addresses: [string, string]) => {
    expect([suggestion.contactId, suggestion.candidateId].sort()).toEqual([...contacts].sort());
    expect([suggestion.evidence.address, suggestion.evidence.matches].sort()).toEqual([...addresses].sort());
  };

  describe('resolution', () => {
    it('links SMS and WhatsApp from the same number to one contact', async () => {
      const phone = number();
      const viaSms = await receiveApiMessage(app, sms, {
        from: { kind: 'phone', value: phone.replace('+49', '0') },
      });
      const viaWhatsApp = await receiveApiMessage(app, whatsapp, {
        from: { kind: 'whatsapp', value: phone },
      });
      expect(viaWhatsApp.contactId).toBe(viaSms.contactId);
      const identities = (await contact(viaSms.contactId)).identities;
      expect(identities.map((identity: any) => [identity.kind, identity.channelId])).toEqual([
        ['phone', sms.id],
        ['whatsapp', whatsapp.id],
      ]);
    });

    it('links a web visitor who gives a new email, and suggests (never merges) when the email belongs to someone else', async () => {
      const visitor = await receiveApiMessage(app, sms, {
        from: { kind: 'webchat', value: unique('visitor') },
      });
      const fresh = `${unique('new')}@example.de`;
      const linked = await tenant.api.post(`/api/v1/contacts/${visitor.contactId}/identities`, {
        kind: 'email',
        value: fresh,
      });
      expect(linked.status).toBe(201);
      expect(linked.body.identities.find((identity: any) => identity.kind === 'email')).toMatchObject({
        value: fresh,
        verified: true,
      });

      const known = await receiveApiMessage(app, sms, {
        from: { kind: 'email', value: `${unique('known')}@example.de` },
      });
      const knownEmail = (await contact(known.contactId)).identities[0].value;
      const otherVisitor = await receiveApiMessage(app, sms, {
        from: { kind: 'webchat', value: unique('visitor') },
      });
      const claimed = await tenant.api.post(`/api/v1/contacts/${otherVisitor.contactId}/identities`, {
        kind: 'email',
        value: knownEmail,
      });
      expect(claimed.status).toBe(409);
      expect(claimed.body.detail).toContain('merge suggestion');
      expect((await contact(otherVisitor.contactId)).identities).toHaveLength(1);
      expect((await contact(known.contactId)).mergedIntoId).toBeNull();
      expect(await suggestionsFor(otherVisitor.contactId)).toEqual([
        expect.objectContaining({ reason: 'identity_claimed', candidateId: known.contactId }),
      ]);
    });

    it('keeps two people on a shared family address apart and only suggests look-alikes', async () => {
      const family = `familie.${unique('meier')}@example.de`;
      const anna = await receiveApiMessage(app, sms, {
        from: { kind: 'phone', value: number(), name: 'Anna Meier' },
      });
      const ben = await receiveApiMessage(app, sms, {
        from: { kind: 'phone', value: number(), name: 'Ben Meier' },
      });
      await tenant.api.post(`/api/v1/contacts/${anna.contactId}/identities`, {
        kind: 'email',
        value: family,
      });
      const shared = await receiveApiMessage(app, sms, { from: { kind: 'email', value: family } });
      expect(shared.contactId).toBe(anna.contactId);
      expect(
        (
          await tenant.api.post(`/api/v1/contacts/${ben.contactId}/identities`, {
            kind: 'email',
            value: family,
          })
        ).status,
      ).toBe(409);
      expect((await contact(ben.contactId)).mergedIntoId).toBeNull();
      expect((await contact(anna.contactId)).mergedIntoId).toBeNull();

      const local = unique('jana');
      const first = await receiveApiMessage(app, sms, {
        from: { kind: 'email', value: `${local}@gmail.example` },
      });
      const second = await receiveApiMessage(app, sms, {
        from: { kind: 'email', value: `${local}@web.example` },
      });
      expect(second.contactId).not.toBe(first.contactId);
      const suggestions = await eventually(
        async () => {
          const found = await suggestionsFor(second.contactId);
          return found.length > 0 && found;
        },
        10_000,
        'a merge suggestion',
      );
      expect(suggestions).toHaveLength(1);
      expect(suggestions[0]).toMatchObject({ reason: 'email_local_part', status: 'open' });
      expectPair(
        suggestions[0],
        [first.contactId, second.contactId],
        [`${local}@web.example`, `${local}@gmail.example`],
      );
    });
  });

  it('suggests plus-addresses either way round and the same name on the same phone ending', async () => {
    const local = unique('lena').replace('-', '');
    const plain = await receiveApiMessage(app, sms, {
      from: { kind: 'email', value: `${local}@shop.example` },
    });
    const tagged = await receiveApiMessage(app, sms, {
      from: { kind: 'email', value: `${local}+orders@shop.example` },
    });
    const taggedLater = await receiveApiMessage(app, sms, {
      from: { kind: 'email', value: `${local}+news@shop.example` },
    });
    // A tag on another domain is someone else's mailbox: no plus-address suggestion.
    const elsewhere = await receiveApiMessage(app, sms, {
      from: { kind: 'email', value: `${local}+orders@other.example` },
    });
    const plusSuggestion = (id: string) =>
      eventually(
        async () =>
          (await suggestionsFor(id)).find(
            (entry) =>
              entry.reason === 'plus_address' &&
              [entry.contactId, entry.candidateId].includes(plain.contactId),
          ),
        10_000,
        'a plus-address suggestion',
      );
    expectPair(
      await plusSuggestion(tagged.contactId),
      [tagged.contactId, plain.contactId],
      [`${local}+orders@shop.example`, `${local}@shop.example`],
    );
    expectPair(
      await plusSuggestion(taggedLater.contactId),
      [taggedLater.contactId, plain.contactId],
      [`${local}+news@shop.example`, `${local}@shop.example`],
    );
    // The other domain shares only the name: its suggestion (proof that its job ran) is not a plus-address.
    const elsewhereSuggestions = await eventually(
      async () => {
        const found = await suggestionsFor(elsewhere.contactId);
        return found.some((entry) => entry.reason === 'email_local_part') && found;
      },
      10_000,
      'the other domain’s suggestions',
    );
    expect(elsewhereSuggestions.filter((entry: any) => entry.reason === 'plus_address')).toEqual([]);

    const phone = number();
    const name = `Greta ${unique('Sommer')}`;
    const first = await receiveApiMessage(app, sms, { from: { kind: 'phone', value: phone, name } });
    // Another number with the same last six digits (a digit that differs: the random one may already be 9).
    const otherPhone = `${phone.slice(0, -7)}${phone.at(-7) === '9' ? '8' : '9'}${phone.slice(-6)}`;
    const second = await receiveApiMessage(app, whatsapp, {
      from: { kind: 'whatsapp', value: otherPhone, name: name.toUpperCase() },
    });
    expect(second.contactId).not.toBe(first.contactId);
    const byPhone = await eventually(
      async () => (await suggestionsFor(second.contactId)).find((entry) => entry.reason === 'name_and_phone'),
      10_000,
      'a name-and-phone suggestion',
    );
    expect([byPhone.contactId, byPhone.candidateId].sort()).toEqual(
      [first.contactId, second.contactId].sort(),
    );
  });

  it('merges contacts and splits them back to exactly the state before', async () => {
    await tenant.api
      .post('/api/v1/contact-attributes', {
        key: unique('plan').replace('-', '_'),
        label: 'Plan',
        type: 'text',
      })
      .catch(() => {});
    const a = await receiveApiMessage(app, sms, {
      from: { kind: 'email', value: `${unique('a')}@example.de`, name: 'Anna A' },
    });
    const b = await receiveApiMessage(app, whatsapp, {
      from: { kind: 'whatsapp', value: number(), name: 'Anna B' },
    });
    await receiveApiMessage(app, whatsapp, {
      from: { kind: 'whatsapp', value: (await contact(b.contactId)).identities[0].value },
      text: 'Noch was',
    });
    await tenant.api.patch(`/api/v1/contacts/${a.contactId}`, {
      customAttributes: { tier: 'silver', city: 'Köln' },
      tags: ['a'],
      organizations: ['ACME'],
    });
    await tenant.api.patch(`/api/v1/contacts/${b.contactId}`, {
      customAttributes: { tier: 'gold', shoe: 42 },
      tags: ['b'],
      organizations: ['Beta GmbH'],
    });
    await tenant.api.post(`/api/v1/contacts/${b.contactId}/notes`, { text: 'B mag Anrufe' });
    const before = { a: await snapshot(a.contactId), b: await snapshot(b.contactId) };
    const socket = await RealtimeClient.connect(app.url, tenant.admin.token);
    const updatedUnder = (contactId: string) =>
      socket.waitFor(
        (frame) =>
          frame.type === 'conversation.updated' &&
          frame.data.id === b.conversationId &&
          frame.data.contact.id === contactId,
      );

    const merged = await tenant.api.post(`/api/v1/contacts/${a.contactId}/merge`, {
      contactIds: [b.contactId],
      attributes: { tier: b.contactId },
    });
    expect(merged.status).toBe(200);
    expect(merged.body.contact.customAttributes).toEqual({ tier: 'gold', city: 'Köln', shoe: 42 });
    expect(merged.body.contact.identities).toHaveLength(2);
    expect(merged.body.contact.tags.sort()).toEqual(['a', 'b']);
    expect(merged.body.contact.organizations.map((organization: any) => organization.name)).toEqual([
      'ACME',
      'Beta GmbH',
    ]);
    expect((await contact(b.contactId)).mergedIntoId).toBe(a.contactId);
    const conversations = (await tenant.api.get(`/api/v1/conversations?contact=${a.contactId}`)).body.items;
    expect(conversations).toHaveLength(2);
    const feed = (await tenant.api.get(`/api/v1/contacts/${a.contactId}/timeline`)).body.items;
    expect(feed[0]).toMatchObject({ type: 'event', kind: 'merged' });
    expect(feed.filter((item: any) => item.type === 'message')).toHaveLength(3);
    expect((await tenant.api.get(`/api/v1/contacts?q=${encodeURIComponent('Anna B')}`)).body.items).toEqual(
      [],
    );

    // The conversation moved with its customer, and said so: open inboxes show it under the survivor.
    expect((await updatedUnder(a.contactId)).data.contact.name).toBe('Anna A');

    const split = await tenant.api.post(`/api/v1/contact-merges/${merged.body.mergeIds[0]}/undo`);
    expect(split.status).toBe(200);
    expect((await updatedUnder(b.contactId)).data.contact.name).toBe('Anna B');
    socket.close();
    expect(await snapshot(a.contactId)).toEqual(before.a);
    expect(await snapshot(b.contactId)).toEqual(before.b);
    expect((await tenant.api.post(`/api/v1/contact-merges/${merged.body.mergeIds[0]}/undo`)).status).toBe(
      409,
    );
    const afterFeed = (await tenant.api.get(`/api/v1/contacts/${a.contactId}/timeline?types=event`)).body
      .items;
    expect(afterFeed.map((item: any) => item.kind)).toEqual(['split', 'merged']);
  });

  async function snapshot(contactId: string) {
    const { identities, customAttributes, name, tags, organizations, mergedIntoId, language } =
      await contact(contactId);
    const conversations = (await tenant.api.get(`/api/v1/conversations?contact=${contactId}`)).body.items
      .map((item: any) => item.id)
      .sort();
    const messages = (
      await tenant.api.get(`/api/v1/contacts/${contactId}/timeline?types=message&limit=200`)
    ).body.items
      .map((item: any) => item.id)
      .sort();
    const notes = (await tenant.api.get(`/api/v1/contacts/${contactId}/notes`)).body.items.map(
      (note: any) => note.text,
    );
    return {
      identities: identities.map((identity: any) => identity.id).sort(),
      customAttributes,
      name,
      tags,
      organizations,
      mergedIntoId,
      language,
      conversations,
      messages,
      notes,
    };
  }
});
