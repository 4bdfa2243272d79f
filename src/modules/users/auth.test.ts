import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Client,
  createTenant,
  type GivenTenant,
  givenAgent,
  unique,
} from '../../../test/support/factories.ts';
import { startTestApp, type TestApp, testDatabases } from '../../../test/support/test-app.ts';

describe.each(testDatabases())('authentication and permissions on %s', (kind) => {
  let app: TestApp;
  let tenant: GivenTenant;

  beforeAll(async () => {
    app = await startTestApp(kind, { LOGIN_RATE_LIMIT: '5' });
    tenant = await createTenant(app);
  });
  afterAll(() => app?.stop());

  const login = (email: string, password: string) =>
    fetch(`${app.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });

  it('signs in with a cookie session that is httpOnly, needs a CSRF token for changes and ends at logout', async () => {
    const response = await login(tenant.admin.email.toUpperCase(), tenant.admin.password);
    expect(response.status).toBe(200);
    const setCookie = response.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/unisono_session=.+HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const me = (await response.json()) as any;
    expect(me.user.email).toBe(tenant.admin.email);
    const cookie = setCookie.split(';')[0]!;

    const withoutCsrf = new Client(app.url, { cookie });
    expect((await withoutCsrf.get('/api/v1/me')).status).toBe(200);
    const refused = await withoutCsrf.post('/api/v1/teams', { name: unique('team') });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('csrf_failed');

    const session = new Client(app.url, { cookie, csrf: me.csrfToken });
    expect((await session.post('/api/v1/teams', { name: unique('team') })).status).toBe(201);
    expect((await session.post('/api/v1/auth/logout')).status).toBe(204);
    expect((await session.get('/api/v1/me')).status).toBe(401);
  });

  it('refuses wrong passwords and unknown users alike', async () => {
    const wrong = await login(tenant.admin.email, 'not the password');
    const unknown = await login(`${unique('nobody')}@example.test`, 'whatever password');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(((await wrong.json()) as any).code).toBe('invalid_credentials');
  });

  it('rate-limits repeated sign-in attempts', async () => {
    const agent = await givenAgent(app, tenant);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 7; attempt++)
      statuses.push((await login(agent.email, 'wrong password')).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    const limited = await login(agent.email, agent.password);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it('accepts API tokens until they are revoked; only hashes are stored', async () => {
    const created = await tenant.api.post('/api/v1/tokens', { name: 'integration' });
    expect(created.status).toBe(201);
    const client = new Client(app.url, { token: created.body.token });
    expect((await client.get('/api/v1/conversations')).status).toBe(200);
    const { rows } = await app.unisono.platform.database.executeSql(
      'select token_hash from api_tokens where id = $1',
      [created.body.id],
    );
    expect(rows[0].token_hash).not.toContain(created.body.token);
    expect((await tenant.api.delete(`/api/v1/tokens/${created.body.id}`)).status).toBe(204);
    expect((await client.get('/api/v1/conversations')).status).toBe(401);
  });

  it('checks roles on every route', async () => {
    const agent = await givenAgent(app, tenant);
    expect((await agent.api.get('/api/v1/conversations')).status).toBe(200);
    expect((await agent.api.post('/api/v1/channels', { kind: 'api', name: 'x' })).status).toBe(403);
    expect(
      (
        await agent.api.post('/api/v1/users', {
          email: 'x@example.test',
          name: 'x',
          password: 'long enough pw',
        })
      ).status,
    ).toBe(403);
    expect((await agent.api.patch('/api/v1/tenant', { name: 'x' })).status).toBe(403);
    expect((await agent.api.get('/api/v1/tokens')).status).toBe(403);
  });

  it('never returns password hashes or channel secrets', async () => {
    const users = await tenant.api.get('/api/v1/users');
    expect(JSON.stringify(users.body)).not.toContain('argon2');
    const channel = await tenant.api.post('/api/v1/channels', {
      kind: 'api',
      name: unique('c'),
      settings: {},
    });
    const secret = channel.body.secrets.signingSecret;
    expect(secret).toBeTruthy();
    const fetched = await tenant.api.get(`/api/v1/channels/${channel.body.id}`);
    expect(JSON.stringify(fetched.body)).not.toContain(secret);
    expect(fetched.body.secretSettings).toEqual(['signingSecret']);
    const { rows } = await app.unisono.platform.database.executeSql(
      'select secrets_encrypted, config from channels where id = $1',
      [channel.body.id],
    );
    expect(JSON.stringify(rows[0])).not.toContain(secret);
  });
});
