import { createUnisono } from '../src/app.ts';
import { loadConfig } from '../src/platform/config.ts';
import { dovecotAvailable } from './support/dovecot.ts';

/**
 * Says which suites this run leaves out and why, so a green run never hides a skipped one; in CI
 * (CI=true) a missing service is an error instead, since .ci/run installs and starts all of them.
 */
function reportSkippedSuites() {
  const skipped: string[] = [];
  if (!process.env.DATABASE_URL)
    skipped.push('PostgreSQL runs and the two-node test: DATABASE_URL is not set (.ci/run sets it)');
  if (!dovecotAvailable())
    skipped.push('IMAP mailbox tests: dovecot is not installed (apt-get install dovecot-imapd)');
  if (skipped.length === 0) return;
  const lines = skipped.map((reason) => `  skipped: ${reason}`).join('\n');
  if (process.env.CI === 'true') throw new Error(`CI must run every suite, but:\n${lines}`);
  process.stderr.write(`\n${lines}\n\n`);
}

/** Migrates the PostgreSQL test database once, so test files do not race on the schema. */
export default async function setup() {
  reportSkippedSuites();
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
