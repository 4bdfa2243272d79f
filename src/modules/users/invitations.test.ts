import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, createTenant, type GivenTenant, unique } from '../../../test/support/factories.ts';
import { startTestApp, type TestApp, testDatabases } from '../../../test/support/test-app.ts';

describe.each(testDatabases())('users are tenant-scoped; people join by invitation on %s', (kind) => {
  let app: TestApp;
  let tenantA: GivenTenant;
  let tenantB: GivenTenant;
  /** A person who is a member of B only, with B's name for them. */
  let bob: { id: string; email: string; password: string; nameInB: string };

  beforeAll(async () => {
    app = await startTestApp(kind);
    tenantA = await createTenant(app);
    tenantB = await createTenant(app);
    const email = `${unique('bob')}@example.test`;
    const nameInB = unique('Bob of B');
    const password = 'bobs own password';
    const created = await app.unisono.services.users.create(tenantB.id, null, {
      email,
      name: nameInB,
      role: 'supervisor',
      password,
    });
    bob = { id: created.id, email, password, nameInB };
  });
  afterAll(() => app?.stop());

  const accept = (token: string, body: unknown) =>
    new Client(app.url).post(`/api/v1/invitations/${token}/accept`, body);

  it("answers an invitation of another tenant's member exactly like one of a new address", async () => {
    const existing = await tenantA.api.post('/api/v1/users', {
      email: bob.email,
      name: 'Robert',
      role: 'agent',
    });
    const fresh = await tenantA.api.post('/api/v1/users', {
      email: `${unique('new')}@example.test`,
      name: 'Newcomer',
      role: 'agent',
    });
    expect(existing.status).toBe(201);
    expect(fresh.status).toBe(201);
    expect(Object.keys(existing.body).sort()).toEqual(Object.keys(fresh.body).sort());
    expect(existing.body).toMatchObject({ email: bob.email, name: 'Robert', role: 'agent' });
    const text = JSON.stringify(existing.body);
    expect(text).not.toContain(bob.id);
    expect(text).not.toContain(bob.nameInB);
    // Invited is not joined: A has no member, so nothing of the account to read or change.
    const members = await tenantA.api.get('/api/v1/users');
    expect(JSON.stringify(members.body)).not.toContain(bob.id);
    expect((await tenantA.api.get(`/api/v1/users/${bob.id}`)).status).toBe(404);
    expect((await tenantA.api.patch(`/api/v1/users/${bob.id}`, { name: 'hijack' })).status).toBe(404);
    const open = await tenantA.api.get('/api/v1/invitations');
    expect(open.body.items.map((item: { email: string }) => item.email)).toEqual(
      expect.arrayContaining([bob.email]),
    );
  });

  it('lets the person join with their own password; A renames only its own membership', async () => {
    const invited = await tenantA.api.post('/api/v1/users', {
      email: bob.email,
      name: 'Robert',
      role: 'agent',
    });
    expect(invited.body.acceptUrl).toContain(`/invitations/${invited.body.token}`);
    const preview = await new Client(app.url).get(`/api/v1/invitations/${invited.body.token}`);
    expect(preview.body).toMatchObject({ email: bob.email, role: 'agent', tenant: { slug: tenantA.slug } });

    const wrong = await accept(invited.body.token, { password: 'not bobs password' });
    expect(wrong.status).toBe(401);
    const joined = await accept(invited.body.token, { password: bob.password });
    expect(joined.status).toBe(200);
    expect(joined.body.tenant.id).toBe(tenantA.id);
    expect(joined.body.user).toMatchObject({ id: bob.id, name: 'Robert', role: 'agent' });
    expect(joined.headers.get('set-cookie')).toMatch(/unisono_session=/);
    expect((await accept(invited.body.token, { password: bob.password })).status).toBe(404);

    const renamed = await tenantA.api.patch(`/api/v1/users/${bob.id}`, { name: 'Bobby', role: 'supervisor' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Bobby', role: 'supervisor' });
    // The account (language, password) is the person's: a tenant admin has no field for it.
    expect((await tenantA.api.patch(`/api/v1/users/${bob.id}`, { language: 'en' })).status).toBe(400);
    const inB = await tenantB.api.get(`/api/v1/users/${bob.id}`);
    expect(inB.body).toMatchObject({ name: bob.nameInB, role: 'supervisor' });
    const inA = await tenantA.api.get('/api/v1/users');
    expect(JSON.stringify(inA.body)).not.toContain(bob.nameInB);
    expect((await tenantA.api.post('/api/v1/users', { email: bob.email, name: 'x' })).status).toBe(409);
  });

  it('creates the account of a new address on acceptance, with the password the person chooses', async () => {
    const email = `${unique('carla')}@example.test`;
    const invited = await tenantA.api.post('/api/v1/users', { email, name: 'Carla', role: 'agent' });
    const short = await accept(invited.body.token, { password: 'short' });
    expect(short.status).toBe(400);
    expect(short.body.errors[0].field).toBe('body.password');
    const joined = await accept(invited.body.token, { password: 'carlas own password', name: 'Carla C.' });
    expect(joined.status).toBe(200);
    expect(joined.body.user).toMatchObject({ email, name: 'Carla', role: 'agent' });
    const login = await new Client(app.url).post('/api/v1/auth/login', {
      email,
      password: 'carlas own password',
    });
    expect(login.status).toBe(200);
    expect(login.body.tenant.id).toBe(tenantA.id);
  });

  it('lets only the person change their own name, and only where they make the change', async () => {
    const login = await new Client(app.url).post('/api/v1/auth/login', {
      email: bob.email,
      password: bob.password,
      tenant: tenantB.slug,
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const self = new Client(app.url, { cookie, csrf: login.body.csrfToken });
    const changed = await self.patch('/api/v1/me', { name: 'Bob Builder', language: 'en' });
    expect(changed.body.user).toMatchObject({ name: 'Bob Builder', language: 'en' });
    expect((await tenantB.api.get(`/api/v1/users/${bob.id}`)).body.name).toBe('Bob Builder');
    expect((await tenantA.api.get(`/api/v1/users/${bob.id}`)).body.name).toBe('Bobby');
    bob.nameInB = 'Bob Builder';
  });

  it('withdraws an invitation; its link stops working', async () => {
    const invited = await tenantA.api.post('/api/v1/users', {
      email: `${unique('dora')}@example.test`,
      name: 'Dora',
    });
    expect((await tenantB.api.delete(`/api/v1/invitations/${invited.body.id}`)).status).toBe(404);
    expect((await tenantA.api.delete(`/api/v1/invitations/${invited.body.id}`)).status).toBe(204);
    expect((await new Client(app.url).get(`/api/v1/invitations/${invited.body.token}`)).status).toBe(404);
    expect((await accept(invited.body.token, { password: 'doras own password' })).status).toBe(404);
  });
});
