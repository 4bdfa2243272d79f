import pg from 'pg';
import { afterAll } from 'vitest';

/**
 * On PostgreSQL every test file gets its own copy of the migrated test database (made once by
 * global-setup.ts). Files run in parallel; on one shared database, one file's workers would take another
 * file's jobs and apply their own settings to them.
 */
process.env.UNISONO_TEST_TEMPLATE_URL ??= process.env.DATABASE_URL ?? '';
const template = process.env.UNISONO_TEST_TEMPLATE_URL;
if (template) {
  const url = new URL(template);
  const source = url.pathname.slice(1);
  const name = `${source}_f${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new URL(template);
  admin.pathname = '/postgres';
  const run = async (statement: string) => {
    const client = new pg.Client({ connectionString: admin.toString() });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await run(`create database ${pg.escapeIdentifier(name)} template ${pg.escapeIdentifier(source)}`);
  url.pathname = `/${name}`;
  process.env.DATABASE_URL = url.toString();
  afterAll(async () => {
    process.env.DATABASE_URL = template;
    await run(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`);
  });
}
