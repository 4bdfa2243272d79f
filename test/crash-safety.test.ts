import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { signApiBody } from '../src/channels/api/api-channel.adapter.ts';
import { Client, unique } from './support/factories.ts';
import { freePort, ServerProcess } from './support/server-process.ts';
import { testDatabases } from './support/test-app.ts';

const crashDatabases: string[] = [];

/** An empty database, named after this file's so CI's cleanup finds it should the test not get to drop it. */
async function freshPostgresUrl(): Promise<string> {
  const base = new URL(process.env.DATABASE_URL!);
  const name = `${base.pathname.slice(1)}_crash_${Math.floor(Math.random() * 1e6)}`;
  await adminQuery(`create database ${name}`);
  crashDatabases.push(name);
  base.pathname = `/${name}`;
  return base.toString();
}

async function adminQuery(statement: string): Promise<void> {
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(statement);
  } finally {
    await admin.end();
  }
}

describe.each(testDatabases())('the real process on %s', (kind) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'unisono-crash-'));
  afterAll(async () => {
    await ServerProcess.stopAll();
    for (const name of crashDatabases.splice(0))
      await adminQuery(`drop database if exists ${name} with (force)`);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints the first-run login, and keeps an accepted message through kill -9', async () => {
    const env: Record<string, string> = {
      DATA_DIR: dataDir,
      SECRET_KEY: 'crash-test-secret-key-0123456789abcdef',
    };
    if (kind === 'postgres') env.DATABASE_URL = await freshPostgresUrl();
    const server = await new ServerProcess(await freePort(), env).start();
    const password = server.firstRunPassword();
    expect(server.output).toContain(`Unisono is running at ${server.url}`);
    expect(password).toBeTruthy();

    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@unisono.local', password }),
    });
    const me = (await login.json()) as any;
    const session = new Client(server.url, {
      cookie: login.headers.get('set-cookie')!.split(';')[0],
      csrf: me.csrfToken,
    });
    const token = (await session.post('/api/v1/tokens', { name: 'crash' })).body.token;
    const channel = (await session.post('/api/v1/channels', { kind: 'api', name: 'Crash', settings: {} }))
      .body;

    const externalId = unique('survivor');
    const body = JSON.stringify({
      id: externalId,
      from: { kind: 'email', value: 'crash@example.de' },
      text: 'Überlebe ich?',
    });
    const accepted = await fetch(`${server.url}/api/v1/inbound/${channel.id}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-unisono-signature': signApiBody(channel.secrets.signingSecret, body),
      },
      body,
    });
    expect(accepted.status).toBe(202);
    await server.kill('SIGKILL');

    const restarted = await new ServerProcess(server.port, env).start();
    try {
      expect(restarted.firstRunPassword()).toBeUndefined();
      const api = new Client(restarted.url, { token });
      const conversations = await api.get('/api/v1/conversations');
      expect(conversations.body.items).toHaveLength(1);
      const messages = await api.get(`/api/v1/conversations/${conversations.body.items[0].id}/messages`);
      expect(messages.body.items.map((message: any) => [message.externalId, message.text])).toEqual([
        [externalId, 'Überlebe ich?'],
      ]);

      const resent = await fetch(`${restarted.url}/api/v1/inbound/${channel.id}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-unisono-signature': signApiBody(channel.secrets.signingSecret, body),
        },
        body,
      });
      expect(((await resent.json()) as any).results[0].duplicate).toBe(true);
    } finally {
      expect(await restarted.kill('SIGTERM')).toBe(0);
    }
  }, 120_000);
});
