import { and, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import type { Platform } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/database.ts';
import { tenants } from '../../platform/db/schema.ts';
import { DomainError, notFound } from '../../platform/errors.ts';
import type { Actor } from '../../platform/http/auth.ts';
import { newId } from '../../platform/ids.ts';
import { randomToken, sha256Hex } from '../../platform/security/crypto.ts';
import { verifyPassword } from '../../platform/security/passwords.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { recordAccessChanges } from './access-events.ts';
import { LoginThrottle } from './login-throttle.ts';
import { normaliseEmail } from './user.service.ts';
import { apiTokens, memberships, sessions, teamMembers, users } from './users.tables.ts';

export const SESSION_COOKIE = 'unisono_session';
const TOKEN_PREFIX = 'uni_';
const LOGIN_WINDOW_MS = 60_000;
// A real hash, so unknown emails cost as much as wrong passwords (no user enumeration by timing).
const DUMMY_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$eyzFC0aKqyhQ4yyapajD4Q$gfNfu/zSFGu0HGsRwT9Ua46g0wpLdjATFmpr2d3+Ssk';

export interface LoginResult {
  sessionToken: string;
  csrfToken: string;
  expiresAt: Date;
  tenantId: string;
  userId: string;
  isPlatformAdmin: boolean;
}

/** Attempts per client address (any email) allowed per window, as a multiple of the per-email limit. */
const PER_ADDRESS_FACTOR = 10;

export class AuthService {
  private readonly throttle: LoginThrottle;

  constructor(private readonly platform: Platform) {
    const { LOGIN_RATE_LIMIT, LOGIN_ATTEMPT_CAPACITY } = platform.config;
    this.throttle = new LoginThrottle(LOGIN_RATE_LIMIT, LOGIN_WINDOW_MS, LOGIN_ATTEMPT_CAPACITY);
  }

  async login(
    input: { email: string; password: string; tenant?: string },
    clientIp: string,
  ): Promise<LoginResult> {
    const email = normaliseEmail(input.email);
    const user = await this.verifyCredentials(email, input.password, clientIp);
    if (!user) throw new DomainError('invalid_credentials', 'Wrong email or password');
    const { db } = this.platform.database;
    const rows = await db
      .select({ tenantId: memberships.tenantId, slug: tenants.slug })
      .from(memberships)
      .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
      .where(eq(memberships.userId, user.id))
      .orderBy(memberships.createdAt);
    const membership = input.tenant ? rows.find((row) => row.slug === input.tenant) : rows[0];
    if (!membership) throw new DomainError('invalid_credentials', 'This user has no access to that tenant');
    return this.platform.database.transaction((tx) => this.startSession(tx, membership.tenantId, user));
  }

  /**
   * The account behind email and password, or undefined; rate-limited per address and email (the socket's
   * peer address unless TRUSTED_PROXIES vouch for X-Forwarded-For). Unknown emails cost a hash check too.
   */
  async verifyCredentials(email: string, password: string, clientIp: string) {
    const key = `${clientIp}|${email}`;
    this.throttle.hit([
      { key },
      { key: clientIp, limit: this.platform.config.LOGIN_RATE_LIMIT * PER_ADDRESS_FACTOR },
    ]);
    const [user] = await this.platform.database.db.select().from(users).where(eq(users.email, email));
    const valid = await verifyPassword(user?.passwordHash ?? DUMMY_HASH, password);
    if (!user || !valid) return undefined;
    this.throttle.clear(key);
    return user;
  }

  /** A new session of this member in this tenant (the caller's transaction). */
  async startSession(
    tx: Tx,
    tenantId: string,
    user: { id: string; isPlatformAdmin: boolean },
  ): Promise<LoginResult> {
    const sessionToken = randomToken(32);
    const csrfToken = randomToken(24);
    const expiresAt = new Date(Date.now() + this.platform.config.SESSION_TTL_HOURS * 3_600_000);
    await tx.db.delete(sessions).where(lt(sessions.expiresAt, new Date()));
    await tx.db.insert(sessions).values({
      tokenHash: sha256Hex(sessionToken),
      tenantId,
      userId: user.id,
      csrfToken,
      expiresAt,
    });
    return {
      sessionToken,
      csrfToken,
      expiresAt,
      tenantId,
      userId: user.id,
      isPlatformAdmin: user.isPlatformAdmin,
    };
  }

  async logout(actor: Actor): Promise<void> {
    const { sessionTokenHash } = actor;
    if (!sessionTokenHash) return;
    await this.platform.database.transaction(async (tx) => {
      await tx.db.delete(sessions).where(eq(sessions.tokenHash, sessionTokenHash));
      await recordAccessChanges(tx, this.platform.bus, actor.tenantId, [actor.userId], 'signed_out');
    });
  }

  /** Resolves the caller from a bearer token or the session cookie; null when neither is valid. */
  resolveActor = async (request: FastifyRequest): Promise<Actor | null> => {
    const authorization = request.headers.authorization;
    if (authorization?.startsWith('Bearer ')) return this.actorFromToken(authorization.slice(7).trim());
    const cookie = request.cookies[SESSION_COOKIE];
    if (cookie) return this.actorFromSession(cookie);
    return null;
  };

  private teamIdsSql() {
    return sql<string[]>`coalesce((select array_agg(${teamMembers.teamId}::text) from ${teamMembers}
      where ${teamMembers.tenantId} = ${memberships.tenantId} and ${teamMembers.userId} = ${memberships.userId}), '{}')`;
  }

  async actorFromSession(token: string): Promise<Actor | null> {
    const tokenHash = sha256Hex(token);
    const [row] = await this.platform.database.db
      .select({
        tenantId: sessions.tenantId,
        userId: sessions.userId,
        csrfToken: sessions.csrfToken,
        role: memberships.role,
        isPlatformAdmin: users.isPlatformAdmin,
        teamIds: this.teamIdsSql(),
      })
      .from(sessions)
      .innerJoin(
        memberships,
        and(eq(memberships.tenantId, sessions.tenantId), eq(memberships.userId, sessions.userId)),
      )
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, new Date())));
    if (!row) return null;
    return { ...row, via: 'session', sessionTokenHash: tokenHash };
  }

  async actorFromToken(token: string): Promise<Actor | null> {
    if (!token.startsWith(TOKEN_PREFIX)) return null;
    const [row] = await this.platform.database.db
      .select({
        tenantId: apiTokens.tenantId,
        tokenId: apiTokens.id,
        userId: apiTokens.userId,
        lastUsedAt: apiTokens.lastUsedAt,
        role: memberships.role,
        isPlatformAdmin: users.isPlatformAdmin,
        teamIds: this.teamIdsSql(),
      })
      .from(apiTokens)
      .innerJoin(
        memberships,
        and(eq(memberships.tenantId, apiTokens.tenantId), eq(memberships.userId, apiTokens.userId)),
      )
      .innerJoin(users, eq(users.id, apiTokens.userId))
      .where(and(eq(apiTokens.tokenHash, sha256Hex(token)), isNull(apiTokens.revokedAt)));
    if (!row) return null;
    if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) {
      await this.platform.database.db
        .update(apiTokens)
        .set({ lastUsedAt: new Date() })
        .where(and(eq(apiTokens.tenantId, row.tenantId), eq(apiTokens.id, row.tokenId)));
    }
    return {
      tenantId: row.tenantId,
      userId: row.userId,
      role: row.role,
      isPlatformAdmin: row.isPlatformAdmin,
      teamIds: row.teamIds,
      via: 'token',
      tokenId: row.tokenId,
    };
  }

  /** Creates a bearer token acting as the given member; only its hash is stored. */
  async createToken(tenantId: string, userId: string, name: string, actor: Actor | null) {
    const token = `${TOKEN_PREFIX}${randomToken(32)}`;
    const record = await this.platform.database.transaction(async (tx) => {
      const [member] = await tx.db
        .select()
        .from(memberships)
        .where(and(eq(memberships.tenantId, tenantId), eq(memberships.userId, userId)));
      if (!member) throw notFound('User', userId);
      const [created] = await tx.db
        .insert(apiTokens)
        .values({ tenantId, id: newId(), name, tokenHash: sha256Hex(token), userId })
        .returning();
      await recordAudit(tx, tenantId, actor, {
        action: 'token.created',
        entityType: 'api_token',
        entityId: created!.id,
      });
      return created!;
    });
    return { ...record, token };
  }

  async listTokens(tenantId: string) {
    return this.platform.database.db
      .select()
      .from(apiTokens)
      .where(eq(apiTokens.tenantId, tenantId))
      .orderBy(apiTokens.createdAt);
  }

  async revokeToken(actor: Actor, tokenId: string) {
    await this.platform.database.transaction(async (tx) => {
      const revoked = await tx.db
        .update(apiTokens)
        .set({ revokedAt: new Date() })
        .where(
          and(eq(apiTokens.tenantId, actor.tenantId), eq(apiTokens.id, tokenId), isNull(apiTokens.revokedAt)),
        )
        .returning();
      if (revoked.length === 0) throw notFound('API token', tokenId);
      await recordAccessChanges(tx, this.platform.bus, actor.tenantId, [revoked[0]!.userId], 'token_revoked');
      await recordAudit(tx, actor.tenantId, actor, {
        action: 'token.revoked',
        entityType: 'api_token',
        entityId: tokenId,
      });
    });
  }

  async tenantsOf(userId: string) {
    return this.platform.database.db
      .select({ id: tenants.id, slug: tenants.slug, name: tenants.name, role: memberships.role })
      .from(memberships)
      .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
      .where(eq(memberships.userId, userId))
      .orderBy(tenants.name);
  }
}
