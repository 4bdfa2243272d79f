import type { ContactView } from './contacts.schema.ts';
import type { contactIdentities, contacts } from './contacts.tables.ts';

export type ContactRow = typeof contacts.$inferSelect;
export type IdentityRow = typeof contactIdentities.$inferSelect;

export function presentIdentity(identity: IdentityRow) {
  return {
    id: identity.id,
    kind: identity.kind,
    value: identity.value,
    displayValue: identity.displayValue,
    verified: identity.verified,
    channelId: identity.channelId,
    consent: identity.consent,
    consentAt: identity.consentAt?.toISOString() ?? null,
    consentSource: identity.consentSource,
    firstSeenAt: identity.firstSeenAt.toISOString(),
    lastSeenAt: identity.lastSeenAt.toISOString(),
  };
}

export function presentContact(
  contact: ContactRow,
  identities: IdentityRow[],
  organizations: { id: string; name: string }[] = [],
): ContactView {
  return {
    id: contact.id,
    name: contact.name,
    language: contact.language,
    timeZone: contact.timeZone,
    preferredChannelId: contact.preferredChannelId,
    customAttributes: contact.customAttributes,
    avatarUrl: contact.avatarUrl,
    tags: contact.tags,
    languageSource: contact.languageSource,
    mergedIntoId: contact.mergedIntoId,
    organizations,
    identities: identities.map(presentIdentity),
    createdAt: contact.createdAt.toISOString(),
    updatedAt: contact.updatedAt.toISOString(),
  };
}
