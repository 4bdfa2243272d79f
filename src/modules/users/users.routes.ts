import { z } from 'zod';
import { requireRole } from '../../platform/http/auth.ts';
import type { App } from '../../platform/http/server.ts';
import { presentTeam, presentUser } from './user.presenter.ts';
import type { UserService } from './user.service.ts';
import { CreateUserBody, IdParams, TeamBody, TeamView, UpdateUserBody, UserView } from './users.schema.ts';

export function registerUserRoutes(app: App, users: UserService) {
  app.get(
    '/api/v1/users',
    {
      config: requireRole('agent'),
      schema: {
        tags: ['users'],
        summary: 'Members of this tenant',
        response: { 200: z.object({ items: z.array(UserView) }) },
      },
    },
    async (request) => ({ items: (await users.list(request.actor.tenantId)).map(presentUser) }),
  );

  app.post(
    '/api/v1/users',
    {
      config: requireRole('admin'),
      schema: {
        tags: ['users'],
        summary: 'Add a user to this tenant',
        body: CreateUserBody,
        response: { 201: UserView },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(presentUser(await users.create(request.actor.tenantId, request.actor, request.body))),
  );

  app.get(
    '/api/v1/users/:id',
    {
      config: requireRole('agent'),
      schema: { tags: ['users'], summary: 'One member', params: IdParams, response: { 200: UserView } },
    },
    async (request) => presentUser(await users.get(request.actor.tenantId, request.params.id)),
  );

  app.patch(
    '/api/v1/users/:id',
    {
      config: requireRole('admin'),
      schema: {
        tags: ['users'],
        summary: 'Change role, name, availability',
        params: IdParams,
        body: UpdateUserBody,
        response: { 200: UserView },
      },
    },
    async (request) =>
      presentUser(await users.update(request.actor.tenantId, request.actor, request.params.id, request.body)),
  );

  app.delete(
    '/api/v1/users/:id',
    {
      config: requireRole('admin'),
      schema: {
        tags: ['users'],
        summary: 'Remove a user from this tenant',
        params: IdParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await users.remove(request.actor.tenantId, request.actor, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/teams',
    {
      config: requireRole('agent'),
      schema: {
        tags: ['teams'],
        summary: 'Teams of this tenant',
        response: { 200: z.object({ items: z.array(TeamView) }) },
      },
    },
    async (request) => ({ items: (await users.listTeams(request.actor.tenantId)).map(presentTeam) }),
  );

  app.post(
    '/api/v1/teams',
    {
      config: requireRole('admin'),
      schema: { tags: ['teams'], summary: 'Create a team', body: TeamBody, response: { 201: TeamView } },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(presentTeam(await users.saveTeam(request.actor.tenantId, request.actor, request.body))),
  );

  app.get(
    '/api/v1/teams/:id',
    {
      config: requireRole('agent'),
      schema: { tags: ['teams'], summary: 'One team', params: IdParams, response: { 200: TeamView } },
    },
    async (request) => presentTeam(await users.getTeam(request.actor.tenantId, request.params.id)),
  );

  app.put(
    '/api/v1/teams/:id',
    {
      config: requireRole('admin'),
      schema: {
        tags: ['teams'],
        summary: 'Rename a team and set its members',
        params: IdParams,
        body: TeamBody,
        response: { 200: TeamView },
      },
    },
    async (request) =>
      presentTeam(
        await users.saveTeam(request.actor.tenantId, request.actor, request.body, request.params.id),
      ),
  );

  app.delete(
    '/api/v1/teams/:id',
    {
      config: requireRole('admin'),
      schema: { tags: ['teams'], summary: 'Delete a team', params: IdParams, response: { 204: z.null() } },
    },
    async (request, reply) => {
      await users.deleteTeam(request.actor.tenantId, request.actor, request.params.id);
      return reply.code(204).send(null);
    },
  );
}
