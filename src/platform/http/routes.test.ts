import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';

describe('route table', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp('pglite');
  });
  afterAll(() => app?.stop());

  it('gives every route an explicit auth decision', () => {
    const routes = app.unisono.http.routeTable;
    expect(routes.length).toBeGreaterThan(30);
    const undecided = routes
      .filter((route) => route.auth === undefined)
      .map((route) => `${route.method} ${route.url}`);
    expect(undecided).toEqual([]);
  });

  it('refuses every non-public route without credentials', async () => {
    const guarded = app.unisono.http.routeTable.filter((route) => route.auth !== 'public');
    const admitted: string[] = [];
    for (const route of guarded) {
      const url = route.url.replace(/:\w+/g, '01900000-0000-7000-8000-000000000000');
      const response = await fetch(`${app.url}${url}`, {
        method: route.method,
        headers:
          route.method === 'GET' || route.method === 'DELETE' ? {} : { 'content-type': 'application/json' },
        body: route.method === 'GET' || route.method === 'DELETE' ? undefined : '{}',
      });
      if (response.status !== 401) admitted.push(`${route.method} ${route.url} → ${response.status}`);
    }
    expect(admitted).toEqual([]);
  });

  it('lists only deliberate public routes', () => {
    const publicRoutes = app.unisono.http.routeTable
      .filter((route) => route.auth === 'public' && !route.url.startsWith('/api/docs'))
      .map((route) => `${route.method} ${route.url}`)
      .sort();
    expect(publicRoutes).toEqual([
      'GET /',
      'GET /*',
      'GET /api/openapi.json',
      'GET /api/v1/invitations/:token',
      'GET /healthz',
      'GET /metrics',
      'GET /readyz',
      'POST /api/v1/auth/login',
      'POST /api/v1/inbound/:channelId',
      'POST /api/v1/invitations/:token/accept',
    ]);
  });

  it('answers unknown routes with a JSON 404 problem', async () => {
    const response = await fetch(`${app.url}/api/v1/nope`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await response.json()).toMatchObject({ code: 'route_not_found', status: 404 });
  });

  it('serves the OpenAPI 3.1 document and the reference page', async () => {
    const spec = (await (await fetch(`${app.url}/api/openapi.json`)).json()) as any;
    expect(spec.openapi).toBe('3.1.0');
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/conversations',
        '/api/v1/conversations/{id}/replies',
        '/api/v1/inbound/{channelId}',
      ]),
    );
    const page = await fetch(`${app.url}/api/docs`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('swagger');
  });

  it('reports health, readiness and metrics', async () => {
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${app.url}/readyz`)).json()).toMatchObject({
      status: 'ready',
      database: 'pglite',
    });
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toContain('unisono_http_request_duration_seconds');
    expect(metrics).toContain('unisono_job_queue_depth');
  });
});
