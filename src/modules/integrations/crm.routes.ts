import { z } from 'zod';
import { requireRole } from '../../platform/http/auth.ts';
import type { App } from '../../platform/http/server.ts';
import { presentActivity, presentConnector } from './crm.presenter.ts';
import {
  CrmActivityLogQuery,
  CrmActivityParams,
  CrmActivityView,
  CrmConnectorBody,
  CrmConnectorView,
  CrmCustomerQuery,
  CrmCustomerView,
  SavedCrmConnectorView,
} from './crm.schema.ts';
import type { CrmService } from './crm.service.ts';
import type { CrmWriteBackService } from './crm-write-back.service.ts';

export function registerCrmRoutes(app: App, crm: CrmService, writeBack: CrmWriteBackService) {
  app.get(
    '/api/v1/integrations/crm',
    {
      config: requireRole('admin'),
      schema: {
        tags: ['integrations'],
        summary: "This tenant's CRM connector (the signing secret is never shown again)",
        response: { 200: CrmConnectorView },
      },
    },
    async (request) => presentConnector(await crm.connector(request.actor.tenantId)),
  );

  app.put(
    '/api/v1/integrations/crm',
    {
      config: requireRole('admin'),
      schema: {
        tags: ['integrations'],
        summary: 'Configure the CRM connector; a new connector returns its signing secret this once',
        body: CrmConnectorBody,
        response: { 200: SavedCrmConnectorView, 201: SavedCrmConnectorView },
      },
    },
    async (request, reply) => {
      const { connector, signingSecret, created } = await crm.saveConnector(request.actor, request.body);
      return reply
        .code(created ? 201 : 200)
        .send({ ...presentConnector(connector), ...(signingSecret ? { signingSecret } : {}) });
    },
  );

  app.delete(
    '/api/v1/integrations/crm',
    {
      config: requireRole('admin'),
      schema: {
        tags: ['integrations'],
        summary: 'Remove the CRM connector and its cached customer data',
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await crm.removeConnector(request.actor);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/integrations/crm/activity-log',
    {
      config: requireRole('supervisor'),
      schema: {
        tags: ['integrations'],
        summary: 'The latest CRM write-backs with their delivery attempts, newest first',
        querystring: CrmActivityLogQuery,
        response: { 200: z.object({ items: z.array(CrmActivityView) }) },
      },
    },
    async (request) => ({
      items: (await writeBack.list(request.actor.tenantId, request.query)).map(presentActivity),
    }),
  );

  app.post(
    '/api/v1/integrations/crm/activity-log/:id/retry',
    {
      config: requireRole('admin'),
      schema: {
        tags: ['integrations'],
        summary: 'Send a failed CRM write-back again',
        params: CrmActivityParams,
        response: { 200: CrmActivityView },
      },
    },
    async (request) => presentActivity(await writeBack.retry(request.actor, request.params.id)),
  );

  app.get(
    '/api/v1/contacts/:id/crm',
    {
      config: requireRole('agent'),
      schema: {
        tags: ['contacts', 'integrations'],
        summary: 'CRM data of a contact (attributes, recent orders); cached, stale data marked',
        description:
          'A fresh cached answer is served from the cache; otherwise the CRM is asked within the ' +
          "connector's timeout. If the CRM fails, the last known data is returned with `stale: true` " +
          'and the error: this endpoint does not fail because the CRM does.',
        params: z.object({ id: z.uuid() }),
        querystring: CrmCustomerQuery,
        response: { 200: CrmCustomerView },
      },
    },
    async (request) =>
      crm.customer(request.actor.tenantId, request.params.id, { refresh: request.query.refresh }),
  );
}
