import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../errors.ts';

export const ROLES = ['agent', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling: exactly one tenant per request. */
export interface Actor {
  tenantId: string;
  userId: string;
  role: Role;
  isPlatformAdmin: boolean;
  teamIds: string[];
  via: 'session' | 'token';
  tokenId?: string;
  sessionTokenHash?: string;
  csrfToken?: string;
}

/** Every route states who may call it; a route without a decision is refused (fail closed). */
export type RouteAuth = 'public' | { role: Role } | 'platform-admin';

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
  interface FastifyRequest {
    actor: Actor;
  }
}

export const publicRoute = () => ({ auth: 'public' as const });
export const requireRole = (role: Role) => ({ auth: { role } });
export const requirePlatformAdmin = () => ({ auth: 'platform-admin' as const });

const RANK: Record<Role, number> = { agent: 1, supervisor: 2, admin: 3 };

export function hasRole(actor: Actor, role: Role): boolean {
  return RANK[actor.role] >= RANK[role];
}

export type ActorResolver = (request: FastifyRequest) => Promise<Actor | null>;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function authHook(resolveActor: ActorResolver) {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    // Unknown routes fall through to the 404 handler.
    if (!request.routeOptions.url) return;
    const auth = request.routeOptions.config.auth;
    if (auth === undefined) throw new Error(`route ${request.routeOptions.url} declares no auth decision`);
    if (auth === 'public') return;
    const actor = await resolveActor(request);
    if (!actor) throw new DomainError('unauthenticated', 'Sign in or send a valid bearer token');
    if (actor.via === 'session' && !SAFE_METHODS.has(request.method) && !request.ws) {
      const presented = request.headers['x-csrf-token'];
      if (typeof presented !== 'string' || presented !== actor.csrfToken) {
        throw new DomainError('csrf_failed', 'Missing or wrong X-CSRF-Token header for a cookie session');
      }
    }
    if (auth === 'platform-admin') {
      if (!actor.isPlatformAdmin)
        throw new DomainError('forbidden', 'Only platform administrators may do this');
    } else if (!hasRole(actor, auth.role)) {
      throw new DomainError('forbidden', `This needs the ${auth.role} role`);
    }
    request.actor = actor;
  };
}
