import { z } from 'zod';
import { publicRoute, requireRole } from '../../platform/http/auth.ts';
import type { App } from '../../platform/http/server.ts';
import { type AuthService, SESSION_COOKIE } from './auth.service.ts';
import { presentToken, presentUser } from './user.presenter.ts';
import type { UserService } from './user.service.ts';
import {
  CreatedTokenView,
  CreateTokenBody,
  IdParams,
  LoginBody,
  MeView,
  TokenView,
  UpdateMeBody,
} from './users.schema.ts';

export function registerAuthRoutes(app: App, auth: AuthService, users: UserService, secureCookies: boolean) {
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
    async (request, reply) => {
      const session = await auth.login(request.body, request.ip);
      reply.setCookie(SESSION_COOKIE, session.sessionToken, {
        httpOnly: true,
        sameSite: 'lax',
        secure: secureCookies,
        path: '/',
        expires: session.expiresAt,
      });
      return me(session.tenantId, session.userId, session.isPlatformAdmin, session.csrfToken);
    },
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
      await users.update(request.actor.tenantId, request.actor, request.actor.userId, request.body);
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
