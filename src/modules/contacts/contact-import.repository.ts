import { and, asc, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import type { IdentityKind } from '../../channels/adapter.ts';
import type { Drizzle } from '../../platform/db/database.ts';
import type { ContactRow, IdentityRow } from './contact.presenter.ts';
import { contactIdentities, contacts, IDENTITY_KINDS } from './contacts.tables.ts';

/** Who owns these normalised identity values (any kind; the caller matches the kind). */
export async function identityOwners(
  db: Drizzle,
  tenantId: string,
  values: string[],
): Promise<{ kind: IdentityKind; value: string; contactId: string }[]> {
  if (values.length === 0) return [];
  return db
    .select({
      kind: contactIdentities.kind,
      value: contactIdentities.value,
      contactId: contactIdentities.contactId,
    })
    .from(contactIdentities)
    .where(
      and(
        eq(contactIdentities.tenantId, tenantId),
        // Every kind named, so the unique (tenant, kind, value) key finds them (one seek per kind and value).
        inArray(contactIdentities.kind, [...IDENTITY_KINDS]),
        inArray(contactIdentities.value, values),
      ),
    );
}

/** Live (not merged-away) contacts with their identities. */
export async function contactsWithIdentities(
  db: Drizzle,
  tenantId: string,
  contactIds: string[],
): Promise<{ contact: ContactRow; identities: IdentityRow[] }[]> {
  if (contactIds.length === 0) return [];
  const rows = await db
    .select()
    .from(contacts)
    .where(
      and(eq(contacts.tenantId, tenantId), inArray(contacts.id, contactIds), isNull(contacts.mergedIntoId)),
    );
  const identities = await identitiesOf(
    db,
    tenantId,
    rows.map((row) => row.id),
  );
  return rows.map((contact) => ({
    contact,
    identities: identities.filter((identity) => identity.contactId === contact.id),
  }));
}

async function identitiesOf(db: Drizzle, tenantId: string, contactIds: string[]): Promise<IdentityRow[]> {
  if (contactIds.length === 0) return [];
  return db
    .select()
    .from(contactIdentities)
    .where(and(eq(contactIdentities.tenantId, tenantId), inArray(contactIdentities.contactId, contactIds)))
    .orderBy(asc(contactIdentities.firstSeenAt), asc(contactIdentities.id));
}

/** Custom attribute keys used by any live contact, for the export header. */
export async function attributeKeys(db: Drizzle, tenantId: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ key: sql<string>`jsonb_object_keys(${contacts.customAttributes})` })
    .from(contacts)
    .where(and(eq(contacts.tenantId, tenantId), isNull(contacts.mergedIntoId)));
  return rows.map((row) => row.key).sort((left, right) => left.localeCompare(right));
}

/** The most identities of each kind any one contact has: how many columns the export needs per kind. */
export async function identityColumnCounts(
  db: Drizzle,
  tenantId: string,
): Promise<Map<IdentityKind, number>> {
  const perContact = db
    .select({
      kind: contactIdentities.kind,
      count: sql<number>`count(*)::int`.as('count'),
    })
    .from(contactIdentities)
    .where(eq(contactIdentities.tenantId, tenantId))
    .groupBy(contactIdentities.contactId, contactIdentities.kind)
    .as('per_contact');
  const rows = await db
    .select({ kind: perContact.kind, count: sql<number>`max(${perContact.count})::int` })
    .from(perContact)
    .groupBy(perContact.kind);
  return new Map(rows.map((row) => [row.kind, Number(row.count)]));
}

/**
 * One page of live contacts with their identities, keyset-paged on the primary key (ids are UUIDv7, so
 * this is creation order; timestamps would lose their microseconds in a JavaScript Date).
 */
export async function exportPage(db: Drizzle, tenantId: string, afterId: string | undefined, limit: number) {
  const rows = await db
    .select()
    .from(contacts)
    .where(
      and(
        eq(contacts.tenantId, tenantId),
        isNull(contacts.mergedIntoId),
        afterId ? gt(contacts.id, afterId) : undefined,
      ),
    )
    .orderBy(asc(contacts.id))
    .limit(limit);
  const identities = await identitiesOf(
    db,
    tenantId,
    rows.map((row) => row.id),
  );
  return rows.map((contact) => ({
    contact,
    identities: identities.filter((identity) => identity.contactId === contact.id),
  }));
}
