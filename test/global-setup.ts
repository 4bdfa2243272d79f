import { createUnisono } from '../src/app.ts';
import { loadConfig } from '../src/platform/config.ts';

/** Migrates the PostgreSQL test database once, so test files do not race on the schema. */
export default async function setup() {
  if (!process.env.DATABASE_URL) return;
  const unisono = await createUnisono(
    loadConfig({
      DATABASE_URL: process.env.DATABASE_URL,
      LOG_LEVEL: 'silent',
      DATA_DIR: '/tmp/unisono-global-setup',
      ROLES: 'web',
    }),
  );
  await unisono.stop();
}
