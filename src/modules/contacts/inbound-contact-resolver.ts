import { and, eq } from 'drizzle-orm';
import type { IdentityKind, InboundIdentity } from '../../channels/adapter.ts';
import type { Tx } from '../../platform/db/database.ts';
import { contactIdentities, contacts } from '../../platform/db/schema.ts';
import type { TenantService } from '../tenants/tenant.service.ts';
import type { ContactRow, IdentityRow } from './contact.presenter.ts';
import * as repository from './contact.repository.ts';
import { normaliseIdentity } from './identity-normalizer.ts';

const SAME_NUMBER: Partial<Record<IdentityKind, IdentityKind>> = { phone: 'whatsapp', whatsapp: 'phone' };

export interface ResolvedIdentity {
  contactId: string;
  identity: IdentityRow;
  createdContact: boolean;
}

/**
 * The contact side of the inbound pipeline, inside its transaction: who wrote (resolving or creating the
 * contact), the lock that serialises threading for that customer, and the language their message shows.
 */
export class InboundContactResolver {
  constructor(private readonly tenants: TenantService) {}

  /**
   * The contact behind an inbound identity; creates contact and identity on first contact.
   * Safe under concurrency: the unique (tenant, kind, value) key decides who created it.
   */
  async resolveInbound(
    tx: Tx,
    tenantId: string,
    from: InboundIdentity,
    channelId: string | null = null,
  ): Promise<ResolvedIdentity> {
    const tenant = await this.tenants.cached(tenantId);
    const normalised = normaliseIdentity(from.kind, from.value, tenant.defaultCountry);
    const existing = await repository.findIdentity(tx, tenantId, normalised.kind, normalised.value);
    if (existing) {
      if (Date.now() - existing.lastSeenAt.getTime() > 60_000) {
        await tx.db
          .update(contactIdentities)
          .set({ lastSeenAt: new Date() })
          .where(and(eq(contactIdentities.tenantId, tenantId), eq(contactIdentities.id, existing.id)));
      }
      return { contactId: existing.contactId, identity: existing, createdContact: false };
    }
    // SMS and WhatsApp on the same number are the same phone, so the same person.
    const siblingKind = SAME_NUMBER[normalised.kind];
    const sibling = siblingKind
      ? await repository.findIdentity(tx, tenantId, siblingKind, normalised.value)
      : undefined;
    if (sibling) {
      const linked = await repository.insertIdentity(
        tx.db,
        tenantId,
        sibling.contactId,
        normalised,
        sibling.verified,
        channelId,
      );
      const identity =
        linked ?? (await repository.findIdentity(tx, tenantId, normalised.kind, normalised.value));
      if (identity) return { contactId: identity.contactId, identity, createdContact: false };
    }
    const contact = await repository.insertContact(tx.db, tenantId, { name: from.name ?? null });
    const identity = await repository.insertIdentity(
      tx.db,
      tenantId,
      contact.id,
      normalised,
      false,
      channelId,
    );
    if (identity) return { contactId: contact.id, identity, createdContact: true };
    // A concurrent message created this identity first: use theirs and drop our unused contact.
    await tx.db.delete(contacts).where(and(eq(contacts.tenantId, tenantId), eq(contacts.id, contact.id)));
    const winner = await repository.findIdentity(tx, tenantId, normalised.kind, normalised.value);
    if (!winner) throw new Error('identity vanished during resolution');
    return { contactId: winner.contactId, identity: winner, createdContact: false };
  }

  /** Fills in a language the customer never stated, from their message; a person's choice always wins. */
  async setDetectedLanguage(tx: Tx, contact: ContactRow, language: string): Promise<void> {
    if (contact.language || contact.languageSource === 'manual') return;
    await tx.db
      .update(contacts)
      .set({ language, languageSource: 'detected' })
      .where(and(eq(contacts.tenantId, contact.tenantId), eq(contacts.id, contact.id)));
    contact.language = language;
  }

  /** Serialises everything that threads or changes one contact until the transaction ends. */
  lock(tx: Tx, tenantId: string, contactId: string): Promise<ContactRow | undefined> {
    return repository.lockContact(tx, tenantId, contactId);
  }
}
