import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { givenEmailChannel, receiveMail } from '../../../test/support/email-factories.ts';
import { createTenant, type GivenTenant, unique } from '../../../test/support/factories.ts';
import { buildMail } from '../../../test/support/mail-builder.ts';
import { startTestApp, type TestApp, testDatabases } from '../../../test/support/test-app.ts';
import { replyAddress } from '../../channels/email/reply-token.ts';

describe.each(testDatabases())('email threading across customers on %s', (kind) => {
  let app: TestApp;
  let tenant: GivenTenant;

  beforeAll(async () => {
    app = await startTestApp(kind);
    tenant = await createTenant(app);
  });
  afterAll(() => app?.stop());

  const conversation = async (id: string) => (await tenant.api.get(`/api/v1/conversations/${id}`)).body;
  const messagesOf = async (id: string) =>
    (await tenant.api.get(`/api/v1/conversations/${id}/messages`)).body.items as any[];

  /** Bernd's conversation, opened by a mail with Kollegin on CC; its Message-ID and reply address. */
  async function givenBerndsConversation() {
    const channel = await givenEmailChannel(tenant);
    const bernd = `${unique('bernd')}@kunde.example`;
    const colleague = `${unique('kollegin')}@kunde.example`;
    const messageId = `<${unique('m')}@kunde.example>`;
    const first = await receiveMail(
      app,
      channel,
      await buildMail({ from: bernd, to: channel.address, cc: [colleague], messageId }),
    );
    const token = replyAddress(channel.address, channel.signingSecret, first.conversationId);
    return { channel, bernd, colleague, messageId, token, first };
  }

  it('a stranger answering by In-Reply-To or by the reply address opens a related conversation of their own', async () => {
    const { channel, messageId, token, first } = await givenBerndsConversation();
    const mallory = `${unique('mallory')}@evil.example`;

    const byReference = await receiveMail(
      app,
      channel,
      await buildMail({ from: mallory, to: channel.address, inReplyTo: messageId, references: [messageId] }),
    );
    const byAddress = await receiveMail(app, channel, await buildMail({ from: mallory, to: token }));
    for (const [stored, reason] of [
      [byReference, 'in_reply_to'],
      [byAddress, 'reply_address'],
    ] as const) {
      expect(stored.conversationId).not.toBe(first.conversationId);
      expect(await conversation(stored.conversationId)).toMatchObject({
        relatedConversationId: first.conversationId,
      });
      const [message] = await messagesOf(stored.conversationId);
      expect(message.metadata.relatedConversation).toEqual({ id: first.conversationId, reason });
    }
    expect(await messagesOf(first.conversationId)).toHaveLength(1);
    expect((await conversation(first.conversationId)).relatedConversationId).toBeNull();
  });

  it('the CC participant and another identity of the same contact still join by In-Reply-To and reply address', async () => {
    const { channel, colleague, messageId, token, first } = await givenBerndsConversation();
    const fromColleague = await receiveMail(
      app,
      channel,
      await buildMail({ from: colleague, to: channel.address, inReplyTo: messageId }),
    );
    expect(fromColleague.conversationId).toBe(first.conversationId);
    const colleagueByAddress = await receiveMail(
      app,
      channel,
      await buildMail({ from: colleague, to: token }),
    );
    expect(colleagueByAddress.conversationId).toBe(first.conversationId);

    const private_ = `${unique('bernd.privat')}@mail.example`;
    const added = await tenant.api.post(`/api/v1/contacts/${first.contactId}/identities`, {
      kind: 'email',
      value: private_,
    });
    expect(added.status).toBe(201);
    const fromOtherIdentity = await receiveMail(app, channel, await buildMail({ from: private_, to: token }));
    expect(fromOtherIdentity.conversationId).toBe(first.conversationId);
    const [, , , last] = await messagesOf(first.conversationId);
    expect(last.metadata.relatedConversation).toBeUndefined();
  });
});
