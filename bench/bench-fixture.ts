import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import type { ServerProcess } from './server-process.ts';

/** What the load generator needs: an API channel to post to and an agent to receive the pushes. */
export interface BenchFixture {
  inboundUrl: string;
  signingSecret: string;
  agent: Session;
}

interface Session {
  cookie: string;
  csrfToken: string;
}

/** Sets the benchmark up through the public API only: admin sign-in, an agent, an API channel. */
export async function prepareFixture(server: ServerProcess): Promise<BenchFixture> {
  const admin = await signIn(server.baseUrl, server.admin.email, server.admin.password);
  const agentEmail = 'bench-agent@example.com';
  const agentPassword = randomBytes(18).toString('base64url');
  // People join a tenant by invitation; accepting it sets the new account's password and signs in.
  const invitation = (await callApi(server.baseUrl, admin, 'POST', '/api/v1/users', {
    email: agentEmail,
    name: 'Bench Agent',
    role: 'agent',
  })) as { token: string };
  const channel = (await callApi(server.baseUrl, admin, 'POST', '/api/v1/channels', {
    kind: 'api',
    name: 'Bench',
    settings: {},
  })) as { id: string; secrets: { signingSecret: string } };
  return {
    inboundUrl: `${server.baseUrl}/api/v1/inbound/${channel.id}`,
    signingSecret: channel.secrets.signingSecret,
    agent: await acceptInvitation(server.baseUrl, invitation.token, agentPassword),
  };
}

async function signIn(baseUrl: string, email: string, password: string): Promise<Session> {
  return sessionOf(
    `sign-in as ${email}`,
    await fetch(`${baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    }),
  );
}

async function acceptInvitation(baseUrl: string, token: string, password: string): Promise<Session> {
  return sessionOf(
    'accepting the agent invitation',
    await fetch(`${baseUrl}/api/v1/invitations/${encodeURIComponent(token)}/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ password, name: 'Bench Agent' }),
    }),
  );
}

async function sessionOf(what: string, response: Response): Promise<Session> {
  if (response.status !== 200) {
    throw new Error(`${what} answered ${response.status}: ${await response.text()}`);
  }
  const body = (await response.json()) as { csrfToken: string };
  const cookie = response.headers
    .getSetCookie()
    .map((header) => header.split(';')[0]!)
    .find((pair) => pair.startsWith('unisono_session='));
  if (!cookie) throw new Error('sign-in set no unisono_session cookie');
  return { cookie, csrfToken: body.csrfToken };
}

async function callApi(
  baseUrl: string,
  session: Session,
  method: string,
  path: string,
  body: unknown,
): Promise<unknown> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      cookie: session.cookie,
      'x-csrf-token': session.csrfToken,
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return JSON.parse(text);
}

/** The agent's realtime socket; resolves once the server said hello, so no event can be missed. */
export function connectAgentSocket(
  baseUrl: string,
  agent: Session,
  onFrame: (raw: string) => void,
): Promise<WebSocket> {
  const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/api/v1/realtime`, {
    headers: { cookie: agent.cookie },
    perMessageDeflate: false,
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error('the realtime socket sent no hello within 10 s'));
    }, 10_000);
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.once('unexpected-response', (_request, response) => {
      clearTimeout(timer);
      reject(new Error(`the realtime upgrade answered ${response.statusCode}`));
    });
    socket.on('message', (data) => {
      const raw = data.toString();
      if (raw.startsWith('{"type":"hello"')) {
        clearTimeout(timer);
        resolve(socket);
        return;
      }
      onFrame(raw);
    });
  });
}
