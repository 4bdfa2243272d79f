import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, type GivenTenant, givenAgent, unique } from '../../../test/support/factories.ts';
import { startTestApp, type TestApp, testDatabases } from '../../../test/support/test-app.ts';

describe.each(testDatabases())('canned answers on %s', (kind) => {
  let app: TestApp;
  let tenant: GivenTenant;

  beforeAll(async () => {
    app = await startTestApp(kind);
    tenant = await createTenant(app);
  });
  afterAll(() => app?.stop());

  it('keeps approved answers with unique shortcuts, searchable by agents', async () => {
    const shortcut = unique('shipping').toLowerCase();
    const created = await tenant.api.post('/api/v1/canned-answers', {
      shortcut,
      title: 'Shipping time',
      body: 'Hallo {{contact.name}}, Ihr Paket ist unterwegs. Viele Grüße, {{agent.name}}',
      language: 'de',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ shortcut, language: 'de' });
    const taken = await tenant.api.post('/api/v1/canned-answers', { shortcut, title: 'x', body: 'y' });
    expect(taken.status).toBe(409);
    expect(
      (await tenant.api.post('/api/v1/canned-answers', { shortcut: 'Not ok!', title: 'x', body: 'y' }))
        .status,
    ).toBe(400);

    const agent = await givenAgent(app, tenant);
    const found = await agent.api.get('/api/v1/canned-answers?q=unterwegs');
    expect(found.body.items.map((answer: { id: string }) => answer.id)).toEqual([created.body.id]);
    expect((await agent.api.patch(`/api/v1/canned-answers/${created.body.id}`, { title: 'x' })).status).toBe(
      403,
    );

    const renamed = await tenant.api.patch(`/api/v1/canned-answers/${created.body.id}`, {
      title: 'Lieferzeit',
    });
    expect(renamed.body.title).toBe('Lieferzeit');
    expect((await tenant.api.delete(`/api/v1/canned-answers/${created.body.id}`)).status).toBe(204);
    expect((await agent.api.get('/api/v1/canned-answers?q=unterwegs')).body.items).toEqual([]);
  });

  it("keeps tenants' answers apart", async () => {
    const other = await createTenant(app);
    const theirs = await other.api.post('/api/v1/canned-answers', {
      shortcut: 'hello',
      title: 'Hi',
      body: 'Hi',
    });
    const mine = await tenant.api.post('/api/v1/canned-answers', {
      shortcut: 'hello',
      title: 'Hallo',
      body: 'Hallo',
    });
    expect(mine.status).toBe(201);
    const listed = await tenant.api.get('/api/v1/canned-answers');
    expect(listed.body.items.some((answer: { id: string }) => answer.id === theirs.body.id)).toBe(false);
    expect((await tenant.api.delete(`/api/v1/canned-answers/${theirs.body.id}`)).status).toBe(404);
  });
});
