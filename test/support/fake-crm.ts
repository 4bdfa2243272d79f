import { signCrmBody } from '../../src/modules/integrations/http-crm-connector.ts';
import { createTenant } from './factories.ts';
import { FakeReceiver, type ReceivedRequest, type Responder } from './fake-receiver.ts';
import type { TestApp } from './test-app.ts';

type Answer = ReturnType<Responder>;

/** A CRM on loopback that speaks the documented contract and rejects unsigned or wrongly signed calls. */
export class FakeCrm {
  secret = '';
  lookup: (request: ReceivedRequest, index: number) => Answer = () => ({
    status: 200,
    body: { found: false },
  });
  activity: (request: ReceivedRequest, index: number) => Answer = () => ({ status: 200, body: { ok: true } });
  readonly server: FakeReceiver = new FakeReceiver((request) => {
    if (request.headers['x-unisono-signature'] !== signCrmBody(this.secret, request.body))
      return { status: 401, body: { error: 'bad signature' } };
    if (request.path === '/webhook/lookup') return this.lookup(request, this.lookups.length - 1);
    if (request.path === '/webhook/activities') return this.activity(request, this.activities.length - 1);
    return { status: 404, body: {} };
  });

  get lookups(): ReceivedRequest[] {
    return this.server.requests.filter((request) => request.path === '/webhook/lookup');
  }
  get activities(): ReceivedRequest[] {
    return this.server.requests.filter((request) => request.path === '/webhook/activities');
  }
}

/** A tenant whose CRM connector points at a fresh fake CRM (kept in `fakes`, to be stopped after the suite). */
export async function givenCrm(app: TestApp, fakes: FakeCrm[], settings: Record<string, unknown> = {}) {
  const crm = new FakeCrm();
  fakes.push(crm);
  await crm.server.start();
  const tenant = await createTenant(app);
  const saved = await tenant.api.request('PUT', '/api/v1/integrations/crm', {
    baseUrl: crm.server.url,
    timeoutMs: 1000,
    cacheTtlSeconds: 60,
    ...settings,
  });
  if (saved.status !== 201) throw new Error(`CRM setup failed: ${JSON.stringify(saved.body)}`);
  crm.secret = saved.body.signingSecret;
  return { tenant, crm };
}
