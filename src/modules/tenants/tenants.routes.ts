import { z } from 'zod';
import { requirePlatformAdmin, requireRole } from '../../platform/http/auth.ts';
import type { App } from '../../platform/http/server.ts';
import { presentTenant } from './tenant.presenter.ts';
import type { TenantService } from './tenant.service.ts';
import { CreateTenantBody, TenantView, UpdateTenantBody } from './tenants.schema.ts';

export function registerTenantRoutes(app: App, tenants: TenantService) {
  app.get(
    '/api/v1/tenants',
    {
      config: requirePlatformAdmin(),
      schema: {
        tags: ['tenants'],
        summary: 'List all tenants (platform admin)',
        response: { 200: z.object({ items: z.array(TenantView) }) },
      },
    },
    async () => ({ items: (await tenants.list()).map(presentTenant) }),
  );

  app.post(
    '/api/v1/tenants',
    {
      config: requirePlatformAdmin(),
      schema: {
        tags: ['tenants'],
        summary: 'Create a tenant (brand)',
        body: CreateTenantBody,
        response: { 201: TenantView },
      },
    },
    async (request, reply) =>
      reply.code(201).send(presentTenant(await tenants.create(request.actor, request.body))),
  );

  app.get(
    '/api/v1/tenant',
    {
      config: requireRole('agent'),
      schema: { tags: ['tenants'], summary: 'The current tenant', response: { 200: TenantView } },
    },
    async (request) => presentTenant(await tenants.get(request.actor.tenantId)),
  );

  app.patch(
    '/api/v1/tenant',
    {
      config: requireRole('admin'),
      schema: {
        tags: ['tenants'],
        summary: 'Update the current tenant',
        body: UpdateTenantBody,
        response: { 200: TenantView },
      },
    },
    async (request) => presentTenant(await tenants.update(request.actor, request.body)),
  );
}
