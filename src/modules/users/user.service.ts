import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Platform } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/database.ts';
import { DomainError, notFound } from '../../platform/errors.ts';
import type { Actor } from '../../platform/http/auth.ts';
import { newId } from '../../platform/ids.ts';
import { hashPassword } from '../../platform/security/passwords.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { recordAccessChanges } from './access-events.ts';
import type { MemberRow } from './user.presenter.ts';
import type { CreateUserBody, TeamBody, UpdateMeBody, UpdateUserBody } from './users.schema.ts';
import { memberships, teamMembers, teams, users } from './users.tables.ts';

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export class UserService {
  constructor(private readonly platform: Platform) {}

  async platformAdminExists(): Promise<boolean> {
    const rows = await this.platform.database.db
      .select({ id: users.id })
      .from(users)
      .where(eq(users.isPlatformAdmin, true))
      .limit(1);
    return rows.length > 0;
  }

  /** Whether a user with this email exists (in any tenant): adding them keeps their password. */
  async exists(email: string): Promise<boolean> {
    const rows = await this.platform.database.db
      .select({ id: users.id })
      .from(users)
      .where(eq(users.email, normaliseEmail(email)));
    return rows.length > 0;
  }

  /**
   * Operators only (CLI, first run, demo): creates the account, or adds an existing account (same email;
   * password and account name unchanged) to this tenant. Tenant admins invite instead (InvitationService).
   */
  async create(
    tenantId: string,
    actor: Actor | null,
    input: CreateUserBody & { isPlatformAdmin?: boolean },
  ): Promise<MemberRow> {
    const email = normaliseEmail(input.email);
    const passwordHash = await hashPassword(input.password);
    const userId = await this.platform.database.transaction(async (tx) => {
      const [existing] = await tx.db.select().from(users).where(eq(users.email, email));
      let id = existing?.id;
      if (!id) {
        id = newId();
        await tx.db.insert(users).values({
          id,
          email,
          name: input.name,
          passwordHash,
          isPlatformAdmin: input.isPlatformAdmin ?? false,
        });
      }
      const inserted = await tx.db
        .insert(memberships)
        .values({ tenantId, userId: id, role: input.role, displayName: input.name })
        .onConflictDoNothing()
        .returning();
      if (inserted.length === 0)
        throw new DomainError('conflict', `${email} is already a member of this tenant`);
      await recordAudit(tx, tenantId, actor, {
        action: 'user.added',
        entityType: 'user',
        entityId: id,
        changes: { email, role: input.role },
      });
      return id;
    });
    return this.get(tenantId, userId);
  }

  async list(tenantId: string): Promise<MemberRow[]> {
    return this.members(tenantId);
  }

  async get(tenantId: string, userId: string): Promise<MemberRow> {
    const [member] = await this.members(tenantId, [userId]);
    if (!member) throw notFound('User', userId);
    return member;
  }

  private async members(tenantId: string, ids?: string[]): Promise<MemberRow[]> {
    // Name and dates come from the membership: the account row (and when it joined other tenants) is private.
    return this.platform.database.db
      .select({
        id: users.id,
        email: users.email,
        name: memberships.displayName,
        language: users.language,
        role: memberships.role,
        availability: memberships.availability,
        createdAt: memberships.createdAt,
        isPlatformAdmin: users.isPlatformAdmin,
        teamIds: sql<string[]>`coalesce((select array_agg(${teamMembers.teamId}::text) from ${teamMembers}
          where ${teamMembers.tenantId} = ${memberships.tenantId} and ${teamMembers.userId} = ${memberships.userId}), '{}')`,
      })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.tenantId, tenantId), ids ? inArray(memberships.userId, ids) : undefined))
      .orderBy(asc(memberships.displayName));
  }

  /** A tenant admin's change: role, availability and this tenant's name for the person; never the account. */
  async updateMember(
    tenantId: string,
    actor: Actor,
    userId: string,
    input: UpdateUserBody,
  ): Promise<MemberRow> {
    await this.platform.database.transaction(async (tx) => {
      const membership = await this.membershipOf(tx, tenantId, userId);
      if (input.role && input.role !== 'admin' && membership.role === 'admin')
        await this.assertAnotherAdmin(tx, tenantId, userId);
      await this.setMembership(tx, tenantId, userId, {
        role: input.role,
        availability: input.availability,
        displayName: input.name,
      });
      if (input.role && input.role !== membership.role)
        await recordAccessChanges(tx, this.platform.bus, tenantId, [userId], 'role_changed');
      await recordAudit(tx, tenantId, actor, {
        action: 'user.updated',
        entityType: 'user',
        entityId: userId,
        changes: input,
      });
    });
    return this.get(tenantId, userId);
  }

  /** The person's own change: their account's name and language, and their name and availability here. */
  async updateSelf(actor: Actor, input: UpdateMeBody): Promise<MemberRow> {
    const { tenantId, userId } = actor;
    await this.platform.database.transaction(async (tx) => {
      await this.membershipOf(tx, tenantId, userId);
      await this.setMembership(tx, tenantId, userId, {
        availability: input.availability,
        displayName: input.name,
      });
      if (input.name !== undefined || input.language !== undefined) {
        await tx.db
          .update(users)
          .set({
            ...(input.name ? { name: input.name } : {}),
            ...(input.language !== undefined ? { language: input.language } : {}),
          })
          .where(eq(users.id, userId));
      }
      await recordAudit(tx, tenantId, actor, {
        action: 'user.updated',
        entityType: 'user',
        entityId: userId,
        changes: input,
      });
    });
    return this.get(tenantId, userId);
  }

  private async membershipOf(tx: Tx, tenantId: string, userId: string) {
    const [membership] = await tx.db
      .select()
      .from(memberships)
      .where(and(eq(memberships.tenantId, tenantId), eq(memberships.userId, userId)));
    if (!membership) throw notFound('User', userId);
    return membership;
  }

  private async setMembership(
    tx: Tx,
    tenantId: string,
    userId: string,
    changes: Partial<Pick<typeof memberships.$inferInsert, 'role' | 'availability' | 'displayName'>>,
  ) {
    const defined = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
    if (Object.keys(defined).length === 0) return;
    await tx.db
      .update(memberships)
      .set(defined)
      .where(and(eq(memberships.tenantId, tenantId), eq(memberships.userId, userId)));
  }

  async remove(tenantId: string, actor: Actor, userId: string): Promise<void> {
    await this.platform.database.transaction(async (tx) => {
      await this.assertAnotherAdmin(tx, tenantId, userId);
      const removed = await tx.db
        .delete(memberships)
        .where(and(eq(memberships.tenantId, tenantId), eq(memberships.userId, userId)))
        .returning();
      if (removed.length === 0) throw notFound('User', userId);
      await recordAccessChanges(tx, this.platform.bus, tenantId, [userId], 'membership_removed');
      await recordAudit(tx, tenantId, actor, {
        action: 'user.removed',
        entityType: 'user',
        entityId: userId,
      });
    });
  }

  private async assertAnotherAdmin(tx: Tx, tenantId: string, userId: string) {
    const admins = await tx.db
      .select({ userId: memberships.userId })
      .from(memberships)
      .where(and(eq(memberships.tenantId, tenantId), eq(memberships.role, 'admin')));
    if (admins.every((admin) => admin.userId === userId)) {
      throw new DomainError('invalid_state', 'A tenant must keep at least one admin');
    }
  }

  async listTeams(tenantId: string) {
    const rows = await this.platform.database.db
      .select({
        team: teams,
        memberIds: sql<string[]>`coalesce((select array_agg(${teamMembers.userId}::text) from ${teamMembers}
          where ${teamMembers.tenantId} = ${teams.tenantId} and ${teamMembers.teamId} = ${teams.id}), '{}')`,
      })
      .from(teams)
      .where(eq(teams.tenantId, tenantId))
      .orderBy(asc(teams.name));
    return rows.map((row) => ({ ...row.team, memberIds: row.memberIds }));
  }

  async getTeam(tenantId: string, teamId: string) {
    const team = (await this.listTeams(tenantId)).find((candidate) => candidate.id === teamId);
    if (!team) throw notFound('Team', teamId);
    return team;
  }

  async saveTeam(tenantId: string, actor: Actor, input: TeamBody, teamId?: string) {
    const id = teamId ?? newId();
    await this.platform.database.transaction(async (tx) => {
      const before = teamId ? await this.teamMemberIds(tx, tenantId, teamId) : [];
      const duplicate = await tx.db
        .select({ id: teams.id })
        .from(teams)
        .where(and(eq(teams.tenantId, tenantId), eq(teams.name, input.name)));
      if (duplicate.some((team) => team.id !== id))
        throw new DomainError('conflict', `A team named ${input.name} exists`);
      if (teamId) {
        const updated = await tx.db
          .update(teams)
          .set({ name: input.name })
          .where(and(eq(teams.tenantId, tenantId), eq(teams.id, teamId)))
          .returning();
        if (updated.length === 0) throw notFound('Team', teamId);
        await tx.db
          .delete(teamMembers)
          .where(and(eq(teamMembers.tenantId, tenantId), eq(teamMembers.teamId, teamId)));
      } else {
        await tx.db.insert(teams).values({ tenantId, id, name: input.name });
      }
      if (input.memberIds.length > 0) {
        const known = await tx.db
          .select({ userId: memberships.userId })
          .from(memberships)
          .where(and(eq(memberships.tenantId, tenantId), inArray(memberships.userId, input.memberIds)));
        const missing = input.memberIds.filter((memberId) => !known.some((row) => row.userId === memberId));
        if (missing.length > 0) {
          throw new DomainError('validation_failed', `Unknown users: ${missing.join(', ')}`, {
            errors: [{ field: 'body.memberIds', message: `unknown users ${missing.join(', ')}` }],
          });
        }
        await tx.db
          .insert(teamMembers)
          .values([...new Set(input.memberIds)].map((userId) => ({ tenantId, teamId: id, userId })));
      }
      const after = new Set(input.memberIds);
      const changed = [
        ...before.filter((userId) => !after.has(userId)),
        ...[...after].filter((userId) => !before.includes(userId)),
      ];
      await recordAccessChanges(tx, this.platform.bus, tenantId, changed, 'teams_changed');
      await recordAudit(tx, tenantId, actor, {
        action: teamId ? 'team.updated' : 'team.created',
        entityType: 'team',
        entityId: id,
        changes: input,
      });
    });
    return this.getTeam(tenantId, id);
  }

  async deleteTeam(tenantId: string, actor: Actor, teamId: string) {
    await this.platform.database.transaction(async (tx) => {
      const members = await this.teamMemberIds(tx, tenantId, teamId);
      const removed = await tx.db
        .delete(teams)
        .where(and(eq(teams.tenantId, tenantId), eq(teams.id, teamId)))
        .returning();
      if (removed.length === 0) throw notFound('Team', teamId);
      await recordAccessChanges(tx, this.platform.bus, tenantId, members, 'teams_changed');
      await recordAudit(tx, tenantId, actor, {
        action: 'team.deleted',
        entityType: 'team',
        entityId: teamId,
      });
    });
  }

  private async teamMemberIds(tx: Tx, tenantId: string, teamId: string): Promise<string[]> {
    const rows = await tx.db
      .select({ userId: teamMembers.userId })
      .from(teamMembers)
      .where(and(eq(teamMembers.tenantId, tenantId), eq(teamMembers.teamId, teamId)));
    return rows.map((row) => row.userId);
  }

  async assertTeam(tx: Tx, tenantId: string, teamId: string) {
    const [team] = await tx.db
      .select({ id: teams.id })
      .from(teams)
      .where(and(eq(teams.tenantId, tenantId), eq(teams.id, teamId)));
    if (!team) throw notFound('Team', teamId);
  }

  async assertMember(tx: Tx, tenantId: string, userId: string) {
    const [member] = await tx.db
      .select({ userId: memberships.userId })
      .from(memberships)
      .where(and(eq(memberships.tenantId, tenantId), eq(memberships.userId, userId)));
    if (!member) throw notFound('User', userId);
  }
}
