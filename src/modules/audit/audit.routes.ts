import { z } from 'zod';
import type { Database } from '../../platform/db/database.ts';
import { requireRole } from '../../platform/http/auth.ts';
import type { App } from '../../platform/http/server.ts';
import { presentAuditEntry } from './audit.presenter.ts';
import { AuditEntryView, AuditQuery } from './audit.schema.ts';
import { listAudit } from './audit.service.ts';

export function registerAuditRoutes(app: App, database: Database) {
  app.get(
    '/api/v1/audit',
    {
      config: requireRole('supervisor'),
      schema: {
        tags: ['audit'],
        summary: 'Who changed what in this tenant, newest first',
        querystring: AuditQuery,
        response: { 200: z.object({ items: z.array(AuditEntryView) }) },
      },
    },
    async (request) => ({
      items: (await listAudit(database, request.actor.tenantId, request.query)).map(presentAuditEntry),
    }),
  );
}
