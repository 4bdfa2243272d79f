import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiResponse,
  Client,
  createTenant,
  type GivenTenant,
  givenAgent,
  givenApiChannel,
  receiveApiMessage,
  unique,
} from './support/factories.ts';
import { RealtimeClient } from './support/realtime-client.ts';
import { BODY_EXTRAS, ID_FIELDS, OPAQUE_ID_ROUTES, PATH_PARAMS, sample } from './support/route-probes.ts';
import { buildTenantFixture, type TenantFixture } from './support/tenant-fixture.ts';
import { startTestApp, type TestApp, testDatabases } from './support/test-app.ts';

const stringsIn = (value: unknown): string[] =>
  typeof value === 'string'
    ? [value]
    : value && typeof value === 'object'
      ? Object.values(value).flatMap(stringsIn)
      : [];

/** Static files and API docs carry no tenant data; the WebSocket has its own tests below. */
const NOT_WALKED = (url: string) =>
  url === '/' || url === '/*' || url.startsWith('/api/docs') || url === '/api/v1/realtime';

interface Probe {
  method: string;
  route: string;
  url: string;
  body?: unknown;
  /** Whether an id of the other tenant is in the path (then only a refusal will do). */
  foreignPath: boolean;
  idFields: string[];
  sentIds: string[];
}

describe.each(testDatabases())('tenant isolation on %s', (kind) => {
  let app: TestApp;
  let tenantA: GivenTenant;
  let tenantB: GivenTenant;
  let a: TenantFixture;
  let b: TenantFixture;
  let spec: any;
  /** What A sent and stored itself: seeing it again tells A nothing. */
  const echoed = new Set<string>();

  beforeAll(async () => {
    app = await startTestApp(kind);
    tenantA = await createTenant(app);
    tenantB = await createTenant(app);
    a = await buildTenantFixture(app, tenantA);
    b = await buildTenantFixture(app, tenantB);
    spec = await (await fetch(`${app.url}/api/openapi.json`)).json();
  });
  afterAll(() => app?.stop());

  const signIn = async (email: string, password: string) => {
    const login = await new Client(app.url).post('/api/v1/auth/login', { email, password });
    expect(login.status).toBe(200);
    return new Client(app.url, {
      cookie: login.headers.get('set-cookie')!.split(';')[0]!,
      csrf: login.body.csrfToken,
    });
  };

  /** B's data as B sees it, to prove nothing A did changed it. */
  const snapshotOfB = async () => {
    const paths = [
      '/api/v1/users',
      '/api/v1/teams',
      '/api/v1/contacts',
      '/api/v1/conversations',
      '/api/v1/channels',
      '/api/v1/labels',
      '/api/v1/canned-answers',
      '/api/v1/contact-attributes',
      '/api/v1/inbox/views',
      '/api/v1/invitations',
      '/api/v1/tenant',
      `/api/v1/conversations/${b.ids.conversation}/messages`,
      `/api/v1/contacts/${b.ids.contact}`,
      '/api/v1/merge-suggestions',
      '/api/v1/email/failed-inbound',
      '/api/v1/integrations/crm/activity-log',
    ];
    const bodies = await Promise.all(paths.map((path) => tenantB.api.get(path)));
    return JSON.stringify(
      bodies.map((response) => [response.status, { ...response.body, requestId: undefined }]),
    );
  };

  const extrasFor = (key: string) => {
    const extras = BODY_EXTRAS[key];
    return typeof extras === 'function' ? extras(b) : extras;
  };

  const operationOf = (method: string, route: string) =>
    spec.paths[route.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()];

  const probesFor = (method: string, route: string): Probe[] => {
    const operation = operationOf(method, route);
    const params = [...route.matchAll(/([\w-]+)\/:(\w+)/g)].map((match) => `${match[1]}/:${match[2]}`);
    for (const param of params) {
      if (!PATH_PARAMS[param])
        throw new Error(`${method} ${route}: add the entity of ${param} to PATH_PARAMS and the fixture`);
    }
    if (params.some((param) => PATH_PARAMS[param] === 'skip')) return [];
    const bodySchema = operation?.requestBody?.content?.['application/json']?.schema;
    const queryParams: any[] = (operation?.parameters ?? []).filter(
      (parameter: any) => parameter.in === 'query',
    );
    const build = (pathFixture: TenantFixture): Probe => {
      const sentIds: string[] = [];
      const url = route.replace(/([\w-]+)\/:(\w+)/g, (_, segment: string, name: string) => {
        const id = pathFixture.ids[PATH_PARAMS[`${segment}/:${name}`] as keyof TenantFixture['ids']];
        sentIds.push(id);
        return `${segment}/${id}`;
      });
      const sampled = bodySchema ? sample(bodySchema, b) : { value: undefined, idFields: [] };
      const body =
        sampled.value && typeof sampled.value === 'object'
          ? { ...(sampled.value as object), ...extrasFor(`${method} ${route}`) }
          : sampled.value;
      const idFields = [...sampled.idFields];
      const query = new URLSearchParams();
      for (const parameter of queryParams) {
        const kind = ID_FIELDS[parameter.name];
        if (kind && parameter.schema?.type !== 'integer') {
          query.set(parameter.name, b.ids[kind]);
          idFields.push(`querystring.${parameter.name}`);
        } else if (parameter.required) query.set(parameter.name, String(sample(parameter.schema, b).value));
      }
      if (idFields.length > 0) sentIds.push(...Object.values(b.ids));
      sentIds.push(...stringsIn(body));
      const search = query.size > 0 ? `?${query}` : '';
      return {
        method,
        route,
        url: `${url}${search}`,
        body,
        foreignPath: pathFixture === b && params.length > 0,
        idFields,
        sentIds,
      };
    };
    const probes = [build(b)];
    if (params.length > 0 && probes[0]!.idFields.length > 0) probes.push(build(a));
    return probes;
  };

  const leaksIn = (response: ApiResponse, probe: Probe): string[] => {
    let text = typeof response.body === 'string' ? response.body : JSON.stringify(response.body ?? '');
    // An id the caller sent (now or into an opaque filter before) may come back; that tells it nothing.
    for (const id of [...probe.sentIds, ...echoed]) text = text.replaceAll(id, '');
    return [...Object.values(b.ids), ...b.words, b.invitationToken].filter((secret) => text.includes(secret));
  };

  const refusalProblems = (response: ApiResponse, probe: Probe): string | undefined => {
    const { status } = response;
    if (status >= 500) return `server error ${status}`;
    const idRefusal =
      status === 400 &&
      (response.body?.errors ?? []).length > 0 &&
      response.body.errors.every((error: { field: string }) =>
        probe.idFields.some((field) => error.field.includes(field.replace(/\[0\]$/, ''))),
      );
    if (probe.foreignPath) {
      if (
        status === 404 ||
        status === 403 ||
        idRefusal ||
        (probe.route.startsWith('/api/v1/inbound/') && status === 401)
      )
        return undefined;
      return `status ${status} for another tenant's id in the path ${JSON.stringify(response.body)?.slice(0, 200)}`;
    }
    if (
      probe.idFields.length > 0 &&
      probe.method !== 'GET' &&
      status < 300 &&
      !OPAQUE_ID_ROUTES.has(`${probe.method} ${probe.route}`)
    )
      return `accepted another tenant's ids in ${probe.idFields.join(', ')}`;
    if (status === 400 && !idRefusal && probe.idFields.length > 0)
      return `the probe body is invalid apart from its ids (fix BODY_EXTRAS): ${JSON.stringify(response.body).slice(0, 300)}`;
    return undefined;
  };

  it.each(['admin token', 'admin session', 'agent session'])(
    "every route refuses the other tenant's ids and shows none of its data (%s)",
    async (caller) => {
      const client =
        caller === 'admin token'
          ? tenantA.api
          : caller === 'admin session'
            ? await signIn(tenantA.admin.email, tenantA.admin.password)
            : await (async () => {
                const agent = await givenAgent(app, tenantA);
                return signIn(agent.email, agent.password);
              })();
      const before = await snapshotOfB();
      const routes = app.unisono.http.routeTable
        .filter((route) => !NOT_WALKED(route.url))
        // Signing out ends this caller's session, so it goes last.
        .sort((left, right) => Number(left.url.endsWith('/logout')) - Number(right.url.endsWith('/logout')));
      const failures: string[] = [];
      let requests = 0;
      for (const route of routes) {
        for (const probe of probesFor(route.method, route.url)) {
          requests += 1;
          const response = await client.request(probe.method, probe.url, probe.body);
          const leaks = leaksIn(response, probe);
          if (leaks.length > 0)
            failures.push(`${probe.method} ${probe.url} → ${response.status} shows ${leaks.join(', ')}`);
          // What A stored itself (an address it invited, ids in an opaque filter) may show up later.
          if (probe.method !== 'GET' && response.status < 300)
            for (const sent of probe.sentIds) echoed.add(sent);
          const problem = refusalProblems(response, probe);
          if (problem) failures.push(`${probe.method} ${probe.url}: ${problem}`);
        }
      }
      expect(failures).toEqual([]);
      expect(requests).toBeGreaterThan(80);
      expect(await snapshotOfB()).toBe(before);
    },
  );

  it('fails the walk for a path parameter nobody mapped', () => {
    expect(() => probesFor('GET', '/api/v1/widgets/:widgetId')).toThrow(/PATH_PARAMS/);
  });

  it('pushes no realtime event of the other tenant, and replays none', async () => {
    const socketA = await RealtimeClient.connect(app.url, tenantA.admin.token, '?lastEventId=0');
    const channelB = await givenApiChannel(tenantB);
    const inbound = await receiveApiMessage(app, channelB, { text: 'Nur für B' });
    const socketB = await RealtimeClient.connect(app.url, tenantB.admin.token);
    await tenantB.api.post(`/api/v1/conversations/${inbound.conversationId}/notes`, { text: 'B intern' });
    await socketB.waitFor((frame) => frame.type === 'message.created' && frame.data.text === 'B intern');
    // A's own event after B's: once it arrived, B's would have too.
    await tenantA.api.post(`/api/v1/conversations/${a.ids.conversation}/notes`, { text: 'A intern' });
    await socketA.waitFor((frame) => frame.type === 'message.created' && frame.data.text === 'A intern');
    const text = JSON.stringify(socketA.frames);
    for (const secret of [inbound.conversationId, ...Object.values(b.ids), ...b.words])
      expect(text).not.toContain(secret);
    socketA.close();
    socketB.close();
  });

  it("a tenant's admin is not a platform admin", async () => {
    expect((await tenantA.api.get('/api/v1/tenants')).status).toBe(403);
    expect((await tenantA.api.post('/api/v1/tenants', { slug: unique('x'), name: 'x' })).status).toBe(403);
  });
});
