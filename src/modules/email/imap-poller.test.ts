import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dovecot, dovecotAvailable } from '../../../test/support/dovecot.ts';
import { givenEmailChannel } from '../../../test/support/email-factories.ts';
import { createTenant, eventually, type GivenTenant, unique } from '../../../test/support/factories.ts';
import { buildMail } from '../../../test/support/mail-builder.ts';
import { freePort } from '../../../test/support/server-process.ts';
import { type TestApp, testDatabases } from '../../../test/support/test-app.ts';
import { createUnisono } from '../../app.ts';
import { loadConfig } from '../../platform/config.ts';
import { type Database, openDatabase } from '../../platform/db/database.ts';

describe.skipIf(!dovecotAvailable()).each(testDatabases())('IMAP mailboxes on %s', (kind) => {
  const dovecot = new Dovecot();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'unisono-imap-'));
  let database: Database;
  let app: TestApp;
  let tenant: GivenTenant;
  let port: number;
  const channelIds: string[] = [];

  /** A Unisono process on a database that outlives it, so a restart keeps the data (like a real restart). */
  async function startApp(): Promise<TestApp> {
    const config = loadConfig({
      HOST: '127.0.0.1',
      // The same port after a restart, so the tenant's API client keeps working.
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      SECRET_KEY: 'test-secret-key-that-is-long-enough-0123456789',
      // The test's Dovecot listens on loopback.
      OUTBOUND_ALLOW_PRIVATE: '127.0.0.0/8',
      ...(kind === 'postgres' ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
    });
    const unisono = await createUnisono(config, { database });
    const url = (await unisono.start())!;
    return { unisono, url, dataDir, stop: () => unisono.stop() };
  }

  beforeAll(async () => {
    await dovecot.start({ resume: 'pw-resume', move: 'pw-move', purge: 'pw-purge', status: 'pw-status' });
    port = await freePort();
    database = await openDatabase(
      kind === 'postgres' ? { url: process.env.DATABASE_URL } : { dataDir, memory: true },
    );
    app = await startApp();
    tenant = await createTenant(app);
  });
  afterAll(async () => {
    // Each step on its own: one failing must not leave Dovecot running behind the test.
    const steps: (() => Promise<unknown> | undefined)[] = [
      // Other test processes on the same PostgreSQL must not keep polling a mailbox that is about to vanish.
      () =>
        database.executeSql('update channels set enabled = false where id = any($1::uuid[])', [channelIds]),
      () => app?.stop(),
      () => database?.close(),
      () => dovecot.stop(),
    ];
    for (const step of steps)
      await Promise.resolve()
        .then(step)
        .catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const channelFor = async (settings: Record<string, unknown>) => {
    const channel = await givenEmailChannel(tenant, settings);
    channelIds.push(channel.id);
    return channel;
  };
  const storedSubjects = async (channelId: string): Promise<string[]> => {
    const { rows } = await database.executeSql(
      `select subject from messages where tenant_id = $1 and channel_id = $2 and direction = 'inbound' order by subject`,
      [tenant.id, channelId],
    );
    return rows.map((row: any) => row.subject);
  };
  const mailbox = async (user: string, folder = 'INBOX') => {
    const client = await dovecot.client(user);
    try {
      const lock = await client.getMailboxLock(folder);
      try {
        const messages: { uid: number; seen: boolean }[] = [];
        if ((client.mailbox as { exists: number }).exists > 0) {
          for await (const message of client.fetch('1:*', { flags: true, uid: true })) {
            messages.push({ uid: message.uid, seen: message.flags?.has('\\Seen') ?? false });
          }
        }
        return messages;
      } finally {
        lock.release();
      }
    } finally {
      await client.logout();
    }
  };
  const mails = (count: number, prefix: string) =>
    Promise.all(
      Array.from({ length: count }, (_, index) =>
        buildMail({ subject: `${prefix} ${String(index).padStart(2, '0')}`, to: 'shop@imap.example' }),
      ),
    );

  it('fetches unseen mail, marks it seen once stored, and resumes by UID after a restart without duplicates or loss', async () => {
    const channel = await channelFor(dovecot.settings('resume'));
    const prefix = unique('Postfach');
    await dovecot.deliver(await mails(12, prefix), 'resume');
    await eventually(async () => (await storedSubjects(channel.id)).length >= 3, 45_000, 'first mails');

    // Stop in the middle of the batch, then pretend the last two marks were lost in the crash.
    await app.stop();
    const { rows } = await database.executeSql('select state from channels where id = $1', [channel.id]);
    const state = rows[0].state.imap as { lastUid: number };
    expect(state.lastUid).toBeGreaterThanOrEqual(3);
    const client = await dovecot.client('resume');
    await client.mailboxOpen('INBOX');
    await client.messageFlagsRemove(`${state.lastUid - 1}:${state.lastUid}`, ['\\Seen'], { uid: true });
    await client.logout();
    await database.executeSql('update channels set state = $2 where id = $1', [
      channel.id,
      JSON.stringify({ imap: { ...state, lastUid: state.lastUid - 2 } }),
    ]);
    await dovecot.deliver(await mails(3, `${prefix} danach`), 'resume');

    app = await startApp();
    await eventually(
      async () => (await storedSubjects(channel.id)).length >= 15,
      30_000,
      'all mails after restart',
    );
    // Marked right after storing: once every mail is seen, the poller has nothing left that could add a copy.
    await eventually(
      async () => (await mailbox('resume')).every((message) => message.seen),
      45_000,
      'all seen',
    );
    const subjects = await storedSubjects(channel.id);
    expect(subjects).toHaveLength(15);
    expect(new Set(subjects).size).toBe(15);
    const status = await tenant.api.get(`/api/v1/channels/${channel.id}`);
    expect(status.body).toMatchObject({ status: 'ok', statusDetail: null });
  }, 120_000);

  it('moves or deletes fetched mail as configured', async () => {
    const moving = await channelFor({
      ...dovecot.settings('move'),
      imapAfterFetch: 'move',
      imapMoveTo: 'Erledigt',
    });
    const purging = await channelFor({ ...dovecot.settings('purge'), imapAfterFetch: 'delete' });
    await dovecot.deliver(await mails(2, unique('Verschieben')), 'move');
    await dovecot.deliver(await mails(2, unique('Löschen')), 'purge');
    await eventually(
      async () => (await storedSubjects(moving.id)).length === 2,
      45_000,
      'moved mails stored',
    );
    await eventually(
      async () => (await storedSubjects(purging.id)).length === 2,
      45_000,
      'deleted mails stored',
    );
    await eventually(
      async () => (await mailbox('move')).length === 0 && (await mailbox('purge')).length === 0,
      45_000,
      'inboxes emptied',
    );
    expect(await mailbox('move', 'Erledigt')).toHaveLength(2);
  }, 90_000);

  it('shows a wrong password and an unreachable server on the channel status, and recovers', async () => {
    const wrong = await channelFor({ ...dovecot.settings('status'), imapPassword: 'wrong-password' });
    const nowhere = await channelFor({ ...dovecot.settings('status'), imapPort: await freePort() });
    const statusOf = async (id: string) => (await tenant.api.get(`/api/v1/channels/${id}`)).body;
    await eventually(async () => (await statusOf(wrong.id)).status === 'auth_failed', 20_000, 'auth_failed');
    await eventually(
      async () => (await statusOf(nowhere.id)).status === 'unreachable',
      45_000,
      'unreachable',
    );
    expect((await statusOf(wrong.id)).statusDetail).toMatch(/login failed/i);
    await tenant.api.patch(`/api/v1/channels/${nowhere.id}`, { enabled: false });

    await dovecot.deliver(await mails(1, unique('Nach Korrektur')), 'status');
    const fixed = await tenant.api.patch(`/api/v1/channels/${wrong.id}`, {
      settings: { imapPassword: 'pw-status' },
    });
    expect(fixed.status).toBe(200);
    await eventually(async () => (await storedSubjects(wrong.id)).length === 1, 30_000, 'mail after the fix');
    expect((await statusOf(wrong.id)).status).toBe('ok');
  }, 90_000);
});
