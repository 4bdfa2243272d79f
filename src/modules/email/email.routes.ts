import { z } from 'zod';
import { requireRole } from '../../platform/http/auth.ts';
import type { App } from '../../platform/http/server.ts';
import { FailedInboundEmailView, FailedInboundListQuery, FailedInboundParams } from './email.schema.ts';
import type { EmailInboundService } from './email-inbound.service.ts';

/** Admin view of inbound mail that could not be stored as a message: list, download, re-process, discard. */
export function registerEmailRoutes(app: App, email: EmailInboundService) {
  app.get(
    '/api/v1/email/failed-inbound',
    {
      config: requireRole('admin'),
      schema: {
        tags: ['channels'],
        summary:
          'Inbound emails that could not be stored as messages (unparseable or held by the flood limit)',
        querystring: FailedInboundListQuery,
        response: { 200: z.object({ items: z.array(FailedInboundEmailView) }) },
      },
    },
    async (request) => ({ items: await email.listFailed(request.actor, request.query) }),
  );

  app.get(
    '/api/v1/email/failed-inbound/:id/raw',
    {
      config: requireRole('admin'),
      schema: {
        tags: ['channels'],
        summary: 'The raw RFC 822 bytes of a failed inbound email',
        params: FailedInboundParams,
      },
    },
    async (request, reply) => {
      const raw = await email.failedRaw(request.actor, request.params.id);
      return reply
        .header('content-type', 'message/rfc822')
        .header('content-disposition', `attachment; filename="${request.params.id}.eml"`)
        .send(raw);
    },
  );

  app.post(
    '/api/v1/email/failed-inbound/:id/reprocess',
    {
      config: requireRole('admin'),
      schema: {
        tags: ['channels'],
        summary: 'Run a failed inbound email through the pipeline again (status shows the outcome)',
        params: FailedInboundParams,
        response: { 200: FailedInboundEmailView },
      },
    },
    async (request) => email.reprocess(request.actor, request.params.id),
  );

  app.post(
    '/api/v1/email/failed-inbound/:id/discard',
    {
      config: requireRole('admin'),
      schema: {
        tags: ['channels'],
        summary: 'Mark a failed inbound email as handled without storing it',
        params: FailedInboundParams,
        response: { 200: FailedInboundEmailView },
      },
    },
    async (request) => email.discard(request.actor, request.params.id),
  );
}
