import type { IdentityKind } from '../../channels/adapter.ts';
import type { SqlExecutor } from '../../platform/db/database.ts';
import { selectList } from '../../platform/db/select-list.ts';
import type { ContactRow, IdentityRow } from './contact.presenter.ts';
import { contactIdentities, contacts } from './contacts.tables.ts';

/*
 * The contact statements of the ingest hot path. Each takes a whole batch of messages at once (the columns
 * go in as arrays), so a shared ingest transaction pays one round trip per step, not one per message; each
 * is named, so PostgreSQL parses it once per connection. Lookups probe the index once per key (a lateral
 * subquery), so the planner never hashes a whole small table instead.
 */

export interface IdentityKey {
  tenantId: string;
  kind: IdentityKind;
  value: string;
}

/** What resolving a sender needs of a known identity. */
export type KnownIdentity = Pick<
  IdentityRow,
  'tenantId' | 'id' | 'contactId' | 'kind' | 'value' | 'displayValue' | 'verified' | 'lastSeenAt'
>;

/** What the pipeline needs of a locked contact. */
export type LockedContact = Pick<ContactRow, 'tenantId' | 'id' | 'name' | 'language' | 'languageSource'>;

export interface ContactKey {
  tenantId: string;
  id: string;
}

/** A known identity with its contact, locked until the transaction ends. */
export interface LockedIdentity {
  identity: KnownIdentity;
  contact: LockedContact;
}

/**
 * The identities with their contacts, which are locked until the transaction ends, in contact order (so
 * concurrent batches cannot deadlock): everything that threads or changes one customer is serialised by it.
 * One statement for lookup and lock: the ingest path pays one round trip for both.
 */
export async function findAndLockIdentities(
  executor: SqlExecutor,
  keys: IdentityKey[],
): Promise<LockedIdentity[]> {
  if (keys.length === 0) return [];
  const { rows } = await executor.executeSql(
    `select identity.tenant_id as "tenantId", identity.id, identity.contact_id as "contactId", identity.kind,
            identity.value, identity.display_value as "displayValue", identity.verified,
            identity.last_seen_at as "lastSeenAt", contact.name as "contactName",
            contact.language as "contactLanguage", contact.language_source as "contactLanguageSource"
     from unnest($1::uuid[], $2::text[], $3::text[]) as wanted(tenant_id, kind, value)
     cross join lateral (
       select * from contact_identities
       where tenant_id = wanted.tenant_id and kind = wanted.kind and value = wanted.value
     ) identity
     join contacts contact on contact.tenant_id = identity.tenant_id and contact.id = identity.contact_id
     order by contact.tenant_id, contact.id
     for update of contact`,
    [keys.map((key) => key.tenantId), keys.map((key) => key.kind), keys.map((key) => key.value)],
    'find_and_lock_identities',
  );
  return rows.map((row) => ({
    identity: {
      tenantId: row.tenantId,
      id: row.id,
      contactId: row.contactId,
      kind: row.kind,
      value: row.value,
      displayValue: row.displayValue,
      verified: row.verified,
      lastSeenAt: row.lastSeenAt,
    },
    contact: {
      tenantId: row.tenantId,
      id: row.contactId,
      name: row.contactName,
      language: row.contactLanguage,
      languageSource: row.contactLanguageSource,
    },
  }));
}

/** Marks identities as seen now. */
export async function touchIdentities(executor: SqlExecutor, keys: ContactKey[], at: Date): Promise<void> {
  if (keys.length === 0) return;
  keys = [...keys].sort(byId);
  await executor.executeSql(
    `update contact_identities identity set last_seen_at = $3
     from unnest($1::uuid[], $2::uuid[]) as seen(tenant_id, id)
     where identity.tenant_id = seen.tenant_id and identity.id = seen.id`,
    [keys.map((key) => key.tenantId), keys.map((key) => key.id), at],
    'touch_identities',
  );
}

export interface NewInboundContact {
  tenantId: string;
  contactId: string;
  name: string | null;
  identityId: string;
  kind: IdentityKind;
  value: string;
  displayValue: string;
  channelId: string | null;
}

/**
 * Creates a contact with one identity per entry. Answers the contacts, and the identities that were inserted:
 * an entry whose identity another transaction created meanwhile is missing, and its contact is left for the
 * caller to drop.
 */
export async function insertContactsWithIdentity(
  executor: SqlExecutor,
  entries: NewInboundContact[],
): Promise<{ contacts: ContactRow[]; identities: IdentityRow[] }> {
  if (entries.length === 0) return { contacts: [], identities: [] };
  // In key order, so concurrent batches creating the same identities wait for each other, never deadlock.
  entries = [...entries].sort(byIdentity);
  const tenantIds = entries.map((entry) => entry.tenantId);
  const contactIds = entries.map((entry) => entry.contactId);
  const inserted = await executor.executeSql(
    `insert into contacts (tenant_id, id, name)
     select * from unnest($1::uuid[], $2::uuid[], $3::text[])
     returning ${selectList(contacts)}`,
    [tenantIds, contactIds, entries.map((entry) => entry.name)],
    'insert_inbound_contacts',
  );
  const { rows } = await executor.executeSql(
    `insert into contact_identities (tenant_id, id, contact_id, kind, value, display_value, channel_id)
     select * from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::uuid[])
     on conflict do nothing
     returning ${selectList(contactIdentities)}`,
    [
      tenantIds,
      entries.map((entry) => entry.identityId),
      contactIds,
      entries.map((entry) => entry.kind),
      entries.map((entry) => entry.value),
      entries.map((entry) => entry.displayValue),
      entries.map((entry) => entry.channelId),
    ],
    'insert_inbound_identities',
  );
  return { contacts: inserted.rows, identities: rows };
}

export async function deleteContacts(executor: SqlExecutor, keys: ContactKey[]): Promise<void> {
  if (keys.length === 0) return;
  await executor.executeSql(
    `delete from contacts contact using unnest($1::uuid[], $2::uuid[]) as gone(tenant_id, id)
     where contact.tenant_id = gone.tenant_id and contact.id = gone.id`,
    [keys.map((key) => key.tenantId), keys.map((key) => key.id)],
  );
}

/** Fills in the language detected from each customer's message; the caller skips a person's choice. */
export async function setDetectedLanguages(
  executor: SqlExecutor,
  detected: (ContactKey & { language: string })[],
): Promise<void> {
  if (detected.length === 0) return;
  await executor.executeSql(
    `update contacts contact set language = detected.language, language_source = 'detected'
     from unnest($1::uuid[], $2::uuid[], $3::text[]) as detected(tenant_id, id, language)
     where contact.tenant_id = detected.tenant_id and contact.id = detected.id and contact.language is null`,
    [
      detected.map((entry) => entry.tenantId),
      detected.map((entry) => entry.id),
      detected.map((entry) => entry.language),
    ],
    'set_detected_languages',
  );
}

const compare = (left: string, right: string) => (left < right ? -1 : left > right ? 1 : 0);
const byIdentity = (left: IdentityKey, right: IdentityKey) =>
  compare(`${left.tenantId}|${left.kind}|${left.value}`, `${right.tenantId}|${right.kind}|${right.value}`);
const byId = (left: ContactKey, right: ContactKey) =>
  compare(`${left.tenantId}|${left.id}`, `${right.tenantId}|${right.id}`);
