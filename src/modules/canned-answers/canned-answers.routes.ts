import { z } from 'zod';
import { requireRole } from '../../platform/http/auth.ts';
import type { App } from '../../platform/http/server.ts';
import { presentCannedAnswer } from './canned-answer.presenter.ts';
import type { CannedAnswerService } from './canned-answer.service.ts';
import {
  CannedAnswerListQuery,
  CannedAnswerParams,
  CannedAnswerView,
  CreateCannedAnswerBody,
  UpdateCannedAnswerBody,
} from './canned-answers.schema.ts';

export function registerCannedAnswerRoutes(app: App, answers: CannedAnswerService) {
  app.get(
    '/api/v1/canned-answers',
    {
      config: requireRole('agent'),
      schema: {
        tags: ['canned answers'],
        summary: 'Approved answers, optionally filtered',
        querystring: CannedAnswerListQuery,
        response: { 200: z.object({ items: z.array(CannedAnswerView) }) },
      },
    },
    async (request) => ({
      items: (await answers.list(request.actor.tenantId, request.query.q)).map(presentCannedAnswer),
    }),
  );

  app.post(
    '/api/v1/canned-answers',
    {
      config: requireRole('admin'),
      schema: {
        tags: ['canned answers'],
        summary: 'Add an approved answer',
        body: CreateCannedAnswerBody,
        response: { 201: CannedAnswerView },
      },
    },
    async (request, reply) =>
      reply.code(201).send(presentCannedAnswer(await answers.create(request.actor, request.body))),
  );

  app.patch(
    '/api/v1/canned-answers/:id',
    {
      config: requireRole('admin'),
      schema: {
        tags: ['canned answers'],
        summary: 'Change an approved answer',
        params: CannedAnswerParams,
        body: UpdateCannedAnswerBody,
        response: { 200: CannedAnswerView },
      },
    },
    async (request) =>
      presentCannedAnswer(await answers.update(request.actor, request.params.id, request.body)),
  );

  app.delete(
    '/api/v1/canned-answers/:id',
    {
      config: requireRole('admin'),
      schema: {
        tags: ['canned answers'],
        summary: 'Remove an approved answer',
        params: CannedAnswerParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await answers.remove(request.actor, request.params.id);
      return reply.code(204).send(null);
    },
  );
}
