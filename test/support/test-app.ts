import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createUnisono, type Unisono } from '../../src/app.ts';
import { type Config, loadConfig } from '../../src/platform/config.ts';
import { type Database, openDatabase } from '../../src/platform/db/database.ts';

export type DatabaseKind = 'pglite' | 'postgres';

/** PGlite always; PostgreSQL too when DATABASE_URL is set (CI sets it). */
export function testDatabases(): DatabaseKind[] {
  return process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

/** A bare database of that kind for platform tests: in-memory PGlite, or a pool on DATABASE_URL. */
export function openTestDatabase(kind: DatabaseKind, poolSize = 4): Promise<Database> {
  return openDatabase(kind === 'postgres' ? { url: process.env.DATABASE_URL!, poolSize } : { memory: true });
}

export interface TestApp {
  unisono: Unisono;
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

export async function startTestApp(
  kind: DatabaseKind,
  overrides: Record<string, string> = {},
): Promise<TestApp> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'unisono-test-'));
  const config: Config = loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    SECRET_KEY: 'test-secret-key-that-is-long-enough-0123456789',
    DELIVERY_RETRY_BASE_MS: '300',
    DELIVERY_TIMEOUT_MS: '2000',
    LOGIN_RATE_LIMIT: '1000',
    // Fake providers listen on loopback; production refuses it (outbound-guard.test proves both).
    OUTBOUND_ALLOW_PRIVATE: '127.0.0.0/8',
    // Only the IMAP tests need mailbox polling; every other test app leaves it off.
    IMAP_POLLING: 'off',
    ...(kind === 'postgres' ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
    ...overrides,
  });
  const unisono = await createUnisono(config, { memory: kind === 'pglite' });
  const url = await unisono.start();
  return {
    unisono,
    url: url!,
    dataDir,
    async stop() {
      await unisono.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
