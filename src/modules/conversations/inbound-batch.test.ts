import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTenant,
  type GivenChannel,
  type GivenTenant,
  givenApiChannel,
  receiveApiMessage,
  unique,
} from '../../../test/support/factories.ts';
import { startTestApp, type TestApp, testDatabases } from '../../../test/support/test-app.ts';
import type { InboundIdentity } from '../../channels/adapter.ts';

type StoredResult = { messageId: string; conversationId: string; contactId: string; duplicate: boolean };

/**
 * Messages that arrive together share one transaction and are stored set-wise (inbound-batch-store.ts). The
 * outcome must be the same as storing them one after another.
 */
describe.each(testDatabases())('inbound batches on %s', (kind) => {
  let app: TestApp;
  let tenant: GivenTenant;
  let channel: GivenChannel;

  beforeAll(async () => {
    app = await startTestApp(kind);
    tenant = await createTenant(app);
    channel = await givenApiChannel(tenant);
  });
  afterAll(() => app?.stop());

  const sql = (text: string, values: unknown[]) => app.unisono.platform.database.executeSql(text, values);
  /** Straight into the pipeline, all in one tick: over HTTP they would not reliably arrive together. */
  const ingestTogether = async (burst: { id: string; from: unknown; text: string }[]) => {
    const { inbound, channels } = app.unisono.services;
    const { channel: row } = await channels.resolve(channel.id);
    return (await Promise.all(
      burst.map(({ id, from, text }) =>
        inbound.ingest(row, { externalId: id, from: from as InboundIdentity, text, attachments: [] }),
      ),
    )) as StoredResult[];
  };

  it('stores a burst from new and known customers in one transaction, as if one by one', async () => {
    const known = `${unique('known')}@example.de`;
    const before = await receiveApiMessage(app, channel, { from: { kind: 'email', value: known } });
    const fresh = `${unique('fresh')}@example.de`;
    const repeated = unique('ext');
    const burst = [
      {
        id: unique('ext'),
        from: { kind: 'email', value: fresh, name: 'Frieda Neu' },
        text: 'Guten Tag, erste Nachricht',
      },
      { id: unique('ext'), from: { kind: 'email', value: known }, text: 'Noch eine Frage' },
      { id: repeated, from: { kind: 'email', value: fresh }, text: 'Und noch etwas dazu' },
      { id: repeated, from: { kind: 'email', value: fresh }, text: 'Und noch etwas dazu' },
      { id: unique('ext'), from: { kind: 'email', value: fresh.toUpperCase() }, text: 'Zuletzt das hier' },
    ];
    const results = await ingestTogether(burst);

    // One transaction for all of them.
    const ids = [...new Set(results.map((result) => result.messageId))];
    const { rows: xids } = await sql(
      `select distinct xmin::text as xid from messages where tenant_id = $1 and id = any($2::uuid[])`,
      [tenant.id, ids],
    );
    expect(xids).toHaveLength(1);

    // The new customer: one contact, one conversation, the repeat answered as a duplicate of the first.
    const [first, , third, fourth, fifth] = results;
    expect(new Set([first!.contactId, third!.contactId, fifth!.contactId]).size).toBe(1);
    expect(new Set([first!.conversationId, third!.conversationId, fifth!.conversationId]).size).toBe(1);
    expect(third!.duplicate).toBe(false);
    expect(fourth).toMatchObject({ duplicate: true, messageId: third!.messageId });
    const conversation = (await tenant.api.get(`/api/v1/conversations/${first!.conversationId}`)).body;
    expect(conversation).toMatchObject({
      messageCount: 3,
      status: 'open',
      lastMessagePreview: 'Zuletzt das hier',
      contact: { id: first!.contactId, name: 'Frieda Neu' },
    });
    const messages = (await tenant.api.get(`/api/v1/conversations/${first!.conversationId}/messages`)).body
      .items;
    expect(messages.map((message: { text: string }) => message.text)).toEqual([
      'Guten Tag, erste Nachricht',
      'Und noch etwas dazu',
      'Zuletzt das hier',
    ]);

    // The known customer joins the open conversation.
    expect(results[1]).toMatchObject({ contactId: before.contactId, conversationId: before.conversationId });
    const joined = (await tenant.api.get(`/api/v1/conversations/${before.conversationId}`)).body;
    expect(joined.messageCount).toBe(2);

    // Events: the contact and the conversation are created once, every message once.
    const { rows: events } = await sql(
      `select type, entity_id as "entityId" from domain_events where tenant_id = $1 and entity_id = any($2::uuid[])
       order by id`,
      [tenant.id, [first!.contactId, first!.conversationId, ...ids]],
    );
    const types = events.map((event: { type: string }) => event.type);
    expect(types.filter((type: string) => type === 'contact.created')).toHaveLength(1);
    expect(types.filter((type: string) => type === 'conversation.created')).toHaveLength(1);
    expect(types.filter((type: string) => type === 'message.created')).toHaveLength(ids.length);
    // The conversation is announced before its messages.
    expect(types.indexOf('conversation.created')).toBeLessThan(types.indexOf('message.created'));
  });

  it('answers a provider id stored earlier as a duplicate when it arrives inside a shared batch', async () => {
    const earlier = `${unique('earlier')}@example.de`;
    const firstId = unique('ext');
    const first = await receiveApiMessage(app, channel, {
      id: firstId,
      from: { kind: 'email', value: earlier },
    });
    const newcomer = `${unique('newcomer')}@example.de`;
    const burst = [
      { id: unique('ext'), from: { kind: 'email', value: newcomer }, text: 'Hallo zusammen' },
      { id: firstId, from: { kind: 'email', value: earlier }, text: 'sent again by the provider' },
      { id: unique('ext'), from: { kind: 'email', value: earlier }, text: 'Und eine neue Frage' },
      { id: unique('ext'), from: { kind: 'email', value: newcomer }, text: 'Noch etwas' },
    ];
    const results = await ingestTogether(burst);

    // The repeat answers what was stored the first time; everything else is stored exactly once.
    expect(results[1]).toMatchObject({
      duplicate: true,
      messageId: first.messageId,
      conversationId: first.conversationId,
    });
    expect(results.filter((result) => !result.duplicate)).toHaveLength(3);
    expect(results[2]).toMatchObject({ contactId: first.contactId, conversationId: first.conversationId });
    expect(results[3]!.conversationId).toBe(results[0]!.conversationId);
    const { rows } = await sql(
      `select external_id as "externalId", count(*)::int as count from messages
       where tenant_id = $1 and external_id = any($2::text[]) group by external_id`,
      [tenant.id, burst.map((message) => message.id)],
    );
    expect(rows).toHaveLength(4);
    expect(rows.every((entry: { count: number }) => entry.count === 1)).toBe(true);
    // The newcomer became one contact, whichever transaction stored their messages.
    const { rows: contacts } = await sql(
      `select count(*)::int as count from contact_identities where tenant_id = $1 and value = $2`,
      [tenant.id, newcomer],
    );
    expect(contacts[0].count).toBe(1);
    const conversation = (await tenant.api.get(`/api/v1/conversations/${first.conversationId}`)).body;
    expect(conversation.messageCount).toBe(2);
  });
});
