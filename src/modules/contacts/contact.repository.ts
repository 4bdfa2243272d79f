import { and, asc, desc, eq, ilike, inArray, isNull, lt, or, type SQL, sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { IdentityKind } from '../../channels/adapter.ts';
import type { Database, Drizzle, SqlExecutor } from '../../platform/db/database.ts';
import { selectList } from '../../platform/db/select-list.ts';
import { newId } from '../../platform/ids.ts';
import type { ContactRow, IdentityRow } from './contact.presenter.ts';
import {
  contactEvents,
  contactIdentities,
  contactNotes,
  contactOrganizations,
  contacts,
  organizations,
} from './contacts.tables.ts';
import type { NormalisedIdentity } from './identity-normalizer.ts';

/**
 * The identity lookup every inbound message makes: hand-written and prepared (no query building, planned
 * once per connection), because it sits on the ingest hot path.
 */
export async function findIdentity(
  executor: SqlExecutor,
  tenantId: string,
  kind: IdentityKind,
  value: string,
): Promise<IdentityRow | undefined> {
  const { rows } = await executor.executeSql(
    `select ${selectList(contactIdentities)} from contact_identities
     where tenant_id = $1 and kind = $2 and value = $3`,
    [tenantId, kind, value],
    'find_identity_by_value',
  );
  return rows[0];
}

/** Inserts the identity unless it exists; returns undefined when another transaction got there first. */
export async function insertIdentity(
  db: Drizzle,
  tenantId: string,
  contactId: string,
  identity: NormalisedIdentity,
  verified: boolean,
  channelId: string | null = null,
): Promise<IdentityRow | undefined> {
  const [row] = await db
    .insert(contactIdentities)
    .values({ tenantId, id: newId(), contactId, ...identity, verified, channelId })
    .onConflictDoNothing()
    .returning();
  return row;
}

export async function insertContact(
  db: Drizzle,
  tenantId: string,
  values: Partial<Omit<ContactRow, 'tenantId' | 'id'>>,
): Promise<ContactRow> {
  const [row] = await db
    .insert(contacts)
    .values({ tenantId, id: newId(), ...values })
    .returning();
  return row!;
}

export async function findContact(db: Drizzle, tenantId: string, contactId: string) {
  const [row] = await db
    .select()
    .from(contacts)
    .where(and(eq(contacts.tenantId, tenantId), eq(contacts.id, contactId)));
  return row;
}

export async function findIdentityById(db: Drizzle, tenantId: string, identityId: string) {
  const [row] = await db
    .select()
    .from(contactIdentities)
    .where(and(eq(contactIdentities.tenantId, tenantId), eq(contactIdentities.id, identityId)));
  return row;
}

export async function identitiesOf(
  db: Drizzle,
  tenantId: string,
  contactIds: string[],
): Promise<IdentityRow[]> {
  if (contactIds.length === 0) return [];
  return db
    .select()
    .from(contactIdentities)
    .where(and(eq(contactIdentities.tenantId, tenantId), inArray(contactIdentities.contactId, contactIds)))
    .orderBy(contactIdentities.firstSeenAt);
}

const dialect = new PgDialect();

/** Contacts looked at first by a fragment search: the newest ones (see searchContacts). */
const RECENT_CONTACTS = 5_000;

/**
 * Contacts by name or identity fragment (email, phone digits, handle), newest first. A broad fragment
 * ("Müll") matches tens of thousands of contacts, so the newest few thousand are searched first; only when
 * they hold fewer than a page does the search go through the trigram indexes over everyone, which is cheap
 * exactly then. Both give the same page.
 */
export async function searchContacts(
  database: Database,
  tenantId: string,
  options: {
    fragment?: string;
    normalisedValues: string[];
    before?: { createdAt: Date; id: string };
    limit: number;
  },
): Promise<ContactRow[]> {
  const visible = and(
    eq(contacts.tenantId, tenantId),
    isNull(contacts.mergedIntoId),
    options.before
      ? or(
          lt(contacts.createdAt, options.before.createdAt),
          and(eq(contacts.createdAt, options.before.createdAt), lt(contacts.id, options.before.id)),
        )
      : undefined,
  );
  const page = (condition: SQL | undefined) =>
    database.db
      .select()
      .from(contacts)
      .where(and(visible, condition))
      .orderBy(desc(contacts.createdAt), desc(contacts.id))
      .limit(options.limit);
  if (!options.fragment) return page(undefined);

  const identityValues = identityValueMatch(options.fragment, options.normalisedValues);
  const pattern = likePattern(options.fragment);
  // Materialised, so the planner cannot trade the bounded walk for a scan of every contact. The identity
  // subquery is uncorrelated: run once (trigram index), then a hash probe per contact.
  const walk = dialect.sqlToQuery(sql`
    with recent as materialized (
      select * from ${contacts} where ${visible}
      order by ${contacts.createdAt} desc, ${contacts.id} desc limit ${RECENT_CONTACTS}
    )
    select ${sql.raw(selectList(contacts, { alias: 'recent' }))} from recent
    where recent.name ilike ${pattern}
       or recent.id in (select ${contactIdentities.contactId} from ${contactIdentities}
                        where ${contactIdentities.tenantId} = ${tenantId} and (${identityValues}))
    order by recent.created_at desc, recent.id desc
    limit ${options.limit}`);
  const { rows: recent } = (await database.executeSql(walk.sql, walk.params)) as { rows: ContactRow[] };
  if (recent.length >= options.limit) return recent;
  return page(
    inArray(
      contacts.id,
      sql`(select ${contacts.id} from ${contacts} where ${contacts.tenantId} = ${tenantId} and ${ilike(contacts.name, pattern)}
           union all
           select ${contactIdentities.contactId} from ${contactIdentities}
           where ${contactIdentities.tenantId} = ${tenantId} and (${identityValues}))`,
    ),
  );
}

const likePattern = (fragment: string) => `%${fragment.replace(/[\\%_]/g, (match) => `\\${match}`)}%`;

/**
 * Identity values a fragment matches: the fragment itself, its digits for a phone number typed the national
 * way ("0151 000123" is in "+49151000123…"), and whole identities it normalises to. Each alternative is on
 * lower(value), which the trigram search index covers (case-insensitive, as ILIKE would be).
 */
function identityValueMatch(fragment: string, normalisedValues: string[]): SQL {
  const searched = sql`lower(${contactIdentities.value})`;
  const alternatives = [sql`${searched} like ${likePattern(fragment.toLowerCase())}`];
  const digits = fragment.replace(/\D/g, '').replace(/^0+/, '');
  if (/^[\d\s+()./-]+$/.test(fragment) && digits.length >= 4 && digits !== fragment) {
    alternatives.push(sql`${searched} like ${`%${digits}%`}`);
  }
  if (normalisedValues.length > 0)
    alternatives.push(sql`${searched} in ${normalisedValues.map((value) => value.toLowerCase())}`);
  return sql.join(alternatives, sql` or `);
}

export async function organizationsOf(db: Drizzle, tenantId: string, contactIds: string[]) {
  if (contactIds.length === 0) return [];
  return db
    .select({ contactId: contactOrganizations.contactId, id: organizations.id, name: organizations.name })
    .from(contactOrganizations)
    .innerJoin(
      organizations,
      and(
        eq(organizations.tenantId, contactOrganizations.tenantId),
        eq(organizations.id, contactOrganizations.organizationId),
      ),
    )
    .where(
      and(eq(contactOrganizations.tenantId, tenantId), inArray(contactOrganizations.contactId, contactIds)),
    )
    .orderBy(asc(organizations.name));
}

/** Links the contact to exactly these organisations (by name), creating unknown ones. */
export async function setOrganizations(db: Drizzle, tenantId: string, contactId: string, names: string[]) {
  await db
    .delete(contactOrganizations)
    .where(and(eq(contactOrganizations.tenantId, tenantId), eq(contactOrganizations.contactId, contactId)));
  for (const name of [...new Set(names)]) {
    await db.insert(organizations).values({ tenantId, id: newId(), name }).onConflictDoNothing();
    const [organization] = await db
      .select({ id: organizations.id })
      .from(organizations)
      .where(and(eq(organizations.tenantId, tenantId), eq(organizations.name, name)));
    await db
      .insert(contactOrganizations)
      .values({ tenantId, contactId, organizationId: organization!.id })
      .onConflictDoNothing();
  }
}

export async function notesOf(db: Drizzle, tenantId: string, contactId: string) {
  return db
    .select()
    .from(contactNotes)
    .where(and(eq(contactNotes.tenantId, tenantId), eq(contactNotes.contactId, contactId)))
    .orderBy(desc(contactNotes.createdAt));
}

export async function insertNote(
  db: Drizzle,
  tenantId: string,
  contactId: string,
  authorUserId: string,
  text: string,
) {
  const [row] = await db
    .insert(contactNotes)
    .values({ tenantId, id: newId(), contactId, authorUserId, text })
    .returning();
  return row!;
}

export interface ExternalContactEvent {
  kind: string;
  externalId: string;
  summary: string;
  occurredAt: Date;
  data: Record<string, unknown>;
}

/** Inserts the events not yet recorded under the same kind and external id; returns how many were new. */
export async function insertExternalEvents(
  db: Drizzle,
  tenantId: string,
  contactId: string,
  events: ExternalContactEvent[],
): Promise<number> {
  if (events.length === 0) return 0;
  const existing = await db
    .select({ kind: contactEvents.kind, externalId: sql<string>`${contactEvents.data} ->> 'externalId'` })
    .from(contactEvents)
    .where(
      and(
        eq(contactEvents.tenantId, tenantId),
        eq(contactEvents.contactId, contactId),
        inArray(
          contactEvents.kind,
          events.map((event) => event.kind),
        ),
      ),
    );
  const known = new Set(existing.map((row) => `${row.kind}:${row.externalId}`));
  const fresh = events.filter((event) => !known.has(`${event.kind}:${event.externalId}`));
  if (fresh.length === 0) return 0;
  await db.insert(contactEvents).values(
    fresh.map((event) => ({
      tenantId,
      id: newId(),
      contactId,
      kind: event.kind,
      summary: event.summary,
      occurredAt: event.occurredAt,
      data: { ...event.data, externalId: event.externalId },
    })),
  );
  return fresh.length;
}
