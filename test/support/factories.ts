import { randomUUID } from 'node:crypto';
import { signApiBody } from '../../src/channels/api/api-channel.adapter.ts';
import type { TestApp } from './test-app.ts';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A JSON client for one caller (bearer token or session cookie). */
export class Client {
  constructor(
    readonly baseUrl: string,
    private readonly auth: { token?: string; cookie?: string; csrf?: string } = {},
  ) {}

  async request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.auth.token ? { authorization: `Bearer ${this.auth.token}` } : {}),
        ...(this.auth.cookie ? { cookie: this.auth.cookie } : {}),
        ...(this.auth.csrf ? { 'x-csrf-token': this.auth.csrf } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: any = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON
    }
    return { status: response.status, body: parsed, headers: response.headers };
  }

  get<T = any>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T = any>(path: string, body?: unknown) {
    return this.request<T>('POST', path, body ?? {});
  }
  patch<T = any>(path: string, body: unknown) {
    return this.request<T>('PATCH', path, body);
  }
  delete<T = any>(path: string) {
    return this.request<T>('DELETE', path);
  }
}

export interface GivenTenant {
  id: string;
  slug: string;
  admin: { id: string; email: string; password: string; token: string };
  api: Client;
}

/** A random German mobile number (+49 151 and seven digits), distinct across a test run in practice. */
export function mobileNumber(): string {
  return `+49151${String(Math.floor(1_000_000 + Math.random() * 8_999_999))}`;
}

export function unique(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** A fresh tenant with an admin and that admin's API token. */
export async function createTenant(
  app: TestApp,
  settings: { reopenWindowMinutes?: number } = {},
): Promise<GivenTenant> {
  const { services } = app.unisono;
  const slug = unique('t');
  const tenant = await services.tenants.create(null, {
    slug,
    name: `Tenant ${slug}`,
    defaultLanguage: 'de',
    timeZone: 'Europe/Berlin',
    defaultCountry: 'DE',
    senderAddresses: [],
    reopenWindowMinutes: settings.reopenWindowMinutes ?? 0,
  });
  const email = `${unique('admin')}@example.test`;
  const password = 'correct horse battery staple';
  const admin = await services.users.create(tenant.id, null, {
    email,
    name: 'Ada Admin',
    role: 'admin',
    password,
  });
  const token = await services.auth.createToken(tenant.id, admin.id, 'tests', null);
  return {
    id: tenant.id,
    slug,
    admin: { id: admin.id, email, password, token: token.token },
    api: new Client(app.url, { token: token.token }),
  };
}

/** Another member of the tenant, with a token of their own. */
export async function givenAgent(app: TestApp, tenant: GivenTenant, role: 'agent' | 'supervisor' = 'agent') {
  const { services } = app.unisono;
  const email = `${unique(role)}@example.test`;
  const user = await services.users.create(tenant.id, null, {
    email,
    name: `A ${role}`,
    role,
    password: 'agent password 123',
  });
  const token = await services.auth.createToken(tenant.id, user.id, 'tests', null);
  return {
    id: user.id,
    email,
    password: 'agent password 123',
    api: new Client(app.url, { token: token.token }),
  };
}

export interface GivenChannel {
  id: string;
  secret: string;
  inboundUrl: string;
}

export async function givenApiChannel(
  tenant: GivenTenant,
  settings: { webhookUrl?: string } = {},
  name = unique('API'),
) {
  const response = await tenant.api.post('/api/v1/channels', { kind: 'api', name, settings });
  if (response.status !== 201) throw new Error(`channel create failed: ${JSON.stringify(response.body)}`);
  return {
    id: response.body.id as string,
    secret: response.body.secrets.signingSecret as string,
    inboundUrl: response.body.inboundUrl as string,
  } satisfies GivenChannel;
}

export interface ApiMessage {
  id?: string;
  from?: { kind?: string; value: string; name?: string };
  text?: string;
  threadId?: string;
  [key: string]: unknown;
}

/** Posts a signed payload to the channel's inbound webhook, exactly as a provider would. */
export async function postToChannel(
  app: TestApp,
  channel: GivenChannel,
  payload: unknown,
  options: { secret?: string; rawBody?: string } = {},
) {
  const body = options.rawBody ?? JSON.stringify(payload);
  const response = await fetch(`${app.url}/api/v1/inbound/${channel.id}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-unisono-signature': signApiBody(options.secret ?? channel.secret, body),
    },
    body,
  });
  return { status: response.status, body: (await response.json().catch(() => null)) as any };
}

export async function receiveApiMessage(app: TestApp, channel: GivenChannel, message: ApiMessage = {}) {
  const response = await postToChannel(app, channel, {
    id: message.id ?? unique('msg'),
    from: message.from ?? { kind: 'email', value: `${unique('customer')}@example.de` },
    text: message.text ?? 'Hallo, ich habe eine Frage zu meiner Bestellung.',
    ...message,
  });
  if (response.status !== 202)
    throw new Error(`inbound failed ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body.results[0] as {
    messageId: string;
    conversationId: string;
    contactId: string;
    duplicate: boolean;
  };
}

export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 60_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const result = await check();
      if (result) return result;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}
