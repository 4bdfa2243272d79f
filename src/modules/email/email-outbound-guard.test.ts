import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { givenEmailChannel, receiveMail } from '../../../test/support/email-factories.ts';
import { createTenant, eventually, type GivenTenant } from '../../../test/support/factories.ts';
import { buildMail } from '../../../test/support/mail-builder.ts';
import { SmtpSink } from '../../../test/support/smtp-sink.ts';
import { startTestApp, type TestApp, testDatabases } from '../../../test/support/test-app.ts';

/**
 * SMTP and IMAP hosts are admin settings the server connects to, like webhook URLs: without an allow-list
 * entry, a loopback or private host is refused before any socket opens (a real server listens there, so
 * only the guard stands between the setting and the connection).
 */
describe.each(testDatabases())('email transports behind the outbound guard on %s', (kind) => {
  let app: TestApp;
  let tenant: GivenTenant;
  const sink = new SmtpSink();

  beforeAll(async () => {
    await sink.start();
    app = await startTestApp(kind, { OUTBOUND_ALLOW_PRIVATE: '', IMAP_POLLING: 'on' });
    tenant = await createTenant(app);
  });
  afterAll(async () => {
    await app?.stop();
    await sink.stop();
  });

  it('refuses to send through an SMTP server on a loopback address or a name that resolves to one', async () => {
    for (const smtpHost of ['127.0.0.1', 'localhost']) {
      const channel = await givenEmailChannel(tenant, { ...sink.settings(), smtpHost });
      const inbound = await receiveMail(app, channel, await buildMail({ to: channel.address }));
      const sent = await tenant.api.post(`/api/v1/conversations/${inbound.conversationId}/replies`, {
        text: 'Antwort',
      });
      expect(sent.status).toBe(201);
      const failed = await eventually(async () => {
        const messages = (await tenant.api.get(`/api/v1/conversations/${inbound.conversationId}/messages`))
          .body.items as any[];
        return messages.find((message) => message.id === sent.body.id && message.status === 'failed');
      });
      expect(failed.statusReason).toContain('SMTP server is not an allowed destination');
      expect(failed.attempts).toBe(1);
    }
    expect(sink.mails).toHaveLength(0);
  });

  it('refuses to poll an IMAP mailbox on the metadata address, and says so on the channel', async () => {
    const channel = await givenEmailChannel(tenant, {
      imapHost: '169.254.169.254',
      imapPort: 143,
      imapSecurity: 'none',
      imapUser: 'probe',
      imapPassword: 'probe',
    });
    const status = await eventually(async () => {
      const body = (await tenant.api.get(`/api/v1/channels/${channel.id}`)).body;
      return body.status === 'error' ? body : undefined;
    });
    expect(status.statusDetail).toContain('IMAP server is not an allowed destination');
  });
});
