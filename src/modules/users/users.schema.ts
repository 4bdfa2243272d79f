import { z } from 'zod';
import { ROLES } from '../../platform/http/auth.ts';

export const Role = z.enum(ROLES);
export const Availability = z.enum(['online', 'away', 'offline']);

export const UserView = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: Role,
  availability: Availability,
  language: z.string().nullable(),
  teamIds: z.array(z.uuid()),
  createdAt: z.iso.datetime(),
});
export type UserView = z.infer<typeof UserView>;

const password = z.string().min(10, 'must be at least 10 characters').max(200);

export const CreateUserBody = z.object({
  email: z.email().max(320),
  name: z.string().trim().min(1).max(200),
  role: Role.default('agent'),
  password,
});
export type CreateUserBody = z.infer<typeof CreateUserBody>;

/** A tenant admin adds a person by invitation only: what the person's account holds is theirs alone. */
export const InviteUserBody = z.object({
  email: z.email().max(320),
  name: z.string().trim().min(1).max(200).describe('how this tenant will call the person'),
  role: Role.default('agent'),
});
export type InviteUserBody = z.infer<typeof InviteUserBody>;

export const InvitationView = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: Role,
  expiresAt: z.iso.datetime(),
  createdAt: z.iso.datetime(),
});
export type InvitationView = z.infer<typeof InvitationView>;

export const CreatedInvitationView = InvitationView.extend({
  token: z.string().describe('shown once; the person accepts with it'),
  acceptUrl: z.string().describe('the link to hand to the person'),
});

export const InvitationTokenParams = z.object({ token: z.string().min(20).max(100) });

export const InvitationPreview = z.object({
  email: z.string(),
  role: Role,
  tenant: z.object({ slug: z.string(), name: z.string() }),
  expiresAt: z.iso.datetime(),
});

export const AcceptInvitationBody = z.object({
  password: z
    .string()
    .min(1)
    .max(200)
    .describe(
      "the account's password; for an address without an account, the new password (≥ 10 characters)",
    ),
  name: z.string().trim().min(1).max(200).optional().describe('your name, for a new account'),
});
export type AcceptInvitationBody = z.infer<typeof AcceptInvitationBody>;

/** What a tenant admin may change: only this tenant's membership (never the person's account). */
export const UpdateUserBody = z
  .object({
    name: z.string().trim().min(1).max(200).describe("the person's name in this tenant"),
    role: Role,
    availability: Availability,
  })
  .partial()
  .strict();
export type UpdateUserBody = z.infer<typeof UpdateUserBody>;

/** What the person changes themselves: their name (account and this tenant), language, availability. */
export const UpdateMeBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    availability: Availability,
    language: z.enum(['de', 'en']).nullable(),
  })
  .partial()
  .strict();
export type UpdateMeBody = z.infer<typeof UpdateMeBody>;

export const TeamView = z.object({
  id: z.uuid(),
  name: z.string(),
  memberIds: z.array(z.uuid()),
  createdAt: z.iso.datetime(),
});
export type TeamView = z.infer<typeof TeamView>;

export const TeamBody = z.object({
  name: z.string().trim().min(1).max(100),
  memberIds: z.array(z.uuid()).max(1000).default([]),
});
export type TeamBody = z.infer<typeof TeamBody>;

export const LoginBody = z.object({
  email: z.email(),
  password: z.string().min(1).max(200),
  tenant: z.string().max(63).optional().describe('tenant slug, when the user belongs to several'),
});

export const MeView = z.object({
  user: UserView,
  tenant: z.object({ id: z.uuid(), slug: z.string(), name: z.string() }),
  isPlatformAdmin: z.boolean(),
  csrfToken: z
    .string()
    .nullable()
    .describe('send as X-CSRF-Token on unsafe requests made with the session cookie'),
  tenants: z.array(z.object({ id: z.uuid(), slug: z.string(), name: z.string(), role: Role })),
});

export const TokenView = z.object({
  id: z.uuid(),
  name: z.string(),
  userId: z.uuid(),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable(),
  revokedAt: z.iso.datetime().nullable(),
});

export const CreateTokenBody = z.object({ name: z.string().trim().min(1).max(100) });
export const CreatedTokenView = TokenView.extend({ token: z.string().describe('shown once; store it now') });

export const IdParams = z.object({ id: z.uuid() });
