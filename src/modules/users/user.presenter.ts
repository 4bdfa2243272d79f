import type { apiTokens, memberships, teams, users } from '../../platform/db/schema.ts';
import type { TeamView, UserView } from './users.schema.ts';

export type MemberRow = typeof users.$inferSelect & {
  role: (typeof memberships.$inferSelect)['role'];
  availability: (typeof memberships.$inferSelect)['availability'];
  teamIds: string[];
};

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
