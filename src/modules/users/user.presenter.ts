import type { InvitationView, TeamView, UserView } from './users.schema.ts';
import type { apiTokens, invitations, memberships, teams } from './users.tables.ts';

/** A member as one tenant knows them: the account's email and language, the rest from the membership. */
export interface MemberRow {
  id: string;
  email: string;
  name: string;
  language: string | null;
  role: (typeof memberships.$inferSelect)['role'];
  availability: (typeof memberships.$inferSelect)['availability'];
  teamIds: string[];
  createdAt: Date;
  /** For actors built from a member (CLI); never presented to a tenant. */
  isPlatformAdmin: boolean;
}

export function presentInvitation(invitation: typeof invitations.$inferSelect): InvitationView {
  return {
    id: invitation.id,
    email: invitation.email,
    name: invitation.displayName,
    role: invitation.role,
    expiresAt: invitation.expiresAt.toISOString(),
    createdAt: invitation.createdAt.toISOString(),
  };
}

export function presentUser(user: MemberRow): UserView {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    availability: user.availability,
    language: user.language,
    teamIds: user.teamIds,
    createdAt: user.createdAt.toISOString(),
  };
}

export function presentTeam(team: typeof teams.$inferSelect & { memberIds: string[] }): TeamView {
  return { id: team.id, name: team.name, memberIds: team.memberIds, createdAt: team.createdAt.toISOString() };
}

export function presentToken(token: typeof apiTokens.$inferSelect) {
  return {
    id: token.id,
    name: token.name,
    userId: token.userId,
    createdAt: token.createdAt.toISOString(),
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
    revokedAt: token.revokedAt?.toISOString() ?? null,
  };
}
