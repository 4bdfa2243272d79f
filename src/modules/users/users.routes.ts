import { z } from 'zod';
import { publicRoute, requireRole } from '../../platform/http/auth.ts';
import type { App } from '../../platform/http/server.ts';
import type { InvitationService } from './invitation.service.ts';
import { presentInvitation, presentTeam, presentUser } from './user.presenter.ts';
import type { UserService } from './user.service.ts';
import {
  CreatedInvitationView,
  IdParams,
  InvitationPreview,
  InvitationTokenParams,
  InvitationView,
  InviteUserBody,
  TeamBody,
  TeamView,
  UpdateUserBody,
  UserView,
} from './users.schema.ts';

export function registerUserRoutes(
  app: App,
  users: UserService,
  invitations: InvitationService,
  baseUrl: string,
) {
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
        summary: 'Invite a person to this tenant',
        description:
          'Creates an invitation (renewing an earlier one for the same address); the person joins by accepting ' +
          'the link. The answer is the same whether or not the address has an account on this installation.',
        body: InviteUserBody,
        response: { 201: CreatedInvitationView },
      },
    },
    async (request, reply) => {
      const { invitation, token } = await invitations.invite(
        request.actor.tenantId,
        request.actor,
        request.body,
      );
      return reply.code(201).send({
        ...presentInvitation(invitation),
        token,
        acceptUrl: `${baseUrl}/invitations/${encodeURIComponent(token)}`,
      });
    },
  );

  app.get(
    '/api/v1/invitations',
    {
      config: requireRole('admin'),
      schema: {
        tags: ['users'],
        summary: 'Open invitations of this tenant',
        response: { 200: z.object({ items: z.array(InvitationView) }) },
      },
    },
    async (request) => ({ items: (await invitations.list(request.actor.tenantId)).map(presentInvitation) }),
  );

  app.delete(
    '/api/v1/invitations/:id',
    {
      config: requireRole('admin'),
      schema: {
        tags: ['users'],
        summary: 'Withdraw an invitation',
        params: IdParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await invitations.withdraw(request.actor.tenantId, request.actor, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/invitations/:token',
    {
      config: publicRoute(),
      schema: {
        tags: ['users'],
        summary: 'What an invitation link offers (for the page that accepts it)',
        params: InvitationTokenParams,
        response: { 200: InvitationPreview },
      },
    },
    async (request) => {
      const { invitation, tenant } = await invitations.preview(request.params.token);
      return {
        email: invitation.email,
        role: invitation.role,
        tenant,
        expiresAt: invitation.expiresAt.toISOString(),
      };
    },
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
        summary: "Change a member's role, availability or name in this tenant",
        params: IdParams,
        body: UpdateUserBody,
        response: { 200: UserView },
      },
    },
    async (request) =>
      presentUser(
        await users.updateMember(request.actor.tenantId, request.actor, request.params.id, request.body),
      ),
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
