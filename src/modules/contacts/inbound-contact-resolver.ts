import type { IdentityKind, InboundIdentity } from '../../channels/adapter.ts';
import type { Tx } from '../../platform/db/database.ts';
import { newId } from '../../platform/ids.ts';
import type { TenantService } from '../tenants/tenant.service.ts';
import type { ContactRow, IdentityRow } from './contact.presenter.ts';
import * as repository from './contact.repository.ts';
import { normaliseIdentity } from './identity-normalizer.ts';
import {
  type ContactKey,
  deleteContacts,
  findAndLockIdentities,
  type IdentityKey,
  insertContactsWithIdentity,
  type KnownIdentity,
  type LockedContact,
  type LockedIdentity,
  type NewInboundContact,
  setDetectedLanguages,
  touchIdentities,
} from './inbound-contact.repository.ts';

export type { LockedContact };

const SAME_NUMBER: Partial<Record<IdentityKind, IdentityKind>> = { phone: 'whatsapp', whatsapp: 'phone' };

/** An identity's last-seen time is refreshed at most this often, so a chatty customer costs no writes. */
const LAST_SEEN_RESOLUTION_MS = 60_000;

export interface IdentityRequest {
  tenantId: string;
  from: InboundIdentity;
  /** The channel the message came in on: recorded as where a new identity was first seen. */
  channelId: string | null;
}

export interface ResolvedIdentity {
  contactId: string;
  identity: KnownIdentity;
  /** The contact, locked until the transaction ends (a new one is the transaction's own row). */
  contact: LockedContact;
  /** For the one request (of a batch) that created the contact: the new rows. */
  created?: { contact: ContactRow; identity: IdentityRow };
}

const keyOf = (key: IdentityKey) => `${key.tenantId}|${key.kind}|${key.value}`;
const contactKeyOf = (key: ContactKey) => `${key.tenantId}|${key.id}`;
const lockedOf = (contact: ContactRow): LockedContact => ({
  tenantId: contact.tenantId,
  id: contact.id,
  name: contact.name,
  language: contact.language,
  languageSource: contact.languageSource,
});

/**
 * The contact side of the inbound pipeline, inside its transaction: who wrote (resolving or creating the
 * contact, and locking it: the lock serialises threading for that customer), and the language their message
 * shows.
 * Every step takes a whole batch of messages, so a shared ingest transaction pays one statement per step.
 */
export class InboundContactResolver {
  constructor(private readonly tenants: TenantService) {}

  /**
   * The contact behind each inbound identity, in the requests' order, locked until the transaction ends;
   * creates contact and identity on first contact (once per batch, however often the identity occurs in it).
   * Safe under concurrency: the unique (tenant, kind, value) key decides who created it.
   */
  async resolveAll(tx: Tx, requests: IdentityRequest[]): Promise<ResolvedIdentity[]> {
    const wanted = await Promise.all(
      requests.map(async (request) => {
        const tenant = await this.tenants.cached(request.tenantId);
        return {
          tenantId: request.tenantId,
          ...normaliseIdentity(request.from.kind, request.from.value, tenant.defaultCountry),
        };
      }),
    );
    const lookups = new Map<string, IdentityKey>();
    for (const key of wanted) {
      lookups.set(keyOf(key), key);
      // SMS and WhatsApp on the same number are the same phone, so the same person.
      const sibling = SAME_NUMBER[key.kind];
      if (sibling) lookups.set(keyOf({ ...key, kind: sibling }), { ...key, kind: sibling });
    }
    const known = new Map<string, LockedIdentity>();
    for (const row of await findAndLockIdentities(tx, [...lookups.values()]))
      known.set(keyOf(row.identity), row);

    const results: (ResolvedIdentity | undefined)[] = [];
    const creating = new Map<string, { entry: NewInboundContact; indexes: number[] }>();
    const stale = new Map<string, ContactKey>();
    const now = Date.now();
    for (const [index, key] of wanted.entries()) {
      const existing = known.get(keyOf(key));
      if (existing) {
        const { identity, contact } = existing;
        results[index] = { contactId: identity.contactId, identity, contact };
        if (now - identity.lastSeenAt.getTime() > LAST_SEEN_RESOLUTION_MS)
          stale.set(identity.id, { tenantId: key.tenantId, id: identity.id });
        continue;
      }
      const siblingKind = SAME_NUMBER[key.kind];
      const sibling = siblingKind ? known.get(keyOf({ ...key, kind: siblingKind })) : undefined;
      if (sibling) {
        const linked = await this.linkToSibling(tx, sibling, key, requests[index]!.channelId);
        known.set(keyOf(key), { identity: linked.identity, contact: linked.contact });
        results[index] = linked;
        continue;
      }
      const pending = creating.get(keyOf(key));
      if (pending) pending.indexes.push(index);
      else {
        const entry = {
          ...key,
          contactId: newId(),
          name: requests[index]!.from.name ?? null,
          identityId: newId(),
          channelId: requests[index]!.channelId,
        };
        creating.set(keyOf(key), { entry, indexes: [index] });
      }
    }
    await this.create(tx, [...creating.values()], results);
    await touchIdentities(tx, [...stale.values()], new Date(now));
    return results as ResolvedIdentity[];
  }

  /**
   * Fills in a language the customer never stated, from their message; a person's choice always wins.
   * Updates the given rows, so what is presented afterwards shows it.
   */
  async setDetectedLanguages(
    tx: Tx,
    detected: { contact: LockedContact; language: string }[],
  ): Promise<void> {
    const changed = new Map<string, ContactKey & { language: string }>();
    for (const { contact, language } of detected) {
      if (contact.language || contact.languageSource === 'manual') continue;
      contact.language = language;
      contact.languageSource = 'detected';
      changed.set(contactKeyOf(contact), { tenantId: contact.tenantId, id: contact.id, language });
    }
    await setDetectedLanguages(tx, [...changed.values()]);
  }

  private async linkToSibling(
    tx: Tx,
    { identity: sibling, contact }: LockedIdentity,
    key: IdentityKey,
    channelId: string | null,
  ): Promise<ResolvedIdentity> {
    const { tenantId, ...normalised } = { ...key, displayValue: sibling.displayValue };
    const linked =
      (await repository.insertIdentity(
        tx.db,
        tenantId,
        sibling.contactId,
        normalised,
        sibling.verified,
        channelId,
      )) ?? (await repository.findIdentity(tx, tenantId, key.kind, key.value));
    if (!linked) throw new Error('identity vanished during resolution');
    return { contactId: linked.contactId, identity: linked, contact };
  }

  /** New contacts with their first identity; where a concurrent message won the race, its contact is used. */
  private async create(
    tx: Tx,
    creating: { entry: NewInboundContact; indexes: number[] }[],
    results: (ResolvedIdentity | undefined)[],
  ): Promise<void> {
    if (creating.length === 0) return;
    const rows = await insertContactsWithIdentity(
      tx,
      creating.map(({ entry }) => entry),
    );
    const inserted = new Map(rows.identities.map((row) => [row.id, row]));
    const contactsById = new Map(rows.contacts.map((row) => [row.id, row]));
    const lost = creating.filter(({ entry }) => !inserted.has(entry.identityId));
    await deleteContacts(
      tx,
      lost.map(({ entry }) => ({ tenantId: entry.tenantId, id: entry.contactId })),
    );
    const winners = new Map<string, LockedIdentity>();
    for (const row of await findAndLockIdentities(
      tx,
      lost.map(({ entry }) => entry),
    ))
      winners.set(keyOf(row.identity), row);
    for (const { entry, indexes } of creating) {
      const own = inserted.get(entry.identityId);
      const created = contactsById.get(entry.contactId);
      const winner = own ? undefined : winners.get(keyOf(entry));
      const identity = own ?? winner?.identity;
      const contact = own && created ? lockedOf(created) : winner?.contact;
      if (!identity || !contact) throw new Error('identity vanished during resolution');
      for (const [position, index] of indexes.entries()) {
        results[index] = {
          contactId: identity.contactId,
          identity,
          contact,
          ...(position === 0 && own && created ? { created: { contact: created, identity: own } } : {}),
        };
      }
    }
  }
}
