import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTenant,
  type GivenTenant,
  givenAgent,
  givenApiChannel,
  receiveApiMessage,
  unique,
} from '../../../test/support/factories.ts';
import { startTestApp, type TestApp, testDatabases } from '../../../test/support/test-app.ts';

// More than the search looks at first (the newest 20,000 messages), so both of its paths run.
const FILLER = 20_500;
// More than the contact search looks at first (the newest 5,000 contacts).
const NAMESAKES = 5_100;

describe.each(testDatabases())('message search on %s', (kind) => {
  let app: TestApp;
  let tenant: GivenTenant;
  let newest: string[];
  let rare: string;
  let oldContact: string;

  beforeAll(async () => {
    app = await startTestApp(kind);
    tenant = await createTenant(app);
    const channel = await givenApiChannel(tenant);
    const first = await receiveApiMessage(app, channel, { text: 'Gutschrift für den Sonderfall' });
    rare = first.messageId;
    const { database } = app.unisono.platform;
    // A busy tenant's history, written straight into the table: every message mentions "Rechnung".
    await database.executeSql(
      `insert into messages (tenant_id, id, conversation_id, contact_id, direction, kind, channel_id, text,
                             status, language, created_at)
       select tenant_id, gen_random_uuid(), conversation_id, contact_id, 'inbound', 'message', channel_id,
              'Frage zur Rechnung Nummer ' || n, 'received', 'de', now() - make_interval(mins => n)
       from messages, generate_series(1, $2::int) n
       where tenant_id = $1 and id = $3`,
      [tenant.id, FILLER, first.messageId],
    );
    await database.executeSql("update messages set created_at = now() - interval '400 days' where id = $1", [
      rare,
    ]);
    const { rows } = await database.executeSql(
      `select id from messages where tenant_id = $1 and text like 'Frage zur Rechnung%'
       order by created_at desc limit 10`,
      [tenant.id],
    );
    newest = rows.map((row) => row.id as string);

    // More namesakes than the contact search looks at first, and one old contact only an index finds.
    await database.executeSql(
      `insert into contacts (tenant_id, id, name, created_at, updated_at)
       select $1, gen_random_uuid(), 'Jana Müller ' || n, now() - make_interval(mins => n), now()
       from generate_series(1, $2::int) n`,
      [tenant.id, NAMESAKES],
    );
    const { rows: old } = await database.executeSql(
      `insert into contacts (tenant_id, id, name, created_at, updated_at)
       values ($1, gen_random_uuid(), 'Zacharias Seltenname', now() - interval '3 years', now()) returning id`,
      [tenant.id],
    );
    oldContact = old[0].id;
    await database.executeSql(
      `insert into contact_identities (tenant_id, id, contact_id, kind, value, display_value)
       values ($1, gen_random_uuid(), $2, 'phone', '+4915100012345', '+49 151 00012345')`,
      [tenant.id, oldContact],
    );
  }, 120_000);
  afterAll(() => app?.stop());

  const search = async (q: string, extra = '') =>
    (await tenant.api.get(`/api/v1/search?scope=messages&q=${encodeURIComponent(q)}${extra}`)).body
      .messages as any[];

  it('keeps the full-text index pending list short, so no ingest transaction merges megabytes', async () => {
    const { rows } = await app.unisono.platform.database.executeSql(
      `select reloptions::text as options from pg_class where relname = 'messages_search_idx'`,
    );
    expect(rows[0].options).toContain('gin_pending_list_limit=256');
  });

  it('answers a word in thousands of messages with its newest hits', async () => {
    const hits = await search('Rechnungen', '&limit=10');
    // Equally relevant hits come newest first.
    expect(hits.map((hit) => hit.messageId)).toEqual(newest);
    expect(hits[0].snippet).toContain('<mark>Rechnung</mark>');
  });

  it('still finds a rare word in a message older than everything else', async () => {
    const hits = await search('Sonderfall');
    expect(hits.map((hit) => hit.messageId)).toEqual([rare]);
  });

  it('keeps filters on both paths', async () => {
    expect(await search('Rechnung', '&status=resolved')).toEqual([]);
    const recentOnly = await search(
      'Sonderfall',
      `&from=${encodeURIComponent(new Date(Date.now() - 86_400_000).toISOString())}`,
    );
    expect(recentOnly).toEqual([]);
    expect(await search(unique('nirgends'))).toEqual([]);
  });

  const contacts = async (q: string, extra = '') =>
    (await tenant.api.get(`/api/v1/contacts?q=${encodeURIComponent(q)}${extra}`)).body;

  it('pages through a common name newest first', async () => {
    const first = await contacts('müll', '&limit=5');
    expect(first.items.map((item: any) => item.name)).toEqual([1, 2, 3, 4, 5].map((n) => `Jana Müller ${n}`));
    const second = await contacts('müll', `&limit=5&cursor=${first.nextCursor}`);
    expect(second.items.map((item: any) => item.name)).toEqual(
      [6, 7, 8, 9, 10].map((n) => `Jana Müller ${n}`),
    );
  });

  it('finds an old contact by a rare name and by phone digits typed the national way', async () => {
    expect((await contacts('Seltenn')).items.map((item: any) => item.id)).toEqual([oldContact]);
    expect((await contacts('0151 00012')).items.map((item: any) => item.id)).toEqual([oldContact]);
    expect((await contacts('Jana Müller 5099')).items.map((item: any) => item.name)).toEqual([
      'Jana Müller 5099',
    ]);
  });

  it("shows agents only hits in conversations they may see (their teams', unassigned to a team, or theirs)", async () => {
    const outsider = await givenAgent(app, tenant);
    const insider = await givenAgent(app, tenant);
    const team = await tenant.api.post('/api/v1/teams', {
      name: unique('Vertrieb'),
      memberIds: [insider.id],
    });
    const word = `Sondervereinbarung${unique('x').replace(/[^a-z0-9]/gi, '')}`;
    const inbound = await receiveApiMessage(app, await givenApiChannel(tenant), {
      text: `Zur ${word} bitte`,
    });
    await tenant.api.patch(`/api/v1/conversations/${inbound.conversationId}`, { teamId: team.body.id });
    const hits = async (api: GivenTenant['api']) =>
      ((await api.get(`/api/v1/search?scope=messages&q=${word}`)).body.messages as any[]).map(
        (hit) => hit.conversationId,
      );
    expect(await hits(tenant.api)).toEqual([inbound.conversationId]);
    expect(await hits(insider.api)).toEqual([inbound.conversationId]);
    expect(await hits(outsider.api)).toEqual([]);
    await tenant.api.patch(`/api/v1/conversations/${inbound.conversationId}`, { assigneeId: outsider.id });
    expect(await hits(outsider.api)).toEqual([inbound.conversationId]);
  });
});
