import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTenant,
  eventually,
  type GivenTenant,
  givenApiChannel,
  postToChannel,
  receiveApiMessage,
  unique,
} from '../../../test/support/factories.ts';
import { FakeReceiver } from '../../../test/support/fake-receiver.ts';
import { startTestApp, type TestApp, testDatabases } from '../../../test/support/test-app.ts';
import { parseApiSignature, signApiBody } from '../../channels/api/api-channel.adapter.ts';

describe.each(testDatabases())('outbound pipeline on %s', (kind) => {
  let app: TestApp;
  let tenant: GivenTenant;
  const shop = new FakeReceiver();
  const app2 = new FakeReceiver();

  beforeAll(async () => {
    await Promise.all([shop.start(), app2.start()]);
    app = await startTestApp(kind, { DELIVERY_MAX_ATTEMPTS: '3' });
    tenant = await createTenant(app);
  });
  afterAll(async () => {
    await app?.stop();
    await Promise.all([shop.stop(), app2.stop()]);
  });

  const messagesOf = async (conversationId: string) =>
    (await tenant.api.get(`/api/v1/conversations/${conversationId}/messages`)).body.items as any[];

  const waitForStatus = (conversationId: string, messageId: string, status: string) =>
    eventually(
      async () => {
        const message = (await messagesOf(conversationId)).find((candidate) => candidate.id === messageId);
        return message?.status === status ? message : undefined;
      },
      15_000,
      `message ${messageId} to become ${status}`,
    );

  it('delivers a reply on another channel than the inbound one, and the timeline shows both', async () => {
    const webshop = await givenApiChannel(tenant, { webhookUrl: shop.url }, unique('Webshop'));
    const mobile = await givenApiChannel(tenant, { webhookUrl: app2.url }, unique('Mobile'));
    const email = `${unique('kunde')}@example.de`;
    const inbound = await receiveApiMessage(app, webshop, {
      from: { kind: 'email', value: email },
      text: 'Wo bleibt mein Paket?',
    });
    const phone = await tenant.api.post(`/api/v1/contacts/${inbound.contactId}/identities`, {
      kind: 'phone',
      value: '+49 30 1234567',
    });
    expect(phone.status).toBe(201);
    const phoneIdentity = phone.body.identities.find((identity: any) => identity.kind === 'phone');

    const reply = await tenant.api.post(`/api/v1/conversations/${inbound.conversationId}/replies`, {
      text: 'Ihr Paket ist unterwegs.',
      channelId: mobile.id,
      identityId: phoneIdentity.id,
    });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({
      status: 'queued',
      channelId: mobile.id,
      metadata: { channelSwitchedFrom: webshop.id },
    });

    const sent = await waitForStatus(inbound.conversationId, reply.body.id, 'sent');
    expect(sent.attempts).toBe(1);
    const delivered = app2.requests.find((request) => request.json?.id === reply.body.id);
    expect(delivered?.json).toMatchObject({
      text: 'Ihr Paket ist unterwegs.',
      to: { kind: 'phone', value: '+49301234567' },
    });
    expect(delivered?.headers['x-unisono-signature']).toBeDefined();
    expect(shop.requests.some((request) => request.json?.id === reply.body.id)).toBe(false);

    const timeline = await messagesOf(inbound.conversationId);
    expect(timeline.map((message) => [message.direction, message.channelId])).toEqual([
      ['inbound', webshop.id],
      ['outbound', mobile.id],
    ]);
  });

  it('signs outbound webhooks so the receiver can verify them', async () => {
    const channel = await givenApiChannel(tenant, { webhookUrl: shop.url });
    const inbound = await receiveApiMessage(app, channel);
    const reply = await tenant.api.post(`/api/v1/conversations/${inbound.conversationId}/replies`, {
      text: 'Signed',
    });
    await waitForStatus(inbound.conversationId, reply.body.id, 'sent');
    const request = shop.requests.find((candidate) => candidate.json?.id === reply.body.id)!;
    const header = request.headers['x-unisono-signature'] as string;
    const signature = parseApiSignature(header)!;
    expect(Math.abs(signature.timestamp - Date.now() / 1000)).toBeLessThan(300);
    expect(header).toBe(signApiBody(channel.secret, request.body, signature.timestamp));
  });

  it('defaults to the preferred reply channel, else the channel of the last inbound message', async () => {
    const webshop = await givenApiChannel(tenant, { webhookUrl: shop.url });
    const mobile = await givenApiChannel(tenant, { webhookUrl: app2.url });
    const inbound = await receiveApiMessage(app, webshop);
    const first = await tenant.api.post(`/api/v1/conversations/${inbound.conversationId}/replies`, {
      text: 'Default',
    });
    expect(first.body.channelId).toBe(webshop.id);
    await tenant.api.patch(`/api/v1/conversations/${inbound.conversationId}`, {
      preferredChannelId: mobile.id,
    });
    const second = await tenant.api.post(`/api/v1/conversations/${inbound.conversationId}/replies`, {
      text: 'Preferred',
    });
    expect(second.body.channelId).toBe(mobile.id);
  });

  it('retries retryable failures with a visible attempt count, then succeeds', async () => {
    const flaky = await new FakeReceiver((_request, index) =>
      index < 2 ? { status: 503, body: { error: 'busy' } } : { status: 200, body: { id: 'provider-42' } },
    ).start();
    try {
      const channel = await givenApiChannel(tenant, { webhookUrl: flaky.url });
      const inbound = await receiveApiMessage(app, channel);
      const reply = await tenant.api.post(`/api/v1/conversations/${inbound.conversationId}/replies`, {
        text: 'Bitte warten',
      });
      const retrying = await eventually(async () => {
        const message = (await messagesOf(inbound.conversationId)).find(
          (candidate) => candidate.id === reply.body.id,
        );
        return message?.attempts >= 1 && message.status === 'queued' ? message : undefined;
      });
      expect(retrying.statusReason).toContain('503');
      expect(retrying.nextAttemptAt).not.toBeNull();
      const sent = await waitForStatus(inbound.conversationId, reply.body.id, 'sent');
      expect(sent).toMatchObject({ attempts: 3, externalId: 'provider-42', statusReason: null });
      expect(flaky.requests).toHaveLength(3);
    } finally {
      await flaky.stop();
    }
  });

  it('gives up after the maximum attempts and shows why', async () => {
    const down = await new FakeReceiver(() => ({ status: 500, body: { error: 'down' } })).start();
    try {
      const channel = await givenApiChannel(tenant, { webhookUrl: down.url });
      const inbound = await receiveApiMessage(app, channel);
      const reply = await tenant.api.post(`/api/v1/conversations/${inbound.conversationId}/replies`, {
        text: 'Hallo?',
      });
      const failed = await waitForStatus(inbound.conversationId, reply.body.id, 'failed');
      expect(failed.attempts).toBe(3);
      expect(failed.statusReason).toBe(
        'Webhook answered 500 Internal Server Error (gave up after 3 attempts)',
      );

      down.respondWith(() => ({ status: 200, body: {} }));
      const retried = await tenant.api.post(
        `/api/v1/conversations/${inbound.conversationId}/messages/${reply.body.id}/retry`,
      );
      expect(retried.body.status).toBe('queued');
      await waitForStatus(inbound.conversationId, reply.body.id, 'sent');
    } finally {
      await down.stop();
    }
  });

  it('fails at once on a permanent error, recording the status but never the receiver’s words', async () => {
    const rejecting = await new FakeReceiver(() => ({
      status: 400,
      body: { error: 'unknown recipient; redis on 10.0.0.7:6379 answered -ERR' },
    })).start();
    try {
      const channel = await givenApiChannel(tenant, { webhookUrl: rejecting.url });
      const inbound = await receiveApiMessage(app, channel);
      const reply = await tenant.api.post(`/api/v1/conversations/${inbound.conversationId}/replies`, {
        text: 'Hallo',
      });
      const failed = await waitForStatus(inbound.conversationId, reply.body.id, 'failed');
      expect(failed.attempts).toBe(1);
      expect(failed.statusReason).toBe('Webhook answered 400 Bad Request');
      expect(rejecting.requests).toHaveLength(1);
    } finally {
      await rejecting.stop();
    }
  });

  it('moves the status forward on provider callbacks, never backwards', async () => {
    const channel = await givenApiChannel(tenant, { webhookUrl: shop.url });
    const inbound = await receiveApiMessage(app, channel);
    const reply = await tenant.api.post(`/api/v1/conversations/${inbound.conversationId}/replies`, {
      text: 'Status?',
    });
    await waitForStatus(inbound.conversationId, reply.body.id, 'sent');
    const read = await postToChannel(app, channel, {
      type: 'status',
      messageId: reply.body.id,
      status: 'read',
    });
    expect(read.body.results[0]).toMatchObject({ type: 'status', applied: true });
    const delivered = await postToChannel(app, channel, {
      type: 'status',
      messageId: reply.body.id,
      status: 'delivered',
    });
    expect(delivered.body.results[0]).toMatchObject({ applied: false });
    const message = (await messagesOf(inbound.conversationId)).find(
      (candidate) => candidate.id === reply.body.id,
    );
    expect(message).toMatchObject({ status: 'read' });
    expect(message.readAt).not.toBeNull();
  });

  it('records a failed report after delivered or read as an event, without moving the status back', async () => {
    const channel = await givenApiChannel(tenant, { webhookUrl: shop.url });
    const inbound = await receiveApiMessage(app, channel);
    const reply = await tenant.api.post(`/api/v1/conversations/${inbound.conversationId}/replies`, {
      text: 'Angekommen?',
    });
    await waitForStatus(inbound.conversationId, reply.body.id, 'sent');
    const report = (status: string, reason?: string) =>
      postToChannel(app, channel, { type: 'status', messageId: reply.body.id, status, reason });
    expect((await report('delivered')).body.results[0]).toMatchObject({ applied: true });
    const late = await report('failed', 'expired');
    expect(late.body.results[0]).toMatchObject({ type: 'status', messageId: reply.body.id, applied: false });

    const message = (await messagesOf(inbound.conversationId)).find((item) => item.id === reply.body.id);
    expect(message).toMatchObject({ status: 'delivered', failedAt: null, statusReason: null });
    const retry = await tenant.api.post(
      `/api/v1/conversations/${inbound.conversationId}/messages/${reply.body.id}/retry`,
    );
    expect(retry.status).toBe(409);
    const { rows } = await app.unisono.platform.database.executeSql(
      `select payload from domain_events where tenant_id = $1 and entity_id = $2 and type = 'message.status_reported'`,
      [tenant.id, reply.body.id],
    );
    expect(rows.map((row: any) => row.payload)).toEqual([
      {
        messageId: reply.body.id,
        reported: 'failed',
        reason: 'expired',
        status: 'delivered',
        applied: false,
      },
    ]);
  });

  it('takes a failure report for a sent message, sanitised, and a later delivery report over it', async () => {
    const channel = await givenApiChannel(tenant, { webhookUrl: shop.url });
    const inbound = await receiveApiMessage(app, channel);
    const reply = await tenant.api.post(`/api/v1/conversations/${inbound.conversationId}/replies`, {
      text: 'Zweiter Versuch',
    });
    await waitForStatus(inbound.conversationId, reply.body.id, 'sent');
    const failed = await postToChannel(app, channel, {
      type: 'status',
      messageId: reply.body.id,
      status: 'failed',
      reason: `handset\r\nunreachable ${'x'.repeat(400)}`,
    });
    expect(failed.body.results[0]).toMatchObject({ applied: true });
    const shown = await waitForStatus(inbound.conversationId, reply.body.id, 'failed');
    expect(shown.statusReason).toMatch(/^handset unreachable x+…$/);
    expect(shown.statusReason.length).toBeLessThanOrEqual(200);
    await postToChannel(app, channel, { type: 'status', messageId: reply.body.id, status: 'read' });
    expect(await waitForStatus(inbound.conversationId, reply.body.id, 'read')).toMatchObject({
      statusReason: null,
    });
  });

  const privateWebhooks = (port: string) => [
    'http://169.254.169.254/latest/meta-data/',
    'http://10.255.255.1/hook',
    `http://[::1]:${port}/webhook`,
    'http://[::ffff:169.254.169.254]/',
    'http://2852039166/',
  ];

  it('refuses to save a webhook on a private or metadata address outside OUTBOUND_ALLOW_PRIVATE', async () => {
    for (const webhookUrl of privateWebhooks(new URL(shop.url).port)) {
      const response = await tenant.api.post('/api/v1/channels', {
        kind: 'api',
        name: unique('SSRF'),
        settings: { webhookUrl },
      });
      expect(response.status).toBe(400);
      expect(response.body.errors[0]).toMatchObject({
        field: 'body.settings.webhookUrl',
        message: expect.stringContaining('is not an allowed destination'),
      });
    }
  });

  it('refuses at delivery a private webhook that was stored before the guard existed', async () => {
    for (const webhookUrl of privateWebhooks(new URL(shop.url).port)) {
      const channel = await givenApiChannel(tenant, { webhookUrl: shop.url });
      // As an older version stored it: the settings check did not exist yet.
      await app.unisono.platform.database.executeSql(
        `update channels set config = jsonb_set(config, '{webhookUrl}', to_jsonb($3::text))
          where tenant_id = $1 and id = $2`,
        [tenant.id, channel.id, webhookUrl],
      );
      const inbound = await receiveApiMessage(app, channel);
      const reply = await tenant.api.post(`/api/v1/conversations/${inbound.conversationId}/replies`, {
        text: 'Geheim?',
      });
      const failed = await waitForStatus(inbound.conversationId, reply.body.id, 'failed');
      expect(failed.attempts).toBe(1);
      expect(failed.statusReason).toMatch(
        /^Webhook is not an allowed destination: .* \(see OUTBOUND_ALLOW_PRIVATE\)$/,
      );
    }
    expect(shop.requests.some((request) => request.json?.text === 'Geheim?')).toBe(false);
  });

  it('lets the agent send a reply that waits for its next attempt now', async () => {
    const slow = await new FakeReceiver((_request, index) =>
      index === 0
        ? { status: 503, body: {}, headers: { 'retry-after': '3600' } }
        : { status: 200, body: { id: 'provider-now' } },
    ).start();
    try {
      const channel = await givenApiChannel(tenant, { webhookUrl: slow.url });
      const inbound = await receiveApiMessage(app, channel);
      const reply = await tenant.api.post(`/api/v1/conversations/${inbound.conversationId}/replies`, {
        text: 'Jetzt bitte',
      });
      const waiting = await eventually(async () => {
        const message = (await messagesOf(inbound.conversationId)).find((item) => item.id === reply.body.id);
        return message?.attempts === 1 ? message : undefined;
      });
      expect(waiting.status).toBe('queued');
      expect(Date.parse(waiting.nextAttemptAt) - Date.now()).toBeGreaterThan(30 * 60_000);
      const path = `/api/v1/conversations/${inbound.conversationId}/messages/${reply.body.id}/send-now`;
      const now = await tenant.api.post(path);
      expect(now.status).toBe(200);
      expect(Date.parse(now.body.nextAttemptAt)).toBeLessThanOrEqual(Date.now());
      const sent = await waitForStatus(inbound.conversationId, reply.body.id, 'sent');
      expect(sent).toMatchObject({ attempts: 2, externalId: 'provider-now', nextAttemptAt: null });
      expect((await tenant.api.post(path)).status).toBe(409);
    } finally {
      await slow.stop();
    }
  });

  it('refuses an inbound signature without the signed timestamp', async () => {
    const channel = await givenApiChannel(tenant, { webhookUrl: shop.url });
    const body = JSON.stringify({ id: unique('old'), from: { value: 'old@example.de' }, text: 'alt' });
    const legacy = `sha256=${createHmac('sha256', channel.secret).update(body).digest('hex')}`;
    const response = await fetch(`${app.url}/api/v1/inbound/${channel.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-unisono-signature': legacy },
      body,
    });
    expect(response.status).toBe(401);
  });

  it('keeps internal notes inside: nothing is sent to any channel', async () => {
    const quiet = await new FakeReceiver().start();
    try {
      const channel = await givenApiChannel(tenant, { webhookUrl: quiet.url });
      const inbound = await receiveApiMessage(app, channel);
      const note = await tenant.api.post(`/api/v1/conversations/${inbound.conversationId}/notes`, {
        text: 'Kunde ist VIP',
      });
      expect(note.status).toBe(201);
      expect(note.body).toMatchObject({ kind: 'note', status: null, channelId: null });
      const reply = await tenant.api.post(`/api/v1/conversations/${inbound.conversationId}/replies`, {
        text: 'Öffentlich',
      });
      await waitForStatus(inbound.conversationId, reply.body.id, 'sent');
      expect(quiet.requests.map((request) => request.json.text)).toEqual(['Öffentlich']);
    } finally {
      await quiet.stop();
    }
  });

  it('refuses a reply to an identity the channel cannot reach, or of another contact', async () => {
    const channel = await givenApiChannel(tenant, { webhookUrl: shop.url });
    const inbound = await receiveApiMessage(app, channel);
    const other = await receiveApiMessage(app, channel);
    const otherContact = await tenant.api.get(`/api/v1/contacts/${other.contactId}`);
    const response = await tenant.api.post(`/api/v1/conversations/${inbound.conversationId}/replies`, {
      text: 'x',
      identityId: otherContact.body.identities[0].id,
    });
    expect(response.status).toBe(404);
    const empty = await tenant.api.post(`/api/v1/conversations/${inbound.conversationId}/replies`, {
      text: '   ',
    });
    expect(empty.status).toBe(400);
  });
});
