import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, type GivenTenant, unique } from '../../../test/support/factories.ts';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { LoginThrottle } from './login-throttle.ts';

const wrongLogin = (app: TestApp, email: string, forwardedFor?: string) =>
  fetch(`${app.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
    },
    body: JSON.stringify({ email, password: 'not the password' }),
  }).then((response) => response.status);

describe('sign-in rate limit without trusted proxies', () => {
  let app: TestApp;
  let tenant: GivenTenant;
  beforeAll(async () => {
    app = await startTestApp('pglite', { LOGIN_RATE_LIMIT: '3' });
    tenant = await createTenant(app);
  });
  afterAll(() => app?.stop());

  it('ignores X-Forwarded-For: a client cannot pick a fresh address per attempt', async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 5; attempt++)
      statuses.push(await wrongLogin(app, tenant.admin.email, `203.0.113.${attempt + 1}`));
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });

  it('limits one address across many emails too (10 × the per-email limit)', async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 31; attempt++)
      statuses.push(await wrongLogin(app, `${unique('spray')}@example.test`));
    const firstLimited = statuses.indexOf(429);
    // The test before spent some of this address's 30 attempts.
    expect(firstLimited).toBeGreaterThan(20);
    expect(statuses.slice(0, firstLimited).every((status) => status === 401)).toBe(true);
    expect(statuses.slice(firstLimited).every((status) => status === 429)).toBe(true);
  });
});

describe('sign-in rate limit behind a trusted proxy', () => {
  let app: TestApp;
  let tenant: GivenTenant;
  beforeAll(async () => {
    app = await startTestApp('pglite', {
      LOGIN_RATE_LIMIT: '3',
      TRUSTED_PROXIES: '127.0.0.1',
      LOGIN_ATTEMPT_CAPACITY: '100',
    });
    tenant = await createTenant(app);
  });
  afterAll(() => app?.stop());

  it("counts per client address from the configured proxy's X-Forwarded-For", async () => {
    const first = [];
    for (let attempt = 0; attempt < 4; attempt++)
      first.push(await wrongLogin(app, tenant.admin.email, '198.51.100.7'));
    expect(first).toEqual([401, 401, 401, 429]);
    // Another client behind the same proxy is its own key.
    expect(await wrongLogin(app, tenant.admin.email, '198.51.100.8')).toBe(401);
  });

  it('keeps a limited client limited when many other clients fill the attempt store', async () => {
    for (let client = 0; client < 150; client++)
      expect(await wrongLogin(app, `${unique('other')}@example.test`, `192.0.2.${client + 1}`)).toBe(401);
    expect(await wrongLogin(app, tenant.admin.email, '198.51.100.7')).toBe(429);
  });
});

describe('LoginThrottle', () => {
  it('stays bounded and never frees a used-up key because others fill it', () => {
    let now = 1_000_000;
    const throttle = new LoginThrottle(5, 60_000, 100, () => now);
    for (let attempt = 0; attempt < 5; attempt++) throttle.hit([{ key: 'victim' }]);
    expect(() => throttle.hit([{ key: 'victim' }])).toThrow(/Too many/);
    for (let other = 0; other < 10_050; other++) throttle.hit([{ key: `other-${other}` }]);
    expect(throttle.size).toBeLessThanOrEqual(100);
    expect(() => throttle.hit([{ key: 'victim' }])).toThrow(/Too many/);
    now += 60_001;
    expect(() => throttle.hit([{ key: 'victim' }])).not.toThrow();
  });

  it('counts nothing when one of the keys is used up', () => {
    const throttle = new LoginThrottle(2, 60_000, 100, () => 0);
    throttle.hit([{ key: 'a' }, { key: 'ip', limit: 3 }]);
    throttle.hit([{ key: 'a' }, { key: 'ip', limit: 3 }]);
    expect(() => throttle.hit([{ key: 'a' }, { key: 'ip', limit: 3 }])).toThrow();
    throttle.hit([{ key: 'b' }, { key: 'ip', limit: 3 }]);
    expect(() => throttle.hit([{ key: 'c' }, { key: 'ip', limit: 3 }])).toThrow();
  });
});
