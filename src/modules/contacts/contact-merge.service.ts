import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Platform } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/database.ts';
import { DomainError, notFound } from '../../platform/errors.ts';
import { recordEvents } from '../../platform/events/domain-events.ts';
import type { Actor } from '../../platform/http/auth.ts';
import { newId } from '../../platform/ids.ts';
import { recordAudit } from '../audit/audit.service.ts';
import {
  announceCustomerChange,
  moveConversationsToContact,
} from '../conversations/conversation-customer.ts';
import { presentContact } from './contact.presenter.ts';
import { identitiesOf } from './contact.repository.ts';
import type { MergeContactsBody } from './contacts.schema.ts';
import {
  contactEvents,
  contactIdentities,
  contactMerges,
  contactNotes,
  contactOrganizations,
  contacts,
  mergeSuggestions,
} from './contacts.tables.ts';

/** Everything a merge moved or overwrote, so a split restores the state before it exactly. */
interface MergeSnapshot {
  merged: Record<string, unknown>;
  survivorBefore: {
    name: string | null;
    customAttributes: Record<string, unknown>;
    tags: string[];
    language: string | null;
  };
  survivorOrganizationIds: string[];
  identityIds: string[];
  conversationIds: string[];
  messageIds: string[];
  noteIds: string[];
  organizationIds: string[];
  eventIds: string[];
}

export class ContactMergeService {
  constructor(private readonly platform: Platform) {}

  /**
   * Merges the given contacts into the survivor: identities, conversations, messages, notes and
   * organisations move; attributes conflict-resolved by the caller's choice (default: the survivor's).
   * Every merged contact gets its own merge record, so each can be split off again on its own.
   */
  async merge(actor: Actor, survivorId: string, input: MergeContactsBody) {
    const mergeIds = await this.platform.database.transaction(async (tx) => {
      const ids = [...new Set(input.contactIds)].filter((id) => id !== survivorId);
      if (ids.length === 0)
        throw new DomainError('validation_failed', 'Name at least one other contact to merge');
      const rows = await tx.db
        .select()
        .from(contacts)
        .where(and(eq(contacts.tenantId, actor.tenantId), inArray(contacts.id, [survivorId, ...ids])))
        .orderBy(contacts.id)
        .for('update');
      const survivor = rows.find((row) => row.id === survivorId);
      if (!survivor || survivor.mergedIntoId) throw notFound('Contact', survivorId);
      for (const id of ids) {
        const row = rows.find((candidate) => candidate.id === id);
        if (!row || row.mergedIntoId) throw notFound('Contact', id);
      }
      const created: string[] = [];
      let current = survivor;
      for (const mergedId of ids) {
        const merged = rows.find((row) => row.id === mergedId)!;
        const mergeId = newId();
        const survivorOrganizations = await tx.db
          .select({ organizationId: contactOrganizations.organizationId })
          .from(contactOrganizations)
          .where(
            and(
              eq(contactOrganizations.tenantId, actor.tenantId),
              eq(contactOrganizations.contactId, survivorId),
            ),
          );
        const snapshot = await this.moveEverything(tx, actor.tenantId, mergedId, survivorId);
        const fullSnapshot: MergeSnapshot = {
          ...snapshot,
          merged: {
            ...merged,
            createdAt: merged.createdAt.toISOString(),
            updatedAt: merged.updatedAt.toISOString(),
          },
          survivorOrganizationIds: survivorOrganizations.map((row) => row.organizationId),
          survivorBefore: {
            name: current.name,
            customAttributes: current.customAttributes,
            tags: current.tags,
            language: current.language,
          },
        };
        const name = input.name === mergedId || (!current.name && merged.name) ? merged.name : current.name;
        const customAttributes = { ...merged.customAttributes, ...current.customAttributes };
        for (const [key, from] of Object.entries(input.attributes ?? {})) {
          if (from === mergedId && key in merged.customAttributes)
            customAttributes[key] = merged.customAttributes[key];
        }
        const [updated] = await tx.db
          .update(contacts)
          .set({
            name,
            customAttributes,
            tags: [...new Set([...current.tags, ...merged.tags])],
            language: current.language ?? merged.language,
            timeZone: current.timeZone ?? merged.timeZone,
            preferredChannelId: current.preferredChannelId ?? merged.preferredChannelId,
            avatarUrl: current.avatarUrl ?? merged.avatarUrl,
            updatedAt: new Date(),
          })
          .where(and(eq(contacts.tenantId, actor.tenantId), eq(contacts.id, survivorId)))
          .returning();
        current = updated!;
        await announceCustomerChange(
          tx,
          this.platform.bus,
          actor.tenantId,
          snapshot.conversationIds,
          current.name,
        );
        await tx.db
          .update(contacts)
          .set({ mergedIntoId: survivorId, updatedAt: new Date() })
          .where(and(eq(contacts.tenantId, actor.tenantId), eq(contacts.id, mergedId)));
        await tx.db.insert(contactMerges).values({
          tenantId: actor.tenantId,
          id: mergeId,
          survivorId,
          mergedId,
          snapshot: fullSnapshot as unknown as Record<string, unknown>,
          actorUserId: actor.userId,
        });
        await tx.db
          .update(mergeSuggestions)
          .set({ status: 'accepted', resolvedAt: new Date(), resolvedBy: actor.userId })
          .where(
            and(
              eq(mergeSuggestions.tenantId, actor.tenantId),
              eq(mergeSuggestions.status, 'open'),
              inArray(mergeSuggestions.contactId, [survivorId, mergedId]),
              inArray(mergeSuggestions.candidateId, [survivorId, mergedId]),
            ),
          );
        await this.timelineEntry(
          tx,
          actor,
          survivorId,
          'merged',
          `Merged ${merged.name ?? 'a contact'} into this contact`,
          {
            mergeId,
            mergedId,
            mergedName: merged.name,
          },
        );
        await recordAudit(tx, actor.tenantId, actor, {
          action: 'contact.merged',
          entityType: 'contact',
          entityId: survivorId,
          changes: {
            mergeId,
            mergedId,
            identities: snapshot.identityIds.length,
            conversations: snapshot.conversationIds.length,
          },
        });
        created.push(mergeId);
      }
      await this.emitUpdated(tx, actor.tenantId, survivorId, 'contact.merged');
      return created;
    });
    return { survivorId, mergeIds };
  }

  /** Undoes one merge: the merged contact comes back with what it brought; later changes elsewhere stay. */
  async split(actor: Actor, mergeId: string) {
    return this.platform.database.transaction(async (tx) => {
      const [merge] = await tx.db
        .select()
        .from(contactMerges)
        .where(and(eq(contactMerges.tenantId, actor.tenantId), eq(contactMerges.id, mergeId)))
        .for('update');
      if (!merge) throw notFound('Merge', mergeId);
      if (merge.undoneAt) throw new DomainError('invalid_state', 'This merge was already undone');
      const [survivor] = await tx.db
        .select()
        .from(contacts)
        .where(and(eq(contacts.tenantId, actor.tenantId), eq(contacts.id, merge.survivorId)))
        .for('update');
      if (!survivor || survivor.mergedIntoId) {
        throw new DomainError(
          'invalid_state',
          'The surviving contact was merged again; undo that merge first',
        );
      }
      const active = await tx.db
        .select({ id: contactMerges.id, sequence: contactMerges.sequence })
        .from(contactMerges)
        .where(
          and(
            eq(contactMerges.tenantId, actor.tenantId),
            eq(contactMerges.survivorId, merge.survivorId),
            isNull(contactMerges.undoneAt),
          ),
        );
      const snapshot = merge.snapshot as unknown as MergeSnapshot;
      const restored = snapshot.merged as { name: string | null; customAttributes: Record<string, unknown> };
      const { tenantId } = actor;
      const back = { contactId: merge.mergedId };
      if (snapshot.identityIds.length > 0) {
        await tx.db
          .update(contactIdentities)
          .set(back)
          .where(
            and(
              eq(contactIdentities.tenantId, tenantId),
              eq(contactIdentities.contactId, merge.survivorId),
              inArray(contactIdentities.id, snapshot.identityIds),
            ),
          );
      }
      const { conversationIds, messageIds } = snapshot;
      await moveConversationsToContact(tx, tenantId, { conversationIds, messageIds }, merge.mergedId);
      await announceCustomerChange(tx, this.platform.bus, tenantId, conversationIds, restored.name);
      if (snapshot.noteIds.length > 0) {
        await tx.db
          .update(contactNotes)
          .set(back)
          .where(and(eq(contactNotes.tenantId, tenantId), inArray(contactNotes.id, snapshot.noteIds)));
      }
      if (snapshot.eventIds.length > 0) {
        await tx.db
          .update(contactEvents)
          .set(back)
          .where(and(eq(contactEvents.tenantId, tenantId), inArray(contactEvents.id, snapshot.eventIds)));
      }
      for (const organizationId of snapshot.organizationIds) {
        await tx.db
          .insert(contactOrganizations)
          .values({ tenantId, contactId: merge.mergedId, organizationId })
          .onConflictDoNothing();
      }
      const broughtOrganizations = snapshot.organizationIds.filter(
        (id) => !snapshot.survivorOrganizationIds.includes(id),
      );
      if (broughtOrganizations.length > 0) {
        await tx.db
          .delete(contactOrganizations)
          .where(
            and(
              eq(contactOrganizations.tenantId, tenantId),
              eq(contactOrganizations.contactId, merge.survivorId),
              inArray(contactOrganizations.organizationId, broughtOrganizations),
            ),
          );
      }
      await tx.db
        .update(contacts)
        .set({
          mergedIntoId: null,
          name: restored.name,
          customAttributes: restored.customAttributes,
          updatedAt: new Date(),
        })
        .where(and(eq(contacts.tenantId, tenantId), eq(contacts.id, merge.mergedId)));
      // The survivor's own profile goes back to how it was, if this was its latest merge.
      const latest = active.sort((left, right) => right.sequence - left.sequence)[0]?.id === mergeId;
      if (latest) {
        await tx.db
          .update(contacts)
          .set({ ...snapshot.survivorBefore, updatedAt: new Date() })
          .where(and(eq(contacts.tenantId, tenantId), eq(contacts.id, merge.survivorId)));
      }
      await tx.db
        .update(contactMerges)
        .set({ undoneAt: new Date() })
        .where(and(eq(contactMerges.tenantId, tenantId), eq(contactMerges.id, mergeId)));
      await this.timelineEntry(
        tx,
        actor,
        merge.survivorId,
        'split',
        `Split ${restored.name ?? 'a contact'} off again`,
        {
          mergeId,
          mergedId: merge.mergedId,
        },
      );
      await recordAudit(tx, tenantId, actor, {
        action: 'contact.split',
        entityType: 'contact',
        entityId: merge.survivorId,
        changes: { mergeId, restored: merge.mergedId },
      });
      await this.emitUpdated(tx, tenantId, merge.survivorId, 'contact.updated');
      await this.emitUpdated(tx, tenantId, merge.mergedId, 'contact.updated');
      return { survivorId: merge.survivorId, restoredId: merge.mergedId };
    });
  }

  async mergesOf(tenantId: string, contactId: string) {
    return this.platform.database.db
      .select()
      .from(contactMerges)
      .where(and(eq(contactMerges.tenantId, tenantId), eq(contactMerges.survivorId, contactId)))
      .orderBy(contactMerges.sequence);
  }

  private async moveEverything(tx: Tx, tenantId: string, fromId: string, toId: string) {
    const to = { contactId: toId };
    const identities = await tx.db
      .update(contactIdentities)
      .set(to)
      .where(and(eq(contactIdentities.tenantId, tenantId), eq(contactIdentities.contactId, fromId)))
      .returning({ id: contactIdentities.id });
    const moved = await moveConversationsToContact(tx, tenantId, { fromContactId: fromId }, toId);
    const notes = await tx.db
      .update(contactNotes)
      .set(to)
      .where(and(eq(contactNotes.tenantId, tenantId), eq(contactNotes.contactId, fromId)))
      .returning({ id: contactNotes.id });
    const organizations = await tx.db
      .delete(contactOrganizations)
      .where(and(eq(contactOrganizations.tenantId, tenantId), eq(contactOrganizations.contactId, fromId)))
      .returning({ organizationId: contactOrganizations.organizationId });
    for (const { organizationId } of organizations) {
      await tx.db
        .insert(contactOrganizations)
        .values({ tenantId, contactId: toId, organizationId })
        .onConflictDoNothing();
    }
    const events = await tx.db
      .update(contactEvents)
      .set(to)
      .where(and(eq(contactEvents.tenantId, tenantId), eq(contactEvents.contactId, fromId)))
      .returning({ id: contactEvents.id });
    return {
      eventIds: events.map((row) => row.id),
      identityIds: identities.map((row) => row.id),
      conversationIds: moved.conversationIds,
      messageIds: moved.messageIds,
      noteIds: notes.map((row) => row.id),
      organizationIds: organizations.map((row) => row.organizationId),
    };
  }

  private async timelineEntry(
    tx: Tx,
    actor: Actor,
    contactId: string,
    kind: string,
    summary: string,
    data: Record<string, unknown>,
  ) {
    await tx.db.insert(contactEvents).values({
      tenantId: actor.tenantId,
      id: newId(),
      contactId,
      kind,
      summary,
      data: { ...data, actorUserId: actor.userId },
    });
  }

  private async emitUpdated(tx: Tx, tenantId: string, contactId: string, type: string) {
    const [contact] = await tx.db
      .select()
      .from(contacts)
      .where(and(eq(contacts.tenantId, tenantId), eq(contacts.id, contactId)));
    if (!contact) return;
    const identities = await identitiesOf(tx.db, tenantId, [contactId]);
    await recordEvents(tx, this.platform.bus, [
      {
        tenantId,
        type,
        entityType: 'contact',
        entityId: contactId,
        payload: presentContact(contact, identities),
      },
    ]);
  }
}
