import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTenant,
  eventually,
  type GivenChannel,
  type GivenTenant,
  givenAgent,
  givenApiChannel,
  receiveApiMessage,
  unique,
} from '../../../test/support/factories.ts';
import { startTestApp, type TestApp, testDatabases } from '../../../test/support/test-app.ts';

describe.each(testDatabases())('conversations on %s', (kind) => {
  let app: TestApp;
  let tenant: GivenTenant;
  let channel: GivenChannel;

  beforeAll(async () => {
    app = await startTestApp(kind);
    tenant = await createTenant(app);
    channel = await givenApiChannel(tenant);
  });
  afterAll(() => app?.stop());

  const list = async (query: string) => {
    const response = await tenant.api.get(`/api/v1/conversations?${query}`);
    expect(response.status).toBe(200);
    return response.body as { items: any[]; nextCursor: string | null };
  };

  it('filters by status, assignee, team, channel, label and priority', async () => {
    const agent = await givenAgent(app, tenant);
    const team = (await tenant.api.post('/api/v1/teams', { name: unique('Versand'), memberIds: [agent.id] }))
      .body;
    const label = unique('retoure');
    const mine = await receiveApiMessage(app, channel);
    const other = await receiveApiMessage(app, channel);
    await tenant.api.patch(`/api/v1/conversations/${mine.conversationId}`, {
      assigneeId: agent.id,
      teamId: team.id,
      labels: [label, 'vip'],
      priority: 'urgent',
      status: 'pending',
    });

    const ids = (page: { items: any[] }) => page.items.map((item) => item.id);
    expect(ids(await list(`assignee=${agent.id}`))).toEqual([mine.conversationId]);
    expect(ids(await list(`team=${team.id}`))).toEqual([mine.conversationId]);
    expect(ids(await list(`label=${label}`))).toEqual([mine.conversationId]);
    expect(ids(await list(`label=${label}&status=open`))).toEqual([]);
    expect(ids(await list('status=pending,snoozed'))).toContain(mine.conversationId);
    expect(ids(await list('priority=urgent'))).toContain(mine.conversationId);
    expect(ids(await list('assignee=none'))).toContain(other.conversationId);
    expect(ids(await list('assignee=none'))).not.toContain(mine.conversationId);
    expect(ids(await list(`channel=${channel.id}`))).toEqual(
      expect.arrayContaining([mine.conversationId, other.conversationId]),
    );
    expect(
      ids(await agent.api.get('/api/v1/conversations?assignee=me').then((response) => response.body)),
    ).toEqual([mine.conversationId]);
    expect((await tenant.api.get('/api/v1/conversations?status=bogus')).status).toBe(400);
  });

  it('pages through every conversation exactly once in each sort order', async () => {
    const pageTenant = await createTenant(app);
    const pageChannel = await givenApiChannel(pageTenant);
    const created: string[] = [];
    for (let index = 0; index < 7; index++)
      created.push((await receiveApiMessage(app, pageChannel)).conversationId);
    await pageTenant.api.patch(`/api/v1/conversations/${created[3]}`, { priority: 'high' });
    await pageTenant.api.post(`/api/v1/conversations/${created[5]}/replies`, { text: 'answered' });

    for (const sort of ['last_activity', 'waiting', 'priority']) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = `sort=${sort}&limit=3${cursor ? `&cursor=${cursor}` : ''}`;
        const page: { items: any[]; nextCursor: string | null } = (
          await pageTenant.api.get(`/api/v1/conversations?${query}`)
        ).body;
        seen.push(...page.items.map((item) => item.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen.sort()).toEqual([...created].sort());
      if (sort === 'priority') {
        const first = (await pageTenant.api.get('/api/v1/conversations?sort=priority&limit=1')).body.items[0];
        expect(first.id).toBe(created[3]);
      }
      if (sort === 'waiting') {
        const all = (await pageTenant.api.get('/api/v1/conversations?sort=waiting')).body.items;
        expect(all.at(-1).id).toBe(created[5]);
        expect(all[0].id).toBe(created[0]);
      }
    }
    expect((await pageTenant.api.get('/api/v1/conversations?cursor=garbage')).status).toBe(400);
  });

  it('records activity items and an audit entry for changes', async () => {
    const conversation = await receiveApiMessage(app, channel);
    await tenant.api.patch(`/api/v1/conversations/${conversation.conversationId}`, {
      status: 'resolved',
      priority: 'high',
    });
    const messages = (await tenant.api.get(`/api/v1/conversations/${conversation.conversationId}/messages`))
      .body.items;
    const activities = messages.filter((message: any) => message.kind === 'activity');
    expect(activities.map((activity: any) => activity.metadata.action).sort()).toEqual([
      'priority_changed',
      'status_changed',
    ]);
    expect(activities[0].authorUserId).toBe(tenant.admin.id);
    const { rows } = await app.unisono.platform.database.executeSql(
      `select action, actor_user_id from audit_log where tenant_id = $1 and entity_id = $2`,
      [tenant.id, conversation.conversationId],
    );
    expect(rows).toEqual([{ action: 'conversation.updated', actor_user_id: tenant.admin.id }]);
    const audit = await tenant.api.get(
      `/api/v1/audit?entityType=conversation&entityId=${conversation.conversationId}`,
    );
    expect(audit.body.items).toEqual([
      expect.objectContaining({
        action: 'conversation.updated',
        actorUserId: tenant.admin.id,
        changes: { status: 'resolved', priority: 'high' },
      }),
    ]);
  });

  it('wakes a snoozed conversation when its time has come', async () => {
    const conversation = await receiveApiMessage(app, channel);
    const until = new Date(Date.now() + 1500).toISOString();
    const snoozed = await tenant.api.patch(`/api/v1/conversations/${conversation.conversationId}`, {
      status: 'snoozed',
      snoozedUntil: until,
    });
    expect(snoozed.body).toMatchObject({ status: 'snoozed', snoozedUntil: until });
    const woken = await eventually(
      async () => {
        const current = (await tenant.api.get(`/api/v1/conversations/${conversation.conversationId}`)).body;
        return current.status === 'open' ? current : undefined;
      },
      15_000,
      'the snooze to end',
    );
    expect(woken.snoozedUntil).toBeNull();
    const past = await tenant.api.patch(`/api/v1/conversations/${conversation.conversationId}`, {
      status: 'snoozed',
      snoozedUntil: new Date(Date.now() - 1000).toISOString(),
    });
    expect(past.status).toBe(400);
    expect(
      (await tenant.api.patch(`/api/v1/conversations/${conversation.conversationId}`, { status: 'snoozed' }))
        .status,
    ).toBe(400);
  });

  describe('thread hints from a channel', () => {
    const ingest = (
      message: Record<string, unknown>,
      threading: 'per-contact' | 'per-thread' = 'per-thread',
    ) =>
      app.unisono.services.channels.resolve(channel.id).then(({ channel: row }) =>
        app.unisono.services.inbound.ingest(
          row,
          {
            externalId: unique('hint'),
            text: 'x',
            attachments: [],
            from: { kind: 'email', value: 'a@example.de' },
            ...message,
          } as any,
          threading,
        ),
      ) as Promise<any>;

    it('opens a new conversation per message on per-thread channels without hints', async () => {
      const from = { kind: 'email', value: `${unique('mail')}@example.de` };
      const first = await ingest({ from });
      const second = await ingest({ from });
      expect(second.conversationId).not.toBe(first.conversationId);
      expect(second.contactId).toBe(first.contactId);
    });

    it('follows a reply to a known message id from a participant; a stranger opens a related conversation', async () => {
      const from = { kind: 'email', value: `${unique('mail')}@example.de` };
      const colleague = { kind: 'email', value: `${unique('colleague')}@example.de` };
      const first = await ingest({ from, cc: [colleague], externalId: `<${unique('mid')}@example.de>` });
      const stored = (await tenant.api.get(`/api/v1/conversations/${first.conversationId}/messages`)).body
        .items[0];
      const reply = await ingest({ from: colleague, threadHints: { inReplyTo: [stored.externalId] } });
      expect(reply.conversationId).toBe(first.conversationId);
      const stranger = await ingest({
        from: { kind: 'email', value: `${unique('stranger')}@example.de` },
        threadHints: { inReplyTo: [stored.externalId] },
      });
      expect(stranger.conversationId).not.toBe(first.conversationId);
      const related = await tenant.api.get(`/api/v1/conversations/${stranger.conversationId}`);
      expect(related.body.relatedConversationId).toBe(first.conversationId);
    });

    it('honours a quoted conversation number only for its participants', async () => {
      const owner = { kind: 'email', value: `${unique('owner')}@example.de` };
      const colleague = `${unique('cc')}@example.de`;
      const first = await ingest({ from: owner, cc: [{ kind: 'email', value: colleague }] });
      const number = (await tenant.api.get(`/api/v1/conversations/${first.conversationId}`)).body.number;

      const byOwner = await ingest({ from: owner, threadHints: { conversationNumber: number } });
      const byCc = await ingest({
        from: { kind: 'email', value: colleague },
        threadHints: { conversationNumber: number },
      });
      const byStranger = await ingest({
        from: { kind: 'email', value: `${unique('stranger')}@example.de` },
        threadHints: { conversationNumber: number },
      });
      expect(byOwner.conversationId).toBe(first.conversationId);
      expect(byCc.conversationId).toBe(first.conversationId);
      expect(byStranger.conversationId).not.toBe(first.conversationId);
    });

    it('keeps the raw source unchanged and downloadable', async () => {
      const raw = Buffer.from('Subject: Hallo\r\nFrom: a@example.de\r\n\r\nGrüße\r\n', 'latin1');
      const result = await ingest({ raw: { contentType: 'message/rfc822', data: raw } });
      const response = await fetch(
        `${app.url}/api/v1/conversations/${result.conversationId}/messages/${result.messageId}/raw`,
        {
          headers: { authorization: `Bearer ${tenant.admin.token}` },
        },
      );
      expect(response.status).toBe(200);
      expect(Buffer.from(await response.arrayBuffer()).equals(raw)).toBe(true);
    });
  });
});
