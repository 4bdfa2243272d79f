import { and, eq, isNull } from 'drizzle-orm';
import type { IdentityKind } from '../../channels/adapter.ts';
import type { Platform } from '../../platform/context.ts';
import type { Drizzle, Tx } from '../../platform/db/database.ts';
import { DomainError, notFound } from '../../platform/errors.ts';
import { recordEvents } from '../../platform/events/domain-events.ts';
import type { Actor } from '../../platform/http/auth.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { assertChannelExists } from '../channels/channel-lookup.ts';
import type { TenantService } from '../tenants/tenant.service.ts';
import { type ContactRow, type IdentityRow, presentContact } from './contact.presenter.ts';
import * as repository from './contact.repository.ts';
import { decodeCursor, encodeCursor, identityTaken } from './contact-service-helpers.ts';
import type {
  CreateContactBody,
  IdentityBody,
  UpdateContactBody,
  UpdateIdentityBody,
} from './contacts.schema.ts';
import { contactIdentities, contacts } from './contacts.tables.ts';
import type { CustomAttributeService } from './custom-attributes.service.ts';
import { normaliseIdentity } from './identity-normalizer.ts';
import type { MergeSuggestionService } from './merge-suggestion.service.ts';

export interface ContactWithIdentities {
  contact: ContactRow;
  identities: IdentityRow[];
  organizations: { id: string; name: string }[];
}

export class ContactService {
  constructor(
    private readonly platform: Platform,
    private readonly tenants: TenantService,
    private readonly attributes: CustomAttributeService,
    private readonly suggestions: MergeSuggestionService,
  ) {}

  async create(actor: Actor, input: CreateContactBody): Promise<ContactWithIdentities> {
    const tenant = await this.tenants.cached(actor.tenantId);
    const normalised = (input.identities ?? []).map((identity) => ({
      ...normaliseIdentity(identity.kind, identity.value, tenant.defaultCountry),
      verified: identity.verified ?? false,
    }));
    const customAttributes = await this.attributes.validate(actor.tenantId, input.customAttributes ?? {});
    const contactId = await this.platform.database.transaction(async (tx) => {
      if (input.preferredChannelId)
        await assertChannelExists(tx.db, actor.tenantId, input.preferredChannelId);
      const contact = await repository.insertContact(tx.db, actor.tenantId, {
        name: input.name ?? null,
        language: input.language ?? null,
        languageSource: input.language ? 'manual' : null,
        timeZone: input.timeZone ?? null,
        preferredChannelId: input.preferredChannelId ?? null,
        customAttributes,
        avatarUrl: input.avatarUrl ?? null,
        tags: [...new Set(input.tags ?? [])],
      });
      for (const identity of normalised) {
        const inserted = await repository.insertIdentity(
          tx.db,
          actor.tenantId,
          contact.id,
          identity,
          identity.verified,
        );
        if (!inserted) throw identityTaken(identity.kind, identity.displayValue);
      }
      await repository.setOrganizations(tx.db, actor.tenantId, contact.id, input.organizations ?? []);
      await recordAudit(tx, actor.tenantId, actor, {
        action: 'contact.created',
        entityType: 'contact',
        entityId: contact.id,
      });
      await this.emit(tx, actor.tenantId, contact.id, 'contact.created');
      return contact.id;
    });
    return this.get(actor.tenantId, contactId);
  }

  async get(
    tenantId: string,
    contactId: string,
    db: Drizzle = this.platform.database.db,
  ): Promise<ContactWithIdentities> {
    const contact = await repository.findContact(db, tenantId, contactId);
    if (!contact) throw notFound('Contact', contactId);
    const [identities, organizations] = await Promise.all([
      repository.identitiesOf(db, tenantId, [contactId]),
      repository.organizationsOf(db, tenantId, [contactId]),
    ]);
    return { contact, identities, organizations: organizations.map(({ id, name }) => ({ id, name })) };
  }

  async search(tenantId: string, query: { q?: string; limit: number; cursor?: string }) {
    const tenant = await this.tenants.cached(tenantId);
    const normalisedValues: string[] = [];
    if (query.q) {
      for (const kind of ['email', 'phone'] as IdentityKind[]) {
        try {
          normalisedValues.push(normaliseIdentity(kind, query.q, tenant.defaultCountry).value);
        } catch {
          // not this kind of identity
        }
      }
    }
    const { db } = this.platform.database;
    const rows = await repository.searchContacts(this.platform.database, tenantId, {
      fragment: query.q,
      normalisedValues,
      before: decodeCursor(query.cursor),
      limit: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    const ids = page.map((row) => row.id);
    const [identities, organizations] = await Promise.all([
      repository.identitiesOf(db, tenantId, ids),
      repository.organizationsOf(db, tenantId, ids),
    ]);
    const last = page.at(-1);
    return {
      items: page.map((contact) => ({
        contact,
        identities: identities.filter((entry) => entry.contactId === contact.id),
        organizations: organizations.filter((entry) => entry.contactId === contact.id),
      })),
      nextCursor: rows.length > query.limit && last ? encodeCursor(last.createdAt, last.id) : null,
    };
  }

  async update(actor: Actor, contactId: string, input: UpdateContactBody): Promise<ContactWithIdentities> {
    const { organizations, customAttributes, ...fields } = input;
    const checkedAttributes = customAttributes
      ? await this.attributes.validate(actor.tenantId, customAttributes)
      : undefined;
    await this.platform.database.transaction(async (tx) => {
      if (input.preferredChannelId)
        await assertChannelExists(tx.db, actor.tenantId, input.preferredChannelId);
      const updated = await tx.db
        .update(contacts)
        .set({
          ...fields,
          ...(checkedAttributes ? { customAttributes: checkedAttributes } : {}),
          ...(input.language !== undefined
            ? { languageSource: input.language ? ('manual' as const) : null }
            : {}),
          ...(input.tags ? { tags: [...new Set(input.tags)] } : {}),
          updatedAt: new Date(),
        })
        .where(
          and(
            eq(contacts.tenantId, actor.tenantId),
            eq(contacts.id, contactId),
            isNull(contacts.mergedIntoId),
          ),
        )
        .returning({ id: contacts.id });
      if (updated.length === 0) throw notFound('Contact', contactId);
      if (organizations) await repository.setOrganizations(tx.db, actor.tenantId, contactId, organizations);
      await recordAudit(tx, actor.tenantId, actor, {
        action: 'contact.updated',
        entityType: 'contact',
        entityId: contactId,
        changes: input,
      });
      await this.emit(tx, actor.tenantId, contactId, 'contact.updated');
    });
    return this.get(actor.tenantId, contactId);
  }

  async remove(actor: Actor, contactId: string): Promise<void> {
    await this.platform.database.transaction(async (tx) => {
      const contact = await repository.findContact(tx.db, actor.tenantId, contactId);
      if (!contact) throw notFound('Contact', contactId);
      const conversationCount = await tx.executeSql(
        'select count(*)::int as count from conversations where tenant_id = $1 and contact_id = $2',
        [actor.tenantId, contactId],
      );
      if (Number(conversationCount.rows[0]?.count) > 0) {
        throw new DomainError(
          'invalid_state',
          'This contact has conversations; merge it into another contact instead',
        );
      }
      await tx.db
        .delete(contacts)
        .where(and(eq(contacts.tenantId, actor.tenantId), eq(contacts.id, contactId)));
      await recordAudit(tx, actor.tenantId, actor, {
        action: 'contact.deleted',
        entityType: 'contact',
        entityId: contactId,
      });
    });
  }

  /**
   * An agent adds an identity: that is a verified link. If it already belongs to another contact, nothing
   * moves; a merge suggestion with the evidence is recorded and the conflict reported.
   */
  async addIdentity(actor: Actor, contactId: string, input: IdentityBody): Promise<ContactWithIdentities> {
    const tenant = await this.tenants.cached(actor.tenantId);
    const normalised = normaliseIdentity(input.kind, input.value, tenant.defaultCountry);
    const owner = await repository.findIdentity(
      this.platform.database,
      actor.tenantId,
      normalised.kind,
      normalised.value,
    );
    if (owner && owner.contactId !== contactId) {
      await this.get(actor.tenantId, contactId);
      await this.suggestions.record(actor.tenantId, contactId, owner.contactId, 'identity_claimed', {
        kind: normalised.kind,
        value: normalised.value,
        by: actor.userId,
      });
      throw new DomainError(
        'conflict',
        `The ${normalised.kind} identity ${normalised.displayValue} belongs to another contact; a merge suggestion was recorded`,
      );
    }
    await this.platform.database.transaction(async (tx) => {
      const contact = await repository.findContact(tx.db, actor.tenantId, contactId);
      if (!contact || contact.mergedIntoId) throw notFound('Contact', contactId);
      const inserted = await repository.insertIdentity(
        tx.db,
        actor.tenantId,
        contactId,
        normalised,
        input.verified ?? true,
      );
      if (!inserted) throw identityTaken(normalised.kind, normalised.displayValue);
      await recordAudit(tx, actor.tenantId, actor, {
        action: 'contact.identity_added',
        entityType: 'contact',
        entityId: contactId,
        changes: { kind: normalised.kind, value: normalised.value },
      });
      await this.emit(tx, actor.tenantId, contactId, 'contact.identity_added');
    });
    return this.get(actor.tenantId, contactId);
  }

  async updateIdentity(actor: Actor, contactId: string, identityId: string, input: UpdateIdentityBody) {
    await this.platform.database.transaction(async (tx) => {
      const consentChange =
        input.consent !== undefined
          ? {
              consent: input.consent,
              consentAt: new Date(),
              consentSource: input.consentSource ?? `agent ${actor.userId}`,
            }
          : {};
      const updated = await tx.db
        .update(contactIdentities)
        .set({ ...(input.verified !== undefined ? { verified: input.verified } : {}), ...consentChange })
        .where(
          and(
            eq(contactIdentities.tenantId, actor.tenantId),
            eq(contactIdentities.contactId, contactId),
            eq(contactIdentities.id, identityId),
          ),
        )
        .returning();
      if (updated.length === 0) throw notFound('Identity', identityId);
      await recordAudit(tx, actor.tenantId, actor, {
        action: input.consent ? `contact.consent_${input.consent}` : 'contact.identity_updated',
        entityType: 'contact',
        entityId: contactId,
        changes: { identityId, ...input },
      });
      await this.emit(tx, actor.tenantId, contactId, 'contact.updated');
    });
    return this.get(actor.tenantId, contactId);
  }

  async removeIdentity(actor: Actor, contactId: string, identityId: string): Promise<ContactWithIdentities> {
    await this.platform.database.transaction(async (tx) => {
      const removed = await tx.db
        .delete(contactIdentities)
        .where(
          and(
            eq(contactIdentities.tenantId, actor.tenantId),
            eq(contactIdentities.contactId, contactId),
            eq(contactIdentities.id, identityId),
          ),
        )
        .returning();
      if (removed.length === 0) throw notFound('Identity', identityId);
      await recordAudit(tx, actor.tenantId, actor, {
        action: 'contact.identity_removed',
        entityType: 'contact',
        entityId: contactId,
        changes: { kind: removed[0]!.kind, value: removed[0]!.value },
      });
      await this.emit(tx, actor.tenantId, contactId, 'contact.updated');
    });
    return this.get(actor.tenantId, contactId);
  }

  async notes(tenantId: string, contactId: string) {
    await this.get(tenantId, contactId);
    return repository.notesOf(this.platform.database.db, tenantId, contactId);
  }

  async addNote(actor: Actor, contactId: string, text: string) {
    await this.get(actor.tenantId, contactId);
    return this.platform.database.transaction(async (tx) => {
      const note = await repository.insertNote(tx.db, actor.tenantId, contactId, actor.userId, text);
      await recordAudit(tx, actor.tenantId, actor, {
        action: 'contact.note_added',
        entityType: 'contact',
        entityId: contactId,
      });
      return note;
    });
  }

  /**
   * Puts things that happened elsewhere (CRM orders and tickets, calls, CSAT) on the customer's timeline;
   * an event already recorded under the same kind and external id is left as it is.
   */
  async recordExternalEvents(
    tenantId: string,
    contactId: string,
    events: {
      kind: string;
      externalId: string;
      summary: string;
      occurredAt: Date;
      data: Record<string, unknown>;
    }[],
  ): Promise<number> {
    return repository.insertExternalEvents(this.platform.database.db, tenantId, contactId, events);
  }

  private async emit(tx: Tx, tenantId: string, contactId: string, type: string) {
    const { contact, identities, organizations } = await this.get(tenantId, contactId, tx.db);
    await recordEvents(tx, this.platform.bus, [
      {
        tenantId,
        type,
        entityType: 'contact',
        entityId: contactId,
        payload: presentContact(contact, identities, organizations),
      },
    ]);
  }
}
