import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signApiBody } from '../src/channels/api/api-channel.adapter.ts';
import {
  createTenant,
  type GivenChannel,
  type GivenTenant,
  givenAgent,
  givenApiChannel,
  receiveApiMessage,
} from './support/factories.ts';
import {
  bodyText,
  encodeQueryComponent,
  type JsonSchema,
  nastyStrings,
  pathValue,
  queryValue,
} from './support/openapi-arbitraries.ts';
import { startTestApp, type TestApp, testDatabases } from './support/test-app.ts';

/**
 * Property: whatever a client sends to any documented route — valid per the OpenAPI schemas, mutated, or
 * garbage — the answer is never a 5xx, and every 4xx is an RFC 9457 problem (application/problem+json).
 * Seed: FUZZ_SEED, else a constant, so a failure reproduces; fast-check prints it with the counterexample.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_202);
const RUNS_PER_OPERATION = Number(process.env.FUZZ_RUNS ?? 12);

interface Parameter {
  in: 'path' | 'query' | 'header';
  name: string;
  required?: boolean;
  schema: JsonSchema;
}

interface Operation {
  method: string;
  path: string;
  parameters: Parameter[];
  body?: JsonSchema;
}

interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/**
 * Left out, and why: deleting or demoting the admin (or its token) would turn every later request into a 401/403;
 * logout only ends cookie sessions (a bearer token is unaffected, but a session caller would be), so it stays in.
 */
function excluded(
  operation: Operation,
  request: FuzzRequest,
  tenant: GivenTenant,
  adminTokenId: string,
): boolean {
  if (operation.method === 'DELETE' && request.url.includes(adminTokenId)) return true;
  if (operation.path.startsWith('/api/v1/users/{id}') && request.url.includes(tenant.admin.id))
    return operation.method !== 'GET';
  return false;
}

function operationsOf(spec: any): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries<any>(spec.paths)) {
    for (const [method, operation] of Object.entries<any>(methods)) {
      operations.push({
        method: method.toUpperCase(),
        path,
        parameters: operation.parameters ?? [],
        body: operation.requestBody?.content?.['application/json']?.schema,
      });
    }
  }
  return operations;
}

/** The seeded entities an id in this path most likely names, by the path segment before it. */
function idsFor(path: string, name: string, known: Record<string, string[]>, all: string[]): string[] {
  const segments = path.split('/');
  const index = segments.indexOf(`{${name}}`);
  const owner = segments[index - 1] ?? '';
  return known[name === 'identityId' ? 'identities' : name === 'messageId' ? 'messages' : owner] ?? all;
}

function requestArbitrary(
  operation: Operation,
  known: Record<string, string[]>,
  all: string[],
  auth: { token: string; channel: GivenChannel },
): fc.Arbitrary<FuzzRequest> {
  const pathParams = operation.parameters.filter((parameter) => parameter.in === 'path');
  const queryParams = operation.parameters.filter((parameter) => parameter.in === 'query');
  const pathArb = fc.tuple(
    ...pathParams.map((parameter) => pathValue(idsFor(operation.path, parameter.name, known, all))),
  );
  const queryArb = fc.tuple(
    ...queryParams.map((parameter) => fc.option(queryValue(parameter.schema, all), { nil: undefined })),
  );
  const isCsv = operation.path === '/api/v1/contacts/import';
  const bodyArb: fc.Arbitrary<string | undefined> = operation.body
    ? bodyText(operation.body, all)
    : isCsv
      ? fc
          .tuple(fc.constantFrom(...nastyStrings), fc.constantFrom(...nastyStrings))
          .map(([name, value]) => `name,email,attr.x\n${name},${value}@example.test,${value}\n`)
      : fc.constant(undefined);
  const authArb = fc.constantFrom('admin', 'admin', 'admin', 'none', 'garbage');
  return fc.tuple(pathArb, queryArb, bodyArb, authArb, fc.boolean()).map(([path, query, body, who, sign]) => {
    let url = operation.path;
    pathParams.forEach((parameter, index) => {
      url = url.replace(`{${parameter.name}}`, path[index]!);
    });
    const search = queryParams
      .map((parameter, index) =>
        query[index] === undefined ? undefined : `${parameter.name}=${encodeQueryComponent(query[index]!)}`,
      )
      .filter(Boolean)
      .join('&');
    const headers: Record<string, string> = {};
    if (who === 'admin') headers.authorization = `Bearer ${auth.token}`;
    if (who === 'garbage') headers.authorization = 'Bearer \u00ff\u00fe not a token';
    if (body !== undefined) headers['content-type'] = isCsv ? 'text/csv' : 'application/json';
    if (operation.path === '/api/v1/inbound/{channelId}' && body !== undefined && sign) {
      url = url.replace(/inbound\/[^/]+/, `inbound/${auth.channel.id}`);
      headers['x-unisono-signature'] = signApiBody(auth.channel.secret, body);
    }
    const method = operation.method;
    return { method, url: search ? `${url}?${search}` : url, headers, body };
  });
}

async function send(baseUrl: string, request: FuzzRequest) {
  const response = await fetch(`${baseUrl}${request.url}`, {
    method: request.method,
    headers: request.headers,
    body: request.body,
  });
  const text = await response.text();
  return { status: response.status, type: response.headers.get('content-type') ?? '', text };
}

describe.each(testDatabases())('every documented route on %s', (kind) => {
  let app: TestApp;
  let tenant: GivenTenant;
  let channel: GivenChannel;
  let adminTokenId: string;
  const known: Record<string, string[]> = {};

  beforeAll(async () => {
    app = await startTestApp(kind);
    tenant = await createTenant(app);
    const agent = await givenAgent(app, tenant);
    channel = await givenApiChannel(tenant);
    const received = [];
    for (let index = 0; index < 3; index++) received.push(await receiveApiMessage(app, channel));
    const created = async (path: string, body: unknown) => {
      const response = await tenant.api.post(path, body);
      if (response.status >= 300)
        throw new Error(`seed ${path}: ${response.status} ${JSON.stringify(response.body)}`);
      return response.body.id as string;
    };
    const tokens = await tenant.api.get('/api/v1/tokens');
    adminTokenId = tokens.body.items?.[0]?.id ?? tokens.body[0]?.id;
    const contactId = received[0]!.contactId;
    const contact = await tenant.api.get(`/api/v1/contacts/${contactId}`);
    const conversation = await tenant.api.get(
      `/api/v1/conversations/${received[0]!.conversationId}/messages`,
    );
    Object.assign(known, {
      contacts: received.map((entry) => entry.contactId),
      conversations: received.map((entry) => entry.conversationId),
      messages: received.map((entry) => entry.messageId),
      identities: contact.body.identities.map((identity: { id: string }) => identity.id),
      users: [agent.id],
      tokens: [await created('/api/v1/tokens', { name: 'fuzz' })],
      channels: [channel.id],
      inbound: [channel.id],
      teams: [await created('/api/v1/teams', { name: 'Fuzz team' })],
      labels: [await created('/api/v1/labels', { name: 'fuzz-label' })],
      'canned-answers': [
        await created('/api/v1/canned-answers', { shortcut: 'fz', title: 'Fz', body: 'Hallo' }),
      ],
      views: [await created('/api/v1/inbox/views', { name: 'Fuzz view', filters: {} })],
      'contact-attributes': [
        await created('/api/v1/contact-attributes', { key: 'fuzz', label: 'Fuzz', type: 'text' }),
      ],
      notes: [await created(`/api/v1/contacts/${contactId}/notes`, { text: 'note' })],
    });
    expect(conversation.status).toBe(200);
  });
  afterAll(() => app?.stop());

  it(
    'never answers 5xx, and answers every 4xx as application/problem+json',
    async () => {
      const spec = app.unisono.http.swagger() as any;
      const operations = operationsOf(spec);
      expect(operations.length).toBeGreaterThan(60);
      const all = Object.values(known).flat();
      const failures: string[] = [];
      for (const [index, operation] of operations.entries()) {
        const arbitrary = requestArbitrary(operation, known, all, { token: tenant.admin.token, channel });
        const result = await fc.check(
          fc.asyncProperty(arbitrary, async (request) => {
            if (excluded(operation, request, tenant, adminTokenId)) return true;
            const response = await send(app.url, request);
            const isProblem = response.type.startsWith('application/problem+json');
            if (response.status >= 500 || (response.status >= 400 && !isProblem)) {
              throw new Error(
                `${response.status} ${response.type} for ${request.method} ${request.url}\n` +
                  `headers ${JSON.stringify(request.headers)}\nbody ${request.body?.slice(0, 500)}\n` +
                  `answer ${response.text.slice(0, 500)}`,
              );
            }
            return true;
          }),
          { seed: SEED + index, numRuns: RUNS_PER_OPERATION, endOnFailure: true },
        );
        if (result.failed) {
          failures.push(
            `${operation.method} ${operation.path} (seed ${SEED + index}, FUZZ_SEED=${SEED}): ${
              (result.errorInstance as Error)?.message ?? String(result.errorInstance)
            }`,
          );
        }
      }
      expect(failures.join('\n\n')).toBe('');
    },
    Math.max(180_000, RUNS_PER_OPERATION * 12_000),
  );
});
