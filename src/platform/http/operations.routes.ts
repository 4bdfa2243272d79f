import type { Database } from '../db/database.ts';
import { appliedMigrationCount, expectedMigrationCount } from '../db/migrate.ts';
import type { Metrics } from '../metrics.ts';
import type { App } from './server.ts';

export function registerOperationsRoutes(app: App, database: Database, metrics: Metrics) {
  const expected = expectedMigrationCount();

  app.get('/healthz', { config: { auth: 'public' }, schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { config: { auth: 'public' }, schema: { hide: true } }, async (_request, reply) => {
    try {
      const applied = await appliedMigrationCount(database);
      if (applied < expected) {
        return reply.code(503).send({ status: 'migrating', migrations: { applied, expected } });
      }
      return { status: 'ready', database: database.kind, migrations: { applied, expected } };
    } catch (error) {
      return reply.code(503).send({ status: 'unavailable', reason: (error as Error).message.slice(0, 200) });
    }
  });

  app.get('/metrics', { config: { auth: 'public' }, schema: { hide: true } }, async (_request, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
