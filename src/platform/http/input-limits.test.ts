import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTenant,
  type GivenChannel,
  type GivenTenant,
  givenAgent,
  givenApiChannel,
  postToChannel,
  receiveApiMessage,
} from '../../../test/support/factories.ts';
import { startTestApp, type TestApp, testDatabases } from '../../../test/support/test-app.ts';

const nested = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;
const cursorOf = (values: unknown[]) => Buffer.from(JSON.stringify(values)).toString('base64url');

describe.each(testDatabases())('bad input is a 4xx problem, never a 5xx, on %s', (kind) => {
  let app: TestApp;
  let tenant: GivenTenant;
  let channel: GivenChannel;
  let received: { contactId: string; conversationId: string };

  beforeAll(async () => {
    app = await startTestApp(kind);
    tenant = await createTenant(app);
    channel = await givenApiChannel(tenant);
    received = await receiveApiMessage(app, channel);
  });
  afterAll(() => app?.stop());

  const raw = (method: string, path: string, body?: string, type = 'application/json') =>
    tenant.api.request(method, path, body, body === undefined ? {} : { 'content-type': type });

  function expectProblem(
    response: { status: number; body: any; headers: Headers },
    status: number,
    field?: string,
  ) {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    if (field) expect(response.body.errors?.map((error: { field: string }) => error.field)).toContain(field);
  }

  it('refuses NUL and unpaired surrogates in bodies, query strings and paths, naming the field', async () => {
    expectProblem(await tenant.api.post('/api/v1/labels', { name: 'vip\u0000' }), 400, 'body.name');
    expectProblem(await tenant.api.post('/api/v1/contacts', { name: 'Ada \ud800' }), 400, 'body.name');
    expectProblem(
      await tenant.api.post(`/api/v1/conversations/${received.conversationId}/notes`, { text: 'a\udc00' }),
      400,
      'body.text',
    );
    expectProblem(
      await tenant.api.patch(`/api/v1/contacts/${received.contactId}`, {
        customAttributes: { 'k\u0000': 1 },
      }),
      400,
    );
    expectProblem(await tenant.api.get('/api/v1/contacts?q=a%00b'), 400, 'querystring.q');
    expectProblem(await tenant.api.get('/api/v1/search?q=%00'), 400, 'querystring.q');
    expectProblem(await tenant.api.get('/api/v1/contacts/%00'), 400);
    // Text that is merely unusual still goes through.
    expect((await tenant.api.post('/api/v1/contacts', { name: 'Grüße 😀 𝔘 \u202e' })).status).toBe(201);
  });

  it('bounds JSON nesting and sizes before parsing, and still refuses prototype keys', async () => {
    const path = `/api/v1/contacts/${received.contactId}`;
    const deep = await raw('PATCH', path, `{"customAttributes":{"x":${nested(70)}}}`);
    expectProblem(deep, 400);
    expect(deep.body.errors[0]).toMatchObject({ message: 'is nested deeper than 64 levels' });
    expect((await raw('PATCH', path, `{"customAttributes":{"x":${nested(20)}}}`)).status).toBe(200);
    const members = Array.from({ length: 1001 }, (_, index) => `"k${index}":1`).join(',');
    expectProblem(
      await raw('PATCH', path, `{"customAttributes":{${members}}}`),
      400,
      'body.customAttributes',
    );
    const ids = Array(10_001).fill('"01900000-0000-7000-8000-000000000000"').join(',');
    expectProblem(
      await raw('POST', '/api/v1/teams', `{"name":"t","memberIds":[${ids}]}`),
      400,
      'body.memberIds',
    );
    expectProblem(await raw('POST', '/api/v1/labels', '{"__proto__":{"name":"x"},"name":"y"}'), 400);
  });

  it('answers undecodable and oversized path segments as problems', async () => {
    expectProblem(await tenant.api.get('/api/v1/contacts/%FF'), 400);
    for (const method of ['GET', 'PATCH', 'DELETE']) {
      const response = await tenant.api.request(method, `/api/v1/contacts/${'x'.repeat(300)}`);
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('refuses forged and stale cursors as querystring.cursor', async () => {
    const id = '01900000-0000-7000-8000-000000000000';
    const forged = [
      cursorOf(['1', '------------------------------------']),
      cursorOf(['2026-01-01', id]),
      'a.b',
    ];
    for (const cursor of forged) {
      expectProblem(await tenant.api.get(`/api/v1/contacts?cursor=${cursor}`), 400, 'querystring.cursor');
      expectProblem(
        await tenant.api.get(`/api/v1/contacts/${received.contactId}/timeline?cursor=${cursor}`),
        400,
        'querystring.cursor',
      );
      expectProblem(
        await tenant.api.get(`/api/v1/conversations?cursor=${cursor}`),
        400,
        'querystring.cursor',
      );
    }
    // A cursor issued for one sort is stale for another.
    const priority = cursorOf([2 ** 40, '2026-01-01T00:00:00.000Z', id]);
    expectProblem(
      await tenant.api.get(`/api/v1/conversations?sort=priority&cursor=${priority}`),
      400,
      'querystring.cursor',
    );
    const lastActivity = cursorOf(['2026-01-01T00:00:00.000Z', id]);
    expect((await tenant.api.get(`/api/v1/conversations?cursor=${lastActivity}`)).status).toBe(200);
    expectProblem(
      await tenant.api.get(`/api/v1/conversations?sort=priority&cursor=${lastActivity}`),
      400,
      'querystring.cursor',
    );
  });

  it('refuses a PATCH that changes nothing, on every PATCH route', async () => {
    const agent = await givenAgent(app, tenant);
    const contact = await tenant.api.get(`/api/v1/contacts/${received.contactId}`);
    const label = await tenant.api.post('/api/v1/labels', { name: 'empty-patch' });
    const answer = await tenant.api.post('/api/v1/canned-answers', { shortcut: 'ep', title: 'E', body: 'x' });
    const view = await tenant.api.post('/api/v1/inbox/views', { name: 'Empty patch', filters: {} });
    const paths = [
      '/api/v1/me',
      '/api/v1/tenant',
      `/api/v1/users/${agent.id}`,
      `/api/v1/contacts/${received.contactId}`,
      `/api/v1/contacts/${received.contactId}/identities/${contact.body.identities[0].id}`,
      `/api/v1/conversations/${received.conversationId}`,
      `/api/v1/channels/${channel.id}`,
      `/api/v1/labels/${label.body.id}`,
      `/api/v1/canned-answers/${answer.body.id}`,
      `/api/v1/inbox/views/${view.body.id}`,
    ];
    const patchRoutes = app.unisono.http.routeTable.filter((route) => route.method === 'PATCH');
    expect(paths).toHaveLength(patchRoutes.length);
    for (const path of paths) expectProblem(await tenant.api.patch(path, {}), 400, 'body');
    // Not empty, yet nothing to store: where the consent came from, without the consent.
    expectProblem(
      await tenant.api.patch(paths[4]!, { consentSource: 'web form' }),
      400,
      'body.consentSource',
    );
  });

  it('keeps what a PATCH leaves out: no PATCH body fills in defaults', async () => {
    const spec = app.unisono.http.swagger() as any;
    const defaulted: string[] = [];
    for (const [path, operations] of Object.entries<any>(spec.paths)) {
      const properties = operations.patch?.requestBody?.content['application/json'].schema.properties ?? {};
      for (const [name, schema] of Object.entries<any>(properties)) {
        if ('default' in schema) defaulted.push(`${path} ${name}`);
      }
    }
    expect(defaulted).toEqual([]);
    const renamed = await tenant.api.patch('/api/v1/tenant', { name: 'Renamed' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Renamed', defaultLanguage: 'de' });
    const view = await tenant.api.post('/api/v1/inbox/views', { name: 'Second', filters: {}, position: 7 });
    const patched = await tenant.api.patch(`/api/v1/inbox/views/${view.body.id}`, { name: 'Renamed view' });
    expect(patched.body).toMatchObject({ name: 'Renamed view', position: 7 });
  });

  it('answers a signed webhook that can never be stored with a 4xx, so the provider stops retrying', async () => {
    const message = {
      id: 'nul-1',
      from: { kind: 'email', value: 'nul@example.de' },
      text: 'Hallo\u0000Welt',
    };
    const nul = await postToChannel(app, channel, message);
    expect(nul.status).toBe(400);
    expect(nul.body.errors[0].field).toBe('body.text');
    const lone = await postToChannel(app, channel, {
      ...message,
      id: 'lone-1',
      text: 'x',
      from: { kind: 'email', value: 'a\ud800@example.de' },
    });
    expect(lone.status).toBe(400);
    const deep = await postToChannel(app, channel, undefined, {
      rawBody: `{"id":"deep-1","from":{"kind":"email","value":"d@example.de"},"text":"x","metadata":{"a":${nested(100)}}}`,
    });
    expect(deep.status).toBe(400);
    expect((await postToChannel(app, channel, { ...message, id: 'fine-1', text: 'Hallo Welt' })).status).toBe(
      202,
    );
    const report = await postToChannel(app, channel, {
      type: 'status',
      messageId: 'not-ours',
      status: 'delivered',
    });
    expect(report.status).toBe(400);
    expect(report.body.errors[0].field).toBe('body.messageId');
  });

  it('refuses a CSV import carrying NUL, naming the line', async () => {
    const response = await raw(
      'POST',
      '/api/v1/contacts/import',
      'name,email\nAda,ada@example.de\nB\u0000b,b@example.de\n',
      'text/csv',
    );
    expectProblem(response, 400, 'body.line 3');
  });
});
