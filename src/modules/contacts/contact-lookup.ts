import type { Drizzle } from '../../platform/db/database.ts';
import { findContact, findIdentityById, identitiesOf } from './contact.repository.ts';

/**
 * What other modules may read of a customer: the contact and its identities. They ask here, never the
 * repository or the tables, so the contacts module can change how it stores them.
 */
export function contactById(db: Drizzle, tenantId: string, contactId: string) {
  return findContact(db, tenantId, contactId);
}

/** The identities of these contacts, oldest first. */
export function identitiesOfContacts(db: Drizzle, tenantId: string, contactIds: string[]) {
  return identitiesOf(db, tenantId, contactIds);
}

/** One identity of the tenant's contacts (a reply's recipient). */
export function identityById(db: Drizzle, tenantId: string, identityId: string) {
  return findIdentityById(db, tenantId, identityId);
}
