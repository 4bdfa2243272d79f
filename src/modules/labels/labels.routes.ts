import { z } from 'zod';
import { requireRole } from '../../platform/http/auth.ts';
import type { App } from '../../platform/http/server.ts';
import { presentLabel } from './label.presenter.ts';
import type { LabelService } from './label.service.ts';
import { CreateLabelBody, LabelParams, LabelView, UpdateLabelBody } from './labels.schema.ts';

export function registerLabelRoutes(app: App, labels: LabelService) {
  app.get(
    '/api/v1/labels',
    {
      config: requireRole('agent'),
      schema: {
        tags: ['labels'],
        summary: 'The label catalogue of this tenant',
        response: { 200: z.object({ items: z.array(LabelView) }) },
      },
    },
    async (request) => ({ items: (await labels.list(request.actor.tenantId)).map(presentLabel) }),
  );

  app.post(
    '/api/v1/labels',
    {
      config: requireRole('admin'),
      schema: {
        tags: ['labels'],
        summary: 'Add a label',
        body: CreateLabelBody,
        response: { 201: LabelView },
      },
    },
    async (request, reply) =>
      reply.code(201).send(presentLabel(await labels.create(request.actor, request.body))),
  );

  app.patch(
    '/api/v1/labels/:id',
    {
      config: requireRole('admin'),
      schema: {
        tags: ['labels'],
        summary: "Change a label's colour or description",
        params: LabelParams,
        body: UpdateLabelBody,
        response: { 200: LabelView },
      },
    },
    async (request) => presentLabel(await labels.update(request.actor, request.params.id, request.body)),
  );

  app.delete(
    '/api/v1/labels/:id',
    {
      config: requireRole('admin'),
      schema: {
        tags: ['labels'],
        summary: 'Remove a label from the catalogue (conversations keep the name)',
        params: LabelParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await labels.remove(request.actor, request.params.id);
      return reply.code(204).send(null);
    },
  );
}
