import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { publicRoute, requireRole } from '../../platform/http/auth.ts';
import type { App } from '../../platform/http/server.ts';
import { type AuthService, type LoginResult, SESSION_COOKIE } from './auth.service.ts';
import type { InvitationService } from './invitation.service.ts';
import { presentToken, presentUser } from './user.presenter.ts';
import type { UserService } from './user.service.ts';
import {
  AcceptInvitationBody,
  CreatedTokenView,
  CreateTokenBody,
  IdParams,
  InvitationTokenParams,
  LoginBody,
  MeView,
  TokenView,
  UpdateMeBody,
} from './users.schema.ts';

export function registerAuthRoutes(
  app: App,
  services: { auth: AuthService; users: UserService; invitations: InvitationService },
  secureCookies: boolean,
) {
  const { auth, users, invitations } = services;
  const me = async (tenantId: string, userId: string, isPlatformAdmin: boolean, csrfToken: string | null) => {
    const [user, memberOf] = await Promise.all([users.get(tenantId, userId), auth.tenantsOf(userId)]);
    const tenant = memberOf.find((entry) => entry.id === tenantId)!;
    return {
      user: presentUser(user),
      tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name },
      isPlatformAdmin,
      csrfToken,
      tenants: memberOf,
    };
  };

  const signedIn = (reply: FastifyReply, session: LoginResult) => {
    reply.setCookie(SESSION_COOKIE, session.sessionToken, {
      httpOnly: true,
      sameSite: 'lax',
      secure: secureCookies,
      path: '/',
      expires: session.expiresAt,
    });
    return me(session.tenantId, session.userId, session.isPlatformAdmin, session.csrfToken);
  };

  app.post(
    '/api/v1/auth/login',
    {
      config: publicRoute(),
      schema: {
        tags: ['auth'],
        summary: 'Sign in; sets the session cookie',
        body: LoginBody,
        response: { 200: MeView },
      },
    },
    async (request, reply) => signedIn(reply, await auth.login(request.body, request.ip)),
  );

  app.post(
    '/api/v1/invitations/:token/accept',
    {
      // The link is the credential (plus the account's password, or a new one for a new account).
      config: publicRoute(),
      schema: {
        tags: ['auth'],
        summary: 'Accept an invitation: join the tenant and sign in to it',
        params: InvitationTokenParams,
        body: AcceptInvitationBody,
        response: { 200: MeView },
      },
    },
    async (request, reply) =>
      signedIn(reply, await invitations.accept(request.params.token, request.body, request.ip)),
  );

  app.post(
    '/api/v1/auth/logout',
    {
      config: requireRole('agent'),
      schema: { tags: ['auth'], summary: 'Sign out', response: { 204: z.null() } },
    },
    async (request, reply) => {
      await auth.logout(request.actor);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/me',
    {
      config: requireRole('agent'),
      schema: { tags: ['auth'], summary: 'The signed-in user', response: { 200: MeView } },
    },
    async (request) =>
      me(
        request.actor.tenantId,
        request.actor.userId,
        request.actor.isPlatformAdmin,
        request.actor.csrfToken ?? null,
      ),
  );

  app.patch(
    '/api/v1/me',
    {
      config: requireRole('agent'),
      schema: {
        tags: ['auth'],
        summary: 'Update own name, language, availability',
        body: UpdateMeBody,
        response: { 200: MeView },
      },
    },
    async (request) => {
      await users.updateSelf(request.actor, request.body);
      return me(
        request.actor.tenantId,
        request.actor.userId,
        request.actor.isPlatformAdmin,
        request.actor.csrfToken ?? null,
      );
    },
  );

  app.get(
    '/api/v1/tokens',
    {
      config: requireRole('admin'),
      schema: {
        tags: ['auth'],
        summary: 'API tokens of this tenant',
        response: { 200: z.object({ items: z.array(TokenView) }) },
      },
    },
    async (request) => ({ items: (await auth.listTokens(request.actor.tenantId)).map(presentToken) }),
  );

  app.post(
    '/api/v1/tokens',
    {
      config: requireRole('admin'),
      schema: {
        tags: ['auth'],
        summary: 'Create an API token acting as yourself',
        body: CreateTokenBody,
        response: { 201: CreatedTokenView },
      },
    },
    async (request, reply) => {
      const created = await auth.createToken(
        request.actor.tenantId,
        request.actor.userId,
        request.body.name,
        request.actor,
      );
      return reply.code(201).send({ ...presentToken(created), token: created.token });
    },
  );

  app.delete(
    '/api/v1/tokens/:id',
    {
      config: requireRole('admin'),
      schema: {
        tags: ['auth'],
        summary: 'Revoke an API token',
        params: IdParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await auth.revokeToken(request.actor, request.params.id);
      return reply.code(204).send(null);
    },
  );
}
