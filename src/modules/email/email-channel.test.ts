import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { givenEmailChannel, postRawMail, receiveMail } from '../../../test/support/email-factories.ts';
import {
  createTenant,
  eventually,
  type GivenTenant,
  givenAgent,
  unique,
} from '../../../test/support/factories.ts';
import { buildMail } from '../../../test/support/mail-builder.ts';
import { SmtpSink } from '../../../test/support/smtp-sink.ts';
import { startTestApp, type TestApp, testDatabases } from '../../../test/support/test-app.ts';
import { replyAddress } from '../../channels/email/reply-token.ts';

describe.each(testDatabases())('email channel on %s', (kind) => {
  let app: TestApp;
  let tenant: GivenTenant;
  const sink = new SmtpSink();

  beforeAll(async () => {
    await sink.start();
    app = await startTestApp(kind, { DELIVERY_MAX_ATTEMPTS: '3' });
    tenant = await createTenant(app);
  });
  afterAll(async () => {
    await app?.stop();
    await sink.stop();
  });

  const messagesOf = async (conversationId: string) =>
    (await tenant.api.get(`/api/v1/conversations/${conversationId}/messages`)).body.items as any[];
  const waitForStatus = (conversationId: string, messageId: string, status: string) =>
    eventually(
      async () =>
        (await messagesOf(conversationId)).find(
          (message) => message.id === messageId && message.status === status,
        ),
      15_000,
      `message ${messageId} to become ${status}`,
    );
  const reply = async (conversationId: string, body: Record<string, unknown>) => {
    const response = await tenant.api.post(`/api/v1/conversations/${conversationId}/replies`, body);
    expect(response.status).toBe(201);
    return response.body;
  };

  it('ingests raw MIME posted to the signed URL and keeps the original bytes', async () => {
    const channel = await givenEmailChannel(tenant);
    const raw = await buildMail({
      from: '"=?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?=" <juergen@kunde.example>',
      to: channel.address,
      subject: '=?ISO-8859-1?Q?R=FCckfrage_zur_Lieferung?=',
      text: 'Guten Tag,\n\nwo bleibt mein Paket?\n\nAm 02.03.2026 um 10:12 schrieb Shop Support:\n> Ihr Paket ist unterwegs.\n',
      html: '<p onclick="x()">Guten Tag,</p><p>wo bleibt mein Paket?<img src="cid:logo@kunde"></p><script>alert(1)</script>',
      attachments: [
        {
          filename: 'logo.png',
          content: Buffer.from('png-bytes'),
          cid: 'logo@kunde',
          contentType: 'image/png',
        },
        {
          filename: 'Rechnung März.pdf',
          content: Buffer.from('%PDF-1.4 test'),
          contentType: 'application/pdf',
        },
      ],
    });
    expect((await postRawMail(app, channel, raw, 'wrong-token-0123456789')).status).toBe(401);

    const stored = await receiveMail(app, channel, raw);
    const [message] = await messagesOf(stored.conversationId);
    expect(message).toMatchObject({
      subject: 'Rückfrage zur Lieferung',
      text: 'Guten Tag,\n\nwo bleibt mein Paket?',
      metadata: { quotedText: expect.stringContaining('Ihr Paket ist unterwegs.') },
    });
    expect(message.html).not.toMatch(/script|onclick/);
    expect(message.html).toContain('cid:logo@kunde');
    expect(message.attachments).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ filename: 'logo.png', contentId: 'logo@kunde', inline: true }),
        expect.objectContaining({ filename: 'Rechnung März.pdf', inline: false }),
      ]),
    );
    const contact = await tenant.api.get(`/api/v1/contacts/${stored.contactId}`);
    expect(contact.body.name).toBe('Jürgen Müller');

    const download = await fetch(
      `${app.url}/api/v1/conversations/${stored.conversationId}/messages/${message.id}/raw`,
      {
        headers: { authorization: `Bearer ${tenant.admin.token}` },
      },
    );
    expect(Buffer.from(await download.arrayBuffer()).equals(raw)).toBe(true);
    expect((await postRawMail(app, channel, raw)).body.results[0]).toMatchObject({ duplicate: true });
  });

  it('replies over SMTP with our Message-ID, threading headers, the conversation reference and the reply token', async () => {
    const channel = await givenEmailChannel(tenant, {
      ...sink.settings(),
      signatureTemplate: '{{agent.name}}\n{{channel.name}}',
    });
    const customerMessageId = `${unique('m')}@kunde.example`;
    const stored = await receiveMail(
      app,
      channel,
      await buildMail({
        from: 'anna@kunde.example',
        to: channel.address,
        messageId: `<${customerMessageId}>`,
        subject: 'Bestellung 4711',
      }),
    );
    const sent = await reply(stored.conversationId, {
      text: 'Ihr Paket ist unterwegs.',
      attachments: [
        {
          filename: 'label.pdf',
          contentType: 'application/pdf',
          data: Buffer.from('%PDF').toString('base64'),
        },
      ],
    });
    const delivered = await waitForStatus(stored.conversationId, sent.id, 'sent');
    expect(delivered.externalId).toBe(`unisono.${sent.id}@shop.example`);
    const conversation = (await tenant.api.get(`/api/v1/conversations/${stored.conversationId}`)).body;

    const mail = sink.mails.find(
      (candidate) => candidate.parsed.messageId === `<unisono.${sent.id}@shop.example>`,
    )!;
    expect(mail.envelope).toEqual({ from: channel.address, to: ['anna@kunde.example'] });
    expect(mail.parsed.from?.value[0]).toMatchObject({ address: channel.address, name: 'Shop Support' });
    expect(mail.parsed.replyTo?.value[0]?.address).toBe(
      replyAddress(channel.address, channel.signingSecret, stored.conversationId),
    );
    expect(mail.parsed.inReplyTo).toBe(`<${customerMessageId}>`);
    expect(mail.parsed.references).toBe(`<${customerMessageId}>`);
    expect(mail.parsed.subject).toBe(`Re: Bestellung 4711 [#${conversation.number}]`);
    expect(mail.parsed.text).toContain('Ihr Paket ist unterwegs.\n\n-- \nAda Admin\nShop Support');
    expect(mail.parsed.html).toContain('Ihr Paket ist unterwegs.');
    expect(mail.parsed.attachments.map((attachment) => attachment.filename)).toEqual(['label.pdf']);

    // The customer answers our mail: In-Reply-To our Message-ID brings it back to the same conversation.
    const answer = await receiveMail(
      app,
      channel,
      await buildMail({
        from: 'anna@kunde.example',
        to: channel.address,
        subject: `AW: ${mail.parsed.subject}`,
        inReplyTo: mail.parsed.messageId,
        references: [`<${customerMessageId}>`, mail.parsed.messageId!],
        text: 'Danke!\n\n-----Ursprüngliche Nachricht-----\nVon: Shop Support\nGesendet: heute\nAn: anna\nBetreff: Bestellung',
      }),
    );
    expect(answer.conversationId).toBe(stored.conversationId);
    const again = await reply(stored.conversationId, { text: 'Gern geschehen.' });
    await waitForStatus(stored.conversationId, again.id, 'sent');
    const second = sink.mails.find(
      (candidate) => candidate.parsed.messageId === `<unisono.${again.id}@shop.example>`,
    )!;
    expect(second.parsed.references).toEqual([
      `<${customerMessageId}>`,
      `<unisono.${sent.id}@shop.example>`,
      expect.stringContaining('@kunde.example>'),
    ]);
  });

  it('threads by reply token, by Message-ID, by subject number only for participants, and opens new cases otherwise', async () => {
    const channel = await givenEmailChannel(tenant);
    const first = await receiveMail(
      app,
      channel,
      await buildMail({ from: 'bernd@kunde.example', to: channel.address }),
    );
    const number = (await tenant.api.get(`/api/v1/conversations/${first.conversationId}`)).body.number;

    const byToken = await receiveMail(
      app,
      channel,
      await buildMail({
        from: 'bernd@kunde.example',
        to: replyAddress(channel.address, channel.signingSecret, first.conversationId),
        subject: 'ganz anderer Betreff',
      }),
    );
    expect(byToken.conversationId).toBe(first.conversationId);

    const forgedToken = replyAddress(channel.address, 'another-secret-0123456789', first.conversationId);
    const forged = await receiveMail(
      app,
      channel,
      await buildMail({ from: 'mallory@evil.example', to: forgedToken }),
    );
    expect(forged.conversationId).not.toBe(first.conversationId);

    const bySubject = await receiveMail(
      app,
      channel,
      await buildMail({ from: 'bernd@kunde.example', to: channel.address, subject: `Nachtrag [#${number}]` }),
    );
    expect(bySubject.conversationId).toBe(first.conversationId);

    // Another customer quoting the number must never land in Bernd's conversation.
    const stranger = await receiveMail(
      app,
      channel,
      await buildMail({ from: 'mallory@evil.example', to: channel.address, subject: `Re: [#${number}]` }),
    );
    expect(stranger.conversationId).not.toBe(first.conversationId);

    const fresh = await receiveMail(
      app,
      channel,
      await buildMail({ from: 'bernd@kunde.example', to: channel.address }),
    );
    expect(fresh.conversationId).not.toBe(first.conversationId);
  });

  it('records CC participants, lets them thread by number, and replies to all', async () => {
    const channel = await givenEmailChannel(tenant, sink.settings());
    const stored = await receiveMail(
      app,
      channel,
      await buildMail({
        from: 'chef@firma.example',
        to: channel.address,
        cc: ['Kollegin <kollegin@firma.example>', channel.address],
      }),
    );
    const [message] = await messagesOf(stored.conversationId);
    expect(message.metadata.cc).toEqual(['kollegin@firma.example']);
    const number = (await tenant.api.get(`/api/v1/conversations/${stored.conversationId}`)).body.number;
    const fromCc = await receiveMail(
      app,
      channel,
      await buildMail({ from: 'kollegin@firma.example', to: channel.address, subject: `Re: [#${number}]` }),
    );
    expect(fromCc.conversationId).toBe(stored.conversationId);

    const sent = await reply(stored.conversationId, { text: 'An alle', cc: ['kollegin@firma.example'] });
    await waitForStatus(stored.conversationId, sent.id, 'sent');
    const mail = sink.mails.find(
      (candidate) => candidate.parsed.messageId === `<unisono.${sent.id}@shop.example>`,
    )!;
    expect(mail.envelope.to.sort()).toEqual(['kollegin@firma.example', 'chef@firma.example'].sort());
    expect(mail.parsed.headers.get('x-unisono-message-id')).toBe(sent.id);
  });

  it('signs replies with DKIM when the channel has a key', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const channel = await givenEmailChannel(tenant, {
      ...sink.settings(),
      dkimDomain: 'shop.example',
      dkimSelector: 'unisono',
      dkimPrivateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    });
    const stored = await receiveMail(app, channel, await buildMail({ to: channel.address }));
    const sent = await reply(stored.conversationId, { text: 'Signiert' });
    await waitForStatus(stored.conversationId, sent.id, 'sent');
    const mail = sink.mails.find(
      (candidate) => candidate.parsed.messageId === `<unisono.${sent.id}@shop.example>`,
    )!;
    const signature =
      /^DKIM-Signature:([^\r\n]*(\r\n[ \t][^\r\n]*)*)/m.exec(mail.raw.toString('latin1'))?.[1] ?? '';
    expect(signature.replace(/\s+/g, '')).toMatch(/d=shop\.example;.*s=unisono;/);
  });

  it("signs a reply with the name this tenant gave its author, not the account's name", async () => {
    const channel = await givenEmailChannel(tenant, {
      ...sink.settings(),
      signatureTemplate: '{{agent.name}}',
    });
    const agent = await givenAgent(app, tenant);
    expect((await tenant.api.patch(`/api/v1/users/${agent.id}`, { name: 'Bea vom Versand' })).status).toBe(
      200,
    );
    const stored = await receiveMail(app, channel, await buildMail({ to: channel.address }));
    const sent = await agent.api.post(`/api/v1/conversations/${stored.conversationId}/replies`, {
      text: 'Kommt morgen.',
    });
    expect(sent.status).toBe(201);
    await waitForStatus(stored.conversationId, sent.body.id, 'sent');
    const mail = sink.mails.find(
      (candidate) => candidate.parsed.messageId === `<unisono.${sent.body.id}@shop.example>`,
    )!;
    expect(mail.parsed.text).toContain('Kommt morgen.\n\n-- \nBea vom Versand');
  });

  it('retries 4xx answers and fails on 5xx with the server reason', async () => {
    const flaky = await new SmtpSink((_mail, index) =>
      index === 0 ? { code: 451, message: '4.3.0 Try again later' } : 'accept',
    ).start();
    const refusing = await new SmtpSink(() => ({
      code: 550,
      message: '5.1.1 Mailbox does not exist',
    })).start();
    try {
      const retried = await givenEmailChannel(tenant, flaky.settings());
      const first = await receiveMail(app, retried, await buildMail({ to: retried.address }));
      const sent = await reply(first.conversationId, { text: 'Versuch' });
      const ok = await waitForStatus(first.conversationId, sent.id, 'sent');
      expect(ok.attempts).toBe(2);

      const refused = await givenEmailChannel(tenant, refusing.settings());
      const second = await receiveMail(app, refused, await buildMail({ to: refused.address }));
      const failing = await reply(second.conversationId, { text: 'Versuch' });
      const failed = await waitForStatus(second.conversationId, failing.id, 'failed');
      expect(failed.attempts).toBe(1);
      expect(failed.statusReason).toMatch(/550.*Mailbox does not exist/);
    } finally {
      await Promise.all([flaky.stop(), refusing.stop()]);
    }
  });

  it('marks our message failed on a bounce, flags auto-replies and drops our own mail coming back', async () => {
    const channel = await givenEmailChannel(tenant, sink.settings());
    const stored = await receiveMail(
      app,
      channel,
      await buildMail({ from: 'dora@kunde.example', to: channel.address }),
    );
    const sent = await reply(stored.conversationId, { text: 'Antwort' });
    await waitForStatus(stored.conversationId, sent.id, 'sent');
    const ours = sink.mails.find(
      (candidate) => candidate.parsed.messageId === `<unisono.${sent.id}@shop.example>`,
    )!;

    const bounce = Buffer.from(
      [
        'From: Mail Delivery System <MAILER-DAEMON@mx.kunde.example>',
        `To: ${channel.address}`,
        'Subject: Undelivered Mail Returned to Sender',
        `Message-ID: <${unique('dsn')}@mx.kunde.example>`,
        'MIME-Version: 1.0',
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
        '',
        '--b1',
        'Content-Type: text/plain',
        '',
        'Your message could not be delivered.',
        '--b1',
        'Content-Type: message/delivery-status',
        '',
        'Reporting-MTA: dns; mx.kunde.example',
        '',
        'Final-Recipient: rfc822; dora@kunde.example',
        'Action: failed',
        'Status: 5.1.1',
        'Diagnostic-Code: smtp; 550 5.1.1 User unknown',
        '--b1',
        'Content-Type: text/rfc822-headers',
        '',
        ours.raw.toString('utf8').split('\r\n\r\n')[0],
        '--b1--',
        '',
      ].join('\r\n'),
    );
    const bounced = await postRawMail(app, channel, bounce);
    expect(bounced.body.results).toEqual([{ type: 'status', messageId: sent.id, applied: true }]);
    const failed = (await messagesOf(stored.conversationId)).find((message) => message.id === sent.id);
    expect(failed).toMatchObject({
      status: 'failed',
      statusReason: expect.stringMatching(/^Hard bounce 5\.1\.1 for dora@kunde\.example: 550/),
    });
    expect(await messagesOf(stored.conversationId)).toHaveLength(2);

    const outOfOffice = await receiveMail(
      app,
      channel,
      await buildMail({
        from: 'dora@kunde.example',
        to: channel.address,
        subject: 'Automatische Antwort: Ihre Anfrage',
        headers: { 'Auto-Submitted': 'auto-replied' },
        inReplyTo: ours.parsed.messageId,
      }),
    );
    expect(outOfOffice.conversationId).toBe(stored.conversationId);
    const autoReply = (await messagesOf(stored.conversationId)).find(
      (message) => message.id === outOfOffice.messageId,
    );
    expect(autoReply.metadata).toMatchObject({
      autoReply: true,
      autoReplyReason: 'Auto-Submitted: auto-replied',
    });

    const loop = await postRawMail(app, channel, ours.raw);
    expect(loop).toEqual({ status: 202, body: { results: [] } });
  });
});
