import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { givenEmailChannel, postRawMail, receiveMail } from '../../../test/support/email-factories.ts';
import { createTenant, eventually, type GivenTenant, unique } from '../../../test/support/factories.ts';
import { buildMail, rawMail } from '../../../test/support/mail-builder.ts';
import { SmtpSink } from '../../../test/support/smtp-sink.ts';
import { startTestApp, type TestApp, testDatabases } from '../../../test/support/test-app.ts';

describe.each(testDatabases())('bounces and reports on %s', (kind) => {
  let app: TestApp;
  let tenant: GivenTenant;
  const sink = new SmtpSink();

  beforeAll(async () => {
    await sink.start();
    app = await startTestApp(kind);
    tenant = await createTenant(app);
  });
  afterAll(async () => {
    await app?.stop();
    await sink.stop();
  });

  const messagesOf = async (conversationId: string) =>
    (await tenant.api.get(`/api/v1/conversations/${conversationId}/messages`)).body.items as any[];
  const conversationsWith = async (subject: string) =>
    (await tenant.api.get('/api/v1/conversations?limit=100')).body.items.filter(
      (conversation: any) => conversation.subject === subject,
    ) as any[];
  const accept = async (channelId: string, raw: Buffer, envelopeFrom: string) => {
    const channel = await app.unisono.services.channels.get(tenant.id, channelId);
    return app.unisono.services.email.accept(channel, raw, 'smtp', { from: envelopeFrom, to: [] });
  };

  /** A customer mail answered by an agent; the reply as the customer's server received it. */
  async function givenSentReply() {
    const channel = await givenEmailChannel(tenant, sink.settings());
    const stored = await receiveMail(app, channel, await buildMail({ to: channel.address }));
    const response = await tenant.api.post(`/api/v1/conversations/${stored.conversationId}/replies`, {
      text: 'Antwort',
    });
    const sent = await eventually(
      async () =>
        (await messagesOf(stored.conversationId)).find(
          (message) => message.id === response.body.id && message.status === 'sent',
        ),
      15_000,
      `the reply to be sent: ${JSON.stringify(await messagesOf(stored.conversationId))}`,
    );
    const mail = await eventually(
      async () =>
        sink.mails.find((candidate) => candidate.parsed.messageId === `<unisono.${sent.id}@shop.example>`),
      15_000,
      'the reply at the sink',
    );
    return { channel, conversationId: stored.conversationId, sent, mail };
  }

  it('a MAILER-DAEMON mail with an empty address marks our message failed and opens no conversation', async () => {
    const { channel, conversationId, sent, mail } = await givenSentReply();
    const subject = unique('Mail delivery failed');
    const headers = mail.raw.toString('utf8').split('\r\n\r\n')[0];
    const bounce = rawMail(
      `From: MAILER-DAEMON\nTo: ${channel.address}\nSubject: ${subject}\n\nThis message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of its recipients:\n\n  dora@kunde.example\n    host mx.kunde.example said: 550 5.1.1 No such user\n\n------ This is a copy of the message, including all the headers. ------\n\n${headers}\n\nAntwort\n`,
    );
    const result = await accept(channel.id, bounce, '');
    expect(result).toMatchObject({
      outcome: 'stored',
      results: expect.arrayContaining([{ type: 'status', messageId: sent.id, applied: true }]),
    });
    expect((await messagesOf(conversationId)).find((message) => message.id === sent.id)).toMatchObject({
      status: 'failed',
      statusReason: expect.stringMatching(/^Hard bounce: 550 5\.1\.1 No such user/),
    });
    expect(await conversationsWith(subject)).toEqual([]);
  });

  it('an ARF abuse report and an unmatched null-sender bounce are kept as reports, never as "no sender"', async () => {
    const { channel, sent } = await givenSentReply();
    const arfSubject = unique('Abuse report');
    const arf = rawMail(
      [
        'From: Feedback Loop <>',
        `To: ${channel.address}`,
        `Subject: ${arfSubject}`,
        'MIME-Version: 1.0',
        'Content-Type: multipart/report; report-type=feedback-report; boundary=b',
        '',
        '--b',
        'Content-Type: text/plain',
        '',
        'A user marked this mail as spam.',
        '--b',
        'Content-Type: message/feedback-report',
        '',
        'Feedback-Type: abuse',
        'Version: 1',
        '--b',
        'Content-Type: text/rfc822-headers',
        '',
        `Message-ID: <unisono.${sent.id}@shop.example>`,
        '--b--',
        '',
      ].join('\n'),
    );
    const arfResult = await accept(channel.id, arf, '');
    expect(arfResult).toMatchObject({
      outcome: 'held',
      failed: { reason: 'report', error: expect.stringContaining('Abuse report (abuse)') },
    });

    const strangerSubject = unique('Undelivered Mail');
    const unmatched = rawMail(
      `From: MAILER-DAEMON <>\nTo: ${channel.address}\nSubject: ${strangerSubject}\n\n550 5.1.1 unknown user\n`,
    );
    const unmatchedResult = await accept(channel.id, unmatched, '');
    expect(unmatchedResult).toMatchObject({ outcome: 'held', failed: { reason: 'report' } });

    const failed = (await tenant.api.get('/api/v1/email/failed-inbound')).body.items as any[];
    const kept = failed.filter((item) => [arfSubject, strangerSubject].includes(item.subject));
    expect(kept.map((item) => item.reason)).toEqual(['report', 'report']);
    for (const item of kept) expect(item.error).not.toMatch(/no sender/i);
    expect(await conversationsWith(arfSubject)).toEqual([]);
    expect(await conversationsWith(strangerSubject)).toEqual([]);

    // The signed raw MIME endpoint classifies the same way: accepted, nothing opened.
    const posted = await postRawMail(app, channel, unmatched);
    expect(posted).toEqual({ status: 202, body: { results: [] } });
    expect(await conversationsWith(strangerSubject)).toEqual([]);
  });
});
