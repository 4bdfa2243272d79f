import { and, asc, eq, gt } from 'drizzle-orm';
import type { Platform } from '../../platform/context.ts';
import { tenants } from '../../platform/db/schema.ts';
import { DomainError, notFound } from '../../platform/errors.ts';
import type { Actor } from '../../platform/http/auth.ts';
import { newId } from '../../platform/ids.ts';
import { randomToken, sha256Hex } from '../../platform/security/crypto.ts';
import { hashPassword } from '../../platform/security/passwords.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { AuthService, LoginResult } from './auth.service.ts';
import { normaliseEmail } from './user.service.ts';
import type { AcceptInvitationBody, InviteUserBody } from './users.schema.ts';
import { invitations, memberships, users } from './users.tables.ts';

const NEW_PASSWORD_MIN = 10;

const expired = () =>
  new DomainError('not_found', 'This invitation was not found: it expired, was withdrawn or was used');

/**
 * How a person joins a tenant. An account (email, password, own name) belongs to the person; a tenant admin
 * only offers a membership and learns nothing of the account: the answer to an invitation is the same
 * whether or not the address has an account, and the person accepts with the link, proving the account's
 * password (or choosing one for a new account).
 */
export class InvitationService {
  constructor(
    private readonly platform: Platform,
    private readonly auth: AuthService,
  ) {}

  /** A fresh invitation (renewed if this address was already invited here); the token is returned once. */
  async invite(tenantId: string, actor: Actor, input: InviteUserBody) {
    const email = normaliseEmail(input.email);
    const token = randomToken(32);
    const expiresAt = new Date(Date.now() + this.platform.config.INVITATION_TTL_HOURS * 3_600_000);
    const invitation = await this.platform.database.transaction(async (tx) => {
      const [member] = await tx.db
        .select({ userId: memberships.userId })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .where(and(eq(memberships.tenantId, tenantId), eq(users.email, email)));
      // Only this tenant's own members are revealed, and the admin can list those anyway.
      if (member) throw new DomainError('conflict', `${email} is already a member of this tenant`);
      const values = {
        displayName: input.name,
        role: input.role,
        tokenHash: sha256Hex(token),
        invitedBy: actor.userId,
        expiresAt,
      };
      const [saved] = await tx.db
        .insert(invitations)
        .values({ tenantId, id: newId(), email, ...values })
        .onConflictDoUpdate({ target: [invitations.tenantId, invitations.email], set: values })
        .returning();
      await recordAudit(tx, tenantId, actor, {
        action: 'user.invited',
        entityType: 'invitation',
        entityId: saved!.id,
        changes: { email, role: input.role },
      });
      return saved!;
    });
    return { invitation, token };
  }

  async list(tenantId: string) {
    return this.platform.database.db
      .select()
      .from(invitations)
      .where(and(eq(invitations.tenantId, tenantId), gt(invitations.expiresAt, new Date())))
      .orderBy(asc(invitations.createdAt));
  }

  async withdraw(tenantId: string, actor: Actor, id: string): Promise<void> {
    await this.platform.database.transaction(async (tx) => {
      const removed = await tx.db
        .delete(invitations)
        .where(and(eq(invitations.tenantId, tenantId), eq(invitations.id, id)))
        .returning();
      if (removed.length === 0) throw notFound('Invitation', id);
      await recordAudit(tx, tenantId, actor, {
        action: 'user.invitation_withdrawn',
        entityType: 'invitation',
        entityId: id,
      });
    });
  }

  /** What the link offers, for the page that asks the person to accept. */
  async preview(token: string) {
    const [row] = await this.platform.database.db
      .select({ invitation: invitations, tenant: { slug: tenants.slug, name: tenants.name } })
      .from(invitations)
      .innerJoin(tenants, eq(tenants.id, invitations.tenantId))
      .where(and(eq(invitations.tokenHash, sha256Hex(token)), gt(invitations.expiresAt, new Date())));
    if (!row) throw expired();
    return row;
  }

  /** Joins the person to the tenant (creating their account if the address has none) and signs them in there. */
  async accept(token: string, input: AcceptInvitationBody, clientIp: string): Promise<LoginResult> {
    const { invitation } = await this.preview(token);
    const [account] = await this.platform.database.db
      .select({ id: users.id })
      .from(users)
      .where(eq(users.email, invitation.email));
    let user: { id: string; isPlatformAdmin: boolean } | undefined;
    let newAccount: typeof users.$inferInsert | undefined;
    if (account) {
      user = await this.auth.verifyCredentials(invitation.email, input.password, clientIp);
      if (!user) throw new DomainError('invalid_credentials', 'Wrong password for this address');
    } else {
      if (input.password.length < NEW_PASSWORD_MIN) {
        throw new DomainError('validation_failed', 'Choose a password of at least 10 characters', {
          errors: [{ field: 'body.password', message: `must be at least ${NEW_PASSWORD_MIN} characters` }],
        });
      }
      newAccount = {
        id: newId(),
        email: invitation.email,
        name: input.name ?? invitation.displayName,
        passwordHash: await hashPassword(input.password),
      };
      user = { id: newAccount.id!, isPlatformAdmin: false };
    }
    const member = user;
    return this.platform.database.transaction(async (tx) => {
      // Used once: whoever deletes the row joins; a second accept of the same link finds nothing.
      const [used] = await tx.db
        .delete(invitations)
        .where(and(eq(invitations.tokenHash, invitation.tokenHash), gt(invitations.expiresAt, new Date())))
        .returning();
      if (!used) throw expired();
      if (newAccount) {
        const created = await tx.db.insert(users).values(newAccount).onConflictDoNothing().returning();
        if (created.length === 0)
          throw new DomainError(
            'conflict',
            'An account for this address was just created; accept again with its password',
          );
      }
      await tx.db
        .insert(memberships)
        .values({
          tenantId: used.tenantId,
          userId: member.id,
          role: used.role,
          displayName: used.displayName,
        })
        .onConflictDoNothing();
      await recordAudit(tx, used.tenantId, null, {
        action: 'user.joined',
        entityType: 'user',
        entityId: member.id,
        changes: { invitationId: used.id, role: used.role },
      });
      return this.auth.startSession(tx, used.tenantId, member);
    });
  }
}
