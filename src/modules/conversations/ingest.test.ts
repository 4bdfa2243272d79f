import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTenant,
  type GivenChannel,
  type GivenTenant,
  givenApiChannel,
  postToChannel,
  receiveApiMessage,
  unique,
} from '../../../test/support/factories.ts';
import { startTestApp, type TestApp, testDatabases } from '../../../test/support/test-app.ts';

describe.each(testDatabases())('inbound pipeline on %s', (kind) => {
  let app: TestApp;
  let tenant: GivenTenant;
  let channel: GivenChannel;

  beforeAll(async () => {
    app = await startTestApp(kind);
    tenant = await createTenant(app);
    channel = await givenApiChannel(tenant);
  });
  afterAll(() => app?.stop());

  const countMessages = async (conversationId: string) =>
    (await tenant.api.get(`/api/v1/conversations/${conversationId}/messages`)).body.items.length as number;

  it('stores the same payload only once, also when sent concurrently', async () => {
    const payload = {
      id: unique('ext'),
      from: { kind: 'email', value: `${unique('c')}@example.de` },
      text: 'Zweimal gesendet',
    };
    const first = await receiveApiMessage(app, channel, payload);
    const again = await receiveApiMessage(app, channel, payload);
    expect(first.duplicate).toBe(false);
    expect(again).toMatchObject({ duplicate: true, messageId: first.messageId });

    const burst = {
      id: unique('ext'),
      from: { kind: 'email', value: `${unique('c')}@example.de` },
      text: 'Gleichzeitig',
    };
    const results = await Promise.all(
      Array.from({ length: 8 }, () => receiveApiMessage(app, channel, burst)),
    );
    expect(new Set(results.map((result) => result.messageId)).size).toBe(1);
    expect(results.filter((result) => !result.duplicate)).toHaveLength(1);
    expect(await countMessages(results[0]!.conversationId)).toBe(1);
  });

  it('resolves the same email in different case to one contact, a new identity to a new contact', async () => {
    const local = unique('anna');
    const first = await receiveApiMessage(app, channel, {
      from: { kind: 'email', value: `${local}@Example.DE`, name: 'Anna' },
    });
    const second = await receiveApiMessage(app, channel, {
      from: { kind: 'email', value: ` ${local.toUpperCase()}@example.de ` },
    });
    const stranger = await receiveApiMessage(app, channel, {
      from: { kind: 'email', value: `${unique('bob')}@example.de` },
    });
    expect(second.contactId).toBe(first.contactId);
    expect(stranger.contactId).not.toBe(first.contactId);

    const contact = await tenant.api.get(`/api/v1/contacts/${first.contactId}`);
    expect(contact.body.identities).toEqual([
      expect.objectContaining({ kind: 'email', value: `${local}@example.de` }),
    ]);
    expect(contact.body.name).toBe('Anna');
  });

  it('normalises phone numbers so national and international forms are one customer', async () => {
    const subscriber = String(Math.floor(1_000_000 + Math.random() * 8_999_999));
    const national = await receiveApiMessage(app, channel, {
      from: { kind: 'phone', value: `0171 ${subscriber}` },
    });
    const international = await receiveApiMessage(app, channel, {
      from: { kind: 'phone', value: `+49 171 ${subscriber}` },
    });
    const idd = await receiveApiMessage(app, channel, {
      from: { kind: 'phone', value: `0049171${subscriber}` },
    });
    expect(international.contactId).toBe(national.contactId);
    expect(idd.contactId).toBe(national.contactId);
  });

  it('threads a second message into the open conversation and opens a new one after resolve', async () => {
    const from = { kind: 'email', value: `${unique('c')}@example.de` };
    const first = await receiveApiMessage(app, channel, { from, text: 'Erste Nachricht' });
    const second = await receiveApiMessage(app, channel, { from, text: 'Noch eine Frage' });
    expect(second.conversationId).toBe(first.conversationId);
    expect(await countMessages(first.conversationId)).toBe(2);

    const resolved = await tenant.api.patch(`/api/v1/conversations/${first.conversationId}`, {
      status: 'resolved',
    });
    expect(resolved.body.status).toBe('resolved');
    const third = await receiveApiMessage(app, channel, { from, text: 'Neues Thema' });
    expect(third.conversationId).not.toBe(first.conversationId);
    expect(third.contactId).toBe(first.contactId);
  });

  it('reopens a resolved conversation when the customer writes within the reopen window', async () => {
    const windowTenant = await createTenant(app, { reopenWindowMinutes: 60 });
    const windowChannel = await givenApiChannel(windowTenant);
    const from = { kind: 'email', value: `${unique('c')}@example.de` };
    const first = await receiveApiMessage(app, windowChannel, { from });
    await windowTenant.api.patch(`/api/v1/conversations/${first.conversationId}`, { status: 'resolved' });
    const again = await receiveApiMessage(app, windowChannel, { from, text: 'Doch noch nicht gelöst' });
    expect(again.conversationId).toBe(first.conversationId);
    const conversation = await windowTenant.api.get(`/api/v1/conversations/${first.conversationId}`);
    expect(conversation.body).toMatchObject({ status: 'open', resolvedAt: null });
  });

  it('keeps separate conversations for separate thread ids of the same customer', async () => {
    const from = { kind: 'api', value: unique('user') };
    const orderA = await receiveApiMessage(app, channel, { from, threadId: unique('order') });
    const orderB = await receiveApiMessage(app, channel, { from, threadId: unique('order') });
    const orderAAgain = await receiveApiMessage(app, channel, {
      from,
      threadId: await threadOf(orderA.conversationId),
    });
    expect(orderB.conversationId).not.toBe(orderA.conversationId);
    expect(orderAAgain.conversationId).toBe(orderA.conversationId);
  });

  async function threadOf(conversationId: string): Promise<string> {
    const { rows } = await app.unisono.platform.database.executeSql(
      'select external_thread_id from conversations where tenant_id = $1 and id = $2',
      [tenant.id, conversationId],
    );
    return rows[0].external_thread_id;
  }

  it('stores attachments and serves them to agents', async () => {
    const result = await receiveApiMessage(app, channel, {
      text: 'Foto vom Schaden',
      attachments: [
        {
          filename: 'schaden.txt',
          contentType: 'text/plain',
          data: Buffer.from('kaputt').toString('base64'),
        },
      ],
    });
    const messages = await tenant.api.get(`/api/v1/conversations/${result.conversationId}/messages`);
    const [file] = messages.body.items[0].attachments;
    expect(file).toMatchObject({ filename: 'schaden.txt', size: 6 });
    const download = await fetch(`${app.url}${file.url}`, {
      headers: { authorization: `Bearer ${tenant.admin.token}` },
    });
    expect(await download.text()).toBe('kaputt');
  });

  it('sanitises inbound HTML', async () => {
    const result = await receiveApiMessage(app, channel, {
      text: 'Hallo',
      html: '<p onclick="steal()">Hallo<script>alert(1)</script><img src="https://tracker.example/p.gif"></p>',
    });
    const messages = await tenant.api.get(`/api/v1/conversations/${result.conversationId}/messages`);
    expect(messages.body.items[0].html).toBe('<p>Hallo<img src="https://tracker.example/p.gif" /></p>');
  });

  describe('bad input is refused with a problem and stores nothing', () => {
    const storedFor = async (externalId: string) => {
      const { rows } = await app.unisono.platform.database.executeSql(
        'select count(*)::int as count from messages where tenant_id = $1 and external_id = $2',
        [tenant.id, externalId],
      );
      return rows[0].count as number;
    };

    it('rejects a bad signature with 401', async () => {
      const id = unique('ext');
      const response = await postToChannel(
        app,
        channel,
        { id, from: { value: 'x@example.de', kind: 'email' }, text: 'x' },
        { secret: 'wrong-secret-0123456789' },
      );
      expect(response.status).toBe(401);
      expect(response.body).toMatchObject({ code: 'invalid_signature', status: 401 });
      expect(await storedFor(id)).toBe(0);
    });

    it('rejects a missing signature with 401', async () => {
      const response = await fetch(`${app.url}/api/v1/inbound/${channel.id}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    });

    it('rejects malformed JSON with 400', async () => {
      const response = await postToChannel(app, channel, undefined, { rawBody: '{"id": "x", "from": ' });
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('malformed_json');
    });

    it('rejects wrong types with 400 naming the fields', async () => {
      const id = unique('ext');
      const response = await postToChannel(app, channel, {
        id,
        from: { kind: 'pigeon', value: 42 },
        text: 7,
      });
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('validation_failed');
      const fields = response.body.errors.map((error: { field: string }) => error.field);
      expect(fields).toEqual(expect.arrayContaining(['body.from.kind', 'body.from.value', 'body.text']));
      expect(await storedFor(id)).toBe(0);
    });

    it('rejects an invalid phone number with 400', async () => {
      const id = unique('ext');
      const response = await postToChannel(app, channel, {
        id,
        from: { kind: 'phone', value: 'call me' },
        text: 'x',
      });
      expect(response.status).toBe(400);
      expect(await storedFor(id)).toBe(0);
    });

    it('rejects an oversized body with 413', async () => {
      const small = await startTestApp(kind, { BODY_LIMIT_BYTES: '2048' });
      try {
        const smallTenant = await createTenant(small);
        const smallChannel = await givenApiChannel(smallTenant);
        const id = unique('ext');
        const response = await postToChannel(small, smallChannel, {
          id,
          from: { value: 'x@example.de', kind: 'email' },
          text: 'x'.repeat(5000),
        });
        expect(response.status).toBe(413);
        expect(response.body.code).toBe('payload_too_large');
      } finally {
        await small.stop();
      }
    });

    it('answers 404 for an unknown channel', async () => {
      const response = await postToChannel(
        app,
        { ...channel, id: '01900000-0000-7000-8000-000000000000' },
        { id: 'x' },
      );
      expect(response.status).toBe(404);
    });

    it('refuses messages to a disabled channel', async () => {
      const disabled = await givenApiChannel(tenant);
      await tenant.api.patch(`/api/v1/channels/${disabled.id}`, { enabled: false });
      const id = unique('ext');
      const response = await postToChannel(app, disabled, {
        id,
        from: { value: 'x@example.de', kind: 'email' },
        text: 'x',
      });
      expect(response.status).toBe(422);
      expect(await storedFor(id)).toBe(0);
    });
  });
});
