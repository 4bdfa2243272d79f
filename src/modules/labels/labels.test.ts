import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, type GivenTenant, givenAgent, unique } from '../../../test/support/factories.ts';
import { startTestApp, type TestApp, testDatabases } from '../../../test/support/test-app.ts';

describe.each(testDatabases())('labels on %s', (kind) => {
  let app: TestApp;
  let tenant: GivenTenant;

  beforeAll(async () => {
    app = await startTestApp(kind);
    tenant = await createTenant(app);
  });
  afterAll(() => app?.stop());

  it('lets admins curate the catalogue and agents read it', async () => {
    const name = unique('VIP');
    const created = await tenant.api.post('/api/v1/labels', { name, color: '#DC2626' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name, color: '#dc2626', description: null });

    const duplicate = await tenant.api.post('/api/v1/labels', { name: name.toUpperCase() });
    expect(duplicate.status).toBe(409);

    const agent = await givenAgent(app, tenant);
    expect((await agent.api.post('/api/v1/labels', { name: unique('nope') })).status).toBe(403);
    const listed = await agent.api.get('/api/v1/labels');
    expect(listed.body.items.map((label: { name: string }) => label.name)).toContain(name);

    const updated = await tenant.api.patch(`/api/v1/labels/${created.body.id}`, {
      description: 'Top customers',
    });
    expect(updated.body).toMatchObject({ name, description: 'Top customers' });
    expect((await tenant.api.patch(`/api/v1/labels/${created.body.id}`, { name: 'renamed' })).status).toBe(
      400,
    );
    expect((await tenant.api.delete(`/api/v1/labels/${created.body.id}`)).status).toBe(204);
    expect((await tenant.api.delete(`/api/v1/labels/${created.body.id}`)).status).toBe(404);
  });

  it("never shows or changes another tenant's labels", async () => {
    const other = await createTenant(app);
    const theirs = await other.api.post('/api/v1/labels', { name: unique('Secret') });
    const mine = await tenant.api.get('/api/v1/labels');
    expect(mine.body.items.some((label: { id: string }) => label.id === theirs.body.id)).toBe(false);
    expect((await tenant.api.patch(`/api/v1/labels/${theirs.body.id}`, { color: '#000000' })).status).toBe(
      404,
    );
    expect((await tenant.api.delete(`/api/v1/labels/${theirs.body.id}`)).status).toBe(404);
  });
});
