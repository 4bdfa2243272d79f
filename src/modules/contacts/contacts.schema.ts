import { z } from 'zod';
import { CursorQuery } from '../../platform/http/cursor.ts';
import { ATTRIBUTE_TYPES, CONSENT_STATES, IDENTITY_KINDS } from './contacts.tables.ts';

export const IdentityKind = z.enum(IDENTITY_KINDS);

export const ConsentState = z.enum(CONSENT_STATES);

export const IdentityView = z.object({
  id: z.uuid(),
  kind: IdentityKind,
  value: z.string(),
  displayValue: z.string(),
  verified: z.boolean(),
  channelId: z.uuid().nullable(),
  consent: ConsentState,
  consentAt: z.iso.datetime().nullable(),
  consentSource: z.string().nullable(),
  firstSeenAt: z.iso.datetime(),
  lastSeenAt: z.iso.datetime(),
});

export const ContactView = z.object({
  id: z.uuid(),
  name: z.string().nullable(),
  language: z.string().nullable(),
  timeZone: z.string().nullable(),
  preferredChannelId: z.uuid().nullable(),
  customAttributes: z.record(z.string(), z.unknown()),
  avatarUrl: z.string().nullable(),
  tags: z.array(z.string()),
  languageSource: z.enum(['manual', 'detected']).nullable(),
  mergedIntoId: z.uuid().nullable().describe('set when this contact was merged into another'),
  organizations: z.array(z.object({ id: z.uuid(), name: z.string() })),
  identities: z.array(IdentityView),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type ContactView = z.infer<typeof ContactView>;

export const IdentityBody = z.object({
  kind: IdentityKind,
  value: z.string().trim().min(1).max(320),
  verified: z
    .boolean()
    .default(true)
    .describe('an identity an agent adds is a verified link unless stated otherwise'),
});
export type IdentityBody = z.infer<typeof IdentityBody>;

const contactFields = {
  name: z.string().trim().min(1).max(200).nullable(),
  language: z
    .string()
    .regex(/^[a-z]{2,3}$/, 'must be an ISO 639 language code such as de')
    .nullable(),
  timeZone: z.string().max(64).nullable(),
  preferredChannelId: z.uuid().nullable(),
  customAttributes: z.record(z.string().max(64), z.unknown()),
  avatarUrl: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .nullable(),
  tags: z.array(z.string().trim().min(1).max(64)).max(50),
  organizations: z
    .array(z.string().trim().min(1).max(200))
    .max(20)
    .describe('organisation names; created when new'),
};

export const CreateContactBody = z.object({
  ...contactFields,
  name: contactFields.name.optional(),
  language: contactFields.language.optional(),
  timeZone: contactFields.timeZone.optional(),
  preferredChannelId: contactFields.preferredChannelId.optional(),
  customAttributes: contactFields.customAttributes.default({}),
  avatarUrl: contactFields.avatarUrl.optional(),
  tags: contactFields.tags.default([]),
  organizations: contactFields.organizations.default([]),
  identities: z.array(IdentityBody).max(50).default([]),
});
export type CreateContactBody = z.input<typeof CreateContactBody>;

export const UpdateContactBody = z.object(contactFields).partial().strict();
export type UpdateContactBody = z.infer<typeof UpdateContactBody>;

export const ContactListQuery = z.object({
  q: z.string().trim().max(200).optional().describe('name, email or phone fragment'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: CursorQuery.optional(),
});

export const ContactParams = z.object({ id: z.uuid() });
export const IdentityParams = z.object({ id: z.uuid(), identityId: z.uuid() });

export const UpdateIdentityBody = z
  .object({
    verified: z.boolean(),
    consent: ConsentState,
    consentSource: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .describe('where the consent was given, e.g. "web form 2026-03"'),
  })
  .partial()
  .strict()
  .refine((body) => body.consentSource === undefined || body.consent !== undefined, {
    message: 'is only accepted together with consent',
    path: ['consentSource'],
  });
export type UpdateIdentityBody = z.infer<typeof UpdateIdentityBody>;

export const MergeContactsBody = z.object({
  contactIds: z.array(z.uuid()).min(1).max(20).describe('contacts to merge into this one'),
  name: z.uuid().optional().describe("take the name of this contact (default: the surviving contact's)"),
  attributes: z
    .record(z.string(), z.uuid())
    .optional()
    .describe('per conflicting attribute key, the contact whose value wins (default: the surviving contact)'),
});
export type MergeContactsBody = z.infer<typeof MergeContactsBody>;

export const MergeView = z.object({
  id: z.uuid(),
  survivorId: z.uuid(),
  mergedId: z.uuid(),
  actorUserId: z.uuid().nullable(),
  createdAt: z.iso.datetime(),
  undoneAt: z.iso.datetime().nullable(),
});

export const MergeSuggestionView = z.object({
  id: z.uuid(),
  contactId: z.uuid(),
  candidateId: z.uuid(),
  reason: z.string(),
  evidence: z.record(z.string(), z.unknown()),
  status: z.enum(['open', 'accepted', 'dismissed']),
  createdAt: z.iso.datetime(),
});

export const AttributeDefinitionBody = z.object({
  key: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,63}$/, 'letters, digits and _, starting with a letter'),
  label: z.string().trim().min(1).max(100),
  type: z.enum(ATTRIBUTE_TYPES),
  options: z
    .array(z.string().trim().min(1).max(100))
    .max(200)
    .default([])
    .describe('allowed values of a list attribute'),
});
export type AttributeDefinitionBody = z.infer<typeof AttributeDefinitionBody>;
export const AttributeDefinitionView = AttributeDefinitionBody.extend({
  id: z.uuid(),
  createdAt: z.iso.datetime(),
});

export const ContactNoteBody = z.object({ text: z.string().trim().min(1).max(20_000) });
export const ContactNoteView = z.object({
  id: z.uuid(),
  contactId: z.uuid(),
  authorUserId: z.uuid().nullable(),
  text: z.string(),
  createdAt: z.iso.datetime(),
});

export const TimelineQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: CursorQuery.optional(),
  channel: z.uuid().optional(),
  types: z.string().optional().describe('comma-separated: message, note, activity, event'),
});

export const TimelineItemView = z.object({
  type: z.enum(['message', 'note', 'activity', 'event']),
  id: z.uuid(),
  occurredAt: z.iso.datetime(),
  channelId: z.uuid().nullable(),
  conversationId: z.uuid().nullable(),
  direction: z.enum(['inbound', 'outbound']).nullable(),
  text: z.string(),
  status: z.string().nullable(),
  authorUserId: z.uuid().nullable(),
  kind: z.string().describe('message kind, or the event kind (merged, split, call, csat, crm, …)'),
  data: z.record(z.string(), z.unknown()),
});

export const MergeParams = z.object({ mergeId: z.uuid() });
export const SuggestionParams = z.object({ suggestionId: z.uuid() });
