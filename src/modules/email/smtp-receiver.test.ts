import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { givenEmailChannel } from '../../../test/support/email-factories.ts';
import { createTenant, eventually, type GivenTenant, unique } from '../../../test/support/factories.ts';
import { buildMail } from '../../../test/support/mail-builder.ts';
import { freePort } from '../../../test/support/server-process.ts';
import { startTestApp, type TestApp, testDatabases } from '../../../test/support/test-app.ts';
import { selfSignedCertificate } from '../../../test/support/tls-certificate.ts';

describe.each(testDatabases())('SMTP receiver on %s', (kind) => {
  let app: TestApp;
  let tenant: GivenTenant;
  let port: number;
  const certificate = selfSignedCertificate();

  beforeAll(async () => {
    port = await freePort();
    app = await startTestApp(kind, {
      ROLES: 'web,worker,smtp',
      SMTP_PORT: String(port),
      SMTP_TLS_KEY: certificate.keyPath,
      SMTP_TLS_CERT: certificate.certPath,
      SMTP_MAX_BYTES: String(200 * 1024),
      SMTP_RATE_LIMIT: '40',
      EMAIL_FLOOD_LIMIT: '3',
    });
    tenant = await createTenant(app);
  });
  afterAll(() => app?.stop());

  /** A sending MTA: STARTTLS required, our self-signed certificate trusted. */
  const mta = (options: { requireTLS?: boolean } = {}) =>
    createTransport({
      host: '127.0.0.1',
      port,
      secure: false,
      requireTLS: options.requireTLS ?? true,
      tls: { ca: [certificate.cert], servername: 'localhost' },
      logger: false,
    });
  const send = (raw: Buffer, from: string, to: string[], options?: { requireTLS?: boolean }) =>
    mta(options).sendMail({ envelope: { from, to }, raw });
  const conversationsWith = async (subject: string) =>
    (await tenant.api.get('/api/v1/conversations?limit=100')).body.items.filter(
      (conversation: any) => conversation.subject === subject,
    ) as any[];

  it('accepts mail for a channel address over STARTTLS and stores it before answering 250', async () => {
    const channel = await givenEmailChannel(tenant);
    const subject = unique('Über SMTP');
    const info = await send(
      await buildMail({ from: 'erika@kunde.example', to: channel.address, subject }),
      'erika@kunde.example',
      [channel.address.replace('@', '+tag@')],
    );
    expect(info.response).toMatch(/^250 2\.0\.0 Stored/);
    const [conversation] = await conversationsWith(subject);
    expect(conversation).toMatchObject({ channelId: channel.id, subject });
  });

  it('refuses unknown recipients at RCPT time with 550 and oversized mail with 552', async () => {
    const channel = await givenEmailChannel(tenant);
    const unknown = await send(await buildMail(), 'x@kunde.example', [
      `${unique('nobody')}@shop.example`,
    ]).catch((error) => error);
    expect(unknown).toMatchObject({ responseCode: 550 });
    expect(String(unknown.response)).toMatch(/5\.1\.1.*unknown user/);

    const huge = await buildMail({
      to: channel.address,
      attachments: [{ filename: 'big.bin', content: Buffer.alloc(300 * 1024, 7) }],
    });
    const oversized = await send(huge, 'x@kunde.example', [channel.address]).catch((error) => error);
    expect(oversized).toMatchObject({ responseCode: 552 });
  });

  it('delivers one mail addressed to two channels into both', async () => {
    const first = await givenEmailChannel(tenant);
    const second = await givenEmailChannel(tenant);
    const subject = unique('An beide');
    await send(await buildMail({ to: [first.address, second.address], subject }), 'x@kunde.example', [
      first.address,
      second.address,
    ]);
    const conversations = await conversationsWith(subject);
    expect(conversations.map((conversation) => conversation.channelId).sort()).toEqual(
      [first.id, second.id].sort(),
    );
  });

  it('holds mail over the per-sender flood limit and mail without a sender, and can re-process both', async () => {
    const channel = await givenEmailChannel(tenant);
    const sender = `${unique('flood')}@kunde.example`;
    const subject = unique('Flut');
    for (let index = 0; index < 4; index++) {
      await send(await buildMail({ from: sender, to: channel.address, subject }), sender, [channel.address]);
    }
    expect(await conversationsWith(subject)).toHaveLength(3);

    const anonymous = Buffer.from(
      `To: ${channel.address}\r\nSubject: ${unique('ohne Absender')}\r\n\r\nHallo\r\n`,
    );
    await send(anonymous, 'bounce@kunde.example', [channel.address]);

    const failed = (await tenant.api.get('/api/v1/email/failed-inbound')).body.items as any[];
    const flood = failed.find((item) => item.sender === sender);
    const noSender = failed.find((item) => item.error.includes('no sender address'));
    expect(flood).toMatchObject({
      reason: 'flood',
      source: 'smtp',
      channelId: channel.id,
      status: 'pending',
    });
    expect(noSender).toMatchObject({ reason: 'unparseable', envelope: { from: 'bounce@kunde.example' } });
    const raw = await fetch(`${app.url}${noSender.rawUrl}`, {
      headers: { authorization: `Bearer ${tenant.admin.token}` },
    });
    expect(Buffer.from(await raw.arrayBuffer()).equals(anonymous)).toBe(true);

    const released = await tenant.api.post(`/api/v1/email/failed-inbound/${flood.id}/reprocess`);
    expect(released.body).toMatchObject({ status: 'reprocessed', messageId: expect.any(String) });
    expect(await conversationsWith(subject)).toHaveLength(4);
    const still = await tenant.api.post(`/api/v1/email/failed-inbound/${noSender.id}/reprocess`);
    expect(still.body).toMatchObject({ status: 'pending', attempts: 2 });
    const discarded = await tenant.api.post(`/api/v1/email/failed-inbound/${noSender.id}/discard`);
    expect(discarded.body.status).toBe('discarded');
    const agentView = await tenant.api.get('/api/v1/email/failed-inbound?status=discarded');
    expect(agentView.body.items.map((item: any) => item.id)).toContain(noSender.id);
  });

  it('stores a different mail that reuses a Message-ID, and a byte-identical resend once', async () => {
    const channel = await givenEmailChannel(tenant);
    const messageId = `<${unique('reused')}@list.example>`;
    const first = await buildMail({
      from: 'anna@kunde.example',
      to: channel.address,
      messageId,
      subject: unique('Erste'),
      text: 'Erste Mail',
    });
    const other = await buildMail({
      from: 'bernd@kunde.example',
      to: channel.address,
      messageId,
      subject: unique('Zweite'),
      text: 'Ganz andere Mail',
    });
    const sameSender = await buildMail({
      from: 'anna@kunde.example',
      to: channel.address,
      messageId,
      subject: unique('Dritte'),
      text: 'Noch eine Mail',
    });
    for (const raw of [first, other, sameSender, first, other]) {
      const info = await send(raw, 'list@list.example', [channel.address]);
      expect(info.response).toMatch(/^250 /);
    }
    const subjects = [first, other, sameSender].map((raw) =>
      /^Subject: (.*)$/m.exec(raw.toString())![1]!.trim(),
    );
    for (const subject of subjects) {
      const found = await conversationsWith(subject);
      expect(found, subject).toHaveLength(1);
      expect(found[0].messageCount, subject).toBe(1);
    }
  });

  it('slows down a client over the per-address rate limit with 450', async () => {
    const channel = await givenEmailChannel(tenant);
    const transport = createTransport({
      host: '127.0.0.1',
      port,
      secure: false,
      ignoreTLS: true,
      pool: true,
      logger: false,
    });
    const results = await Promise.allSettled(
      Array.from({ length: 45 }, async () =>
        transport.sendMail({
          envelope: { from: `${unique('s')}@kunde.example`, to: [channel.address] },
          raw: await buildMail({ to: channel.address }),
        }),
      ),
    );
    transport.close();
    const refused = results.filter((result) => result.status === 'rejected');
    expect(refused.length).toBeGreaterThan(0);
    expect((refused[0] as PromiseRejectedResult).reason).toMatchObject({ responseCode: 450 });
    await eventually(async () => true);
  });
});
