import { createUnisono, type Unisono } from '../app.ts';
import { type Config, ConfigError, loadConfig, publicUrl } from '../platform/config.ts';
import { openDatabase } from '../platform/db/database.ts';
import { migrateDatabase } from '../platform/db/migrate.ts';
import { DomainError } from '../platform/errors.ts';
import { randomToken } from '../platform/security/crypto.ts';
import { parseArgs, stringFlag } from './args.ts';
import { ensureFirstAdmin } from './bootstrap.ts';
import { CONTACTS_USAGE, runContactsCommand } from './contacts-command.ts';

const USAGE = `unisono — omnichannel customer service

Usage:
  unisono start                      migrate, then serve (roles from ROLES, default web,worker)
  unisono migrate                    apply database migrations and exit
  unisono user create --email E --name N [--role agent|supervisor|admin] [--password P] [--tenant SLUG]
  unisono token create --email E [--name N] [--tenant SLUG]
  unisono demo [--tenant SLUG]       load a realistic demo tenant (contacts, channels, conversations)
${CONTACTS_USAGE}

Configuration comes from environment variables; see the README.`;

async function main(argv: string[]): Promise<number> {
  const { positional, flags } = parseArgs(argv);
  const [command, subcommand] = positional;
  if (!command || flags.help || command === 'help') {
    console.log(USAGE);
    return command ? 0 : 1;
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }

  switch (command) {
    case 'start':
      return start(config);
    case 'migrate': {
      const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR });
      await migrateDatabase(database);
      await database.close();
      console.log(`Migrations applied (${database.kind}).`);
      return 0;
    }
    case 'user':
    case 'token':
    case 'demo':
      return withApp({ ...config, LOG_LEVEL: 'warn' }, async (unisono) => {
        const tenantSlug = stringFlag(flags, 'tenant') ?? 'default';
        if (command === 'demo') {
          // Loaded on demand: the demo corpus is only needed by this command.
          const { loadDemo } = await import('./demo.ts');
          const result = await loadDemo(unisono, tenantSlug === 'default' ? 'demo' : tenantSlug, (line) =>
            console.log(line),
          );
          console.log(
            `Demo tenant "${result.tenantSlug}" is ready. Sign in as ${result.email} / ${result.password}`,
          );
          return 0;
        }
        const tenant = await unisono.services.tenants.findBySlug(tenantSlug);
        if (!tenant) throw new DomainError('not_found', `No tenant with slug ${tenantSlug}`);
        const email = stringFlag(flags, 'email');
        if (!email) throw new DomainError('validation_failed', '--email is required');
        if (command === 'user' && subcommand === 'create') {
          const password = stringFlag(flags, 'password') ?? randomToken(12);
          const role = (stringFlag(flags, 'role') ?? 'agent') as 'agent';
          const existed = await unisono.services.users.exists(email);
          const user = await unisono.services.users.create(tenant.id, null, {
            email,
            name: stringFlag(flags, 'name') ?? email,
            role,
            password,
          });
          if (existed) {
            console.log(
              `Added existing user ${user.email} to ${tenant.slug} as ${user.role}; their password is unchanged.`,
            );
            return 0;
          }
          console.log(`Created ${user.role} ${user.email} in ${tenant.slug}.`);
          if (!stringFlag(flags, 'password')) console.log(`Password (shown once): ${password}`);
          return 0;
        }
        if (command === 'token' && subcommand === 'create') {
          const members = await unisono.services.users.list(tenant.id);
          const member = members.find((candidate) => candidate.email === email.toLowerCase());
          if (!member) throw new DomainError('not_found', `${email} is not a member of ${tenant.slug}`);
          const token = await unisono.services.auth.createToken(
            tenant.id,
            member.id,
            stringFlag(flags, 'name') ?? 'cli',
            null,
          );
          console.log(token.token);
          return 0;
        }
        console.error(USAGE);
        return 1;
      });
    case 'contacts':
      return withApp({ ...config, LOG_LEVEL: 'warn' }, (unisono) =>
        runContactsCommand(unisono, positional.slice(1), flags),
      );
    default:
      console.error(`Unknown command ${command}\n\n${USAGE}`);
      return 1;
  }
}

async function withApp(config: Config, work: (unisono: Unisono) => Promise<number>): Promise<number> {
  const unisono = await createUnisono({ ...config, ROLES: ['web'] });
  try {
    return await work(unisono);
  } catch (error) {
    if (error instanceof DomainError) {
      console.error(`Error: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await unisono.stop();
  }
}

async function start(config: Config): Promise<number> {
  const unisono = await createUnisono(config);
  const firstRun = await ensureFirstAdmin(unisono.services, process.env.ADMIN_EMAIL);
  const address = await unisono.start();
  const url = publicUrl(config);
  const { logger } = unisono.platform;
  logger.info({ address, database: unisono.platform.database.kind, roles: config.ROLES }, 'Unisono started');
  if (address) {
    const banner = [
      '',
      `  Unisono is running at ${url}`,
      `  API reference: ${url}/api/docs`,
      firstRun
        ? `  First run: sign in as ${firstRun.email} with password ${firstRun.password} (shown only this once)`
        : '  Sign in with your account (create one with `unisono user create`).',
      '',
    ];
    process.stdout.write(`${banner.join('\n')}\n`);
  }
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: no new requests, finishing in-flight work');
    const timer = setTimeout(() => {
      logger.error('shutdown took longer than 20 s; exiting');
      process.exit(1);
    }, 20_000);
    timer.unref();
    await unisono.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  return new Promise<number>(() => {});
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
