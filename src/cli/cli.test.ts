import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { Client } from '../../test/support/factories.ts';
import { freePort, ServerProcess } from '../../test/support/server-process.ts';

const run = promisify(execFile);
const BIN = path.resolve('bin/unisono.js');

describe('unisono command', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'unisono-cli-'));
  const env = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn', DATABASE_URL: '' };
  afterAll(async () => {
    await ServerProcess.stopAll();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('exits 1 and lists every configuration problem', async () => {
    const result = await run(process.execPath, [BIN, 'migrate'], {
      env: { ...env, PORT: 'x', LOG_LEVEL: 'loud' },
    }).catch((error) => error);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('PORT');
    expect(result.stderr).toContain('LOG_LEVEL');
  });

  it('migrates, creates users and tokens that work against the server', async () => {
    const migrate = await run(process.execPath, [BIN, 'migrate'], { env });
    expect(migrate.stdout).toContain('Migrations applied');

    const server = await new ServerProcess(await freePort(), { DATA_DIR: dataDir, DATABASE_URL: '' }).start();
    await server.kill('SIGTERM');

    const user = await run(
      process.execPath,
      [BIN, 'user', 'create', '--email', 'berta@example.test', '--name', 'Berta', '--role', 'supervisor'],
      { env },
    );
    expect(user.stdout).toContain('Created supervisor berta@example.test in default');
    expect(user.stdout).toMatch(/Password \(shown once\): \S+/);
    const token = (
      await run(process.execPath, [BIN, 'token', 'create', '--email', 'berta@example.test'], { env })
    ).stdout.trim();
    expect(token).toMatch(/^uni_/);

    const restarted = await new ServerProcess(server.port, { DATA_DIR: dataDir, DATABASE_URL: '' }).start();
    try {
      const me = await new Client(restarted.url, { token }).get('/api/v1/me');
      expect(me.body.user).toMatchObject({ email: 'berta@example.test', role: 'supervisor' });
    } finally {
      await restarted.kill('SIGTERM');
    }
  }, 120_000);
});
