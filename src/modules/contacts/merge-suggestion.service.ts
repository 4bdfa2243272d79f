import { and, desc, eq, ne, or, sql } from 'drizzle-orm';
import type { Platform } from '../../platform/context.ts';
import { contactIdentities, contacts } from '../../platform/db/schema.ts';
import { notFound } from '../../platform/errors.ts';
import type { StoredEvent } from '../../platform/events/domain-events.ts';
import type { EventProcessor } from '../../platform/events/event-processors.ts';
import type { Actor } from '../../platform/http/auth.ts';
import { newId } from '../../platform/ids.ts';
import { mergeSuggestions } from './contacts.tables.ts';

// Shared mailbox names say nothing about the person behind them.
const GENERIC_LOCAL_PARTS = new Set([
  'info',
  'kontakt',
  'contact',
  'mail',
  'service',
  'support',
  'office',
  'hello',
  'hallo',
  'admin',
  'team',
  'sales',
  'noreply',
  'no-reply',
  'post',
  'buero',
  'büro',
  'verwaltung',
  'familie',
  'family',
  'home',
]);

/**
 * Finds contacts that may be the same person and records a suggestion with the evidence. Never merges:
 * a person decides. Runs as a processor on contact events, so ingest never waits for it.
 */
export class MergeSuggestionService implements EventProcessor {
  readonly name = 'merge-suggestions';
  readonly handles = ['contact.created', 'contact.identity_added'] as const;

  constructor(private readonly platform: Platform) {}

  async handle(event: StoredEvent): Promise<void> {
    await this.suggestFor(event.tenantId, event.entityId);
  }

  async suggestFor(tenantId: string, contactId: string): Promise<void> {
    const { db } = this.platform.database;
    const [contact] = await db
      .select()
      .from(contacts)
      .where(and(eq(contacts.tenantId, tenantId), eq(contacts.id, contactId)));
    if (!contact || contact.mergedIntoId) return;
    const identities = await db
      .select()
      .from(contactIdentities)
      .where(and(eq(contactIdentities.tenantId, tenantId), eq(contactIdentities.contactId, contactId)));
    const others = (extra: ReturnType<typeof sql>) =>
      db
        .select({ contactId: contactIdentities.contactId, value: contactIdentities.value })
        .from(contactIdentities)
        .where(
          and(eq(contactIdentities.tenantId, tenantId), ne(contactIdentities.contactId, contactId), extra),
        )
        .limit(20);

    for (const identity of identities) {
      if (identity.kind === 'email') {
        const [local, domain] = splitEmail(identity.value);
        const base = local.split('+')[0]!;
        if (base !== local) {
          for (const match of await others(
            sql`${contactIdentities.kind} = 'email' and ${contactIdentities.value} = ${`${base}@${domain}`}`,
          )) {
            await this.record(tenantId, contactId, match.contactId, 'plus_address', {
              address: identity.value,
              matches: match.value,
            });
          }
        } else {
          const pattern = `${escapeLike(base)}+%@${escapeLike(domain)}`;
          for (const match of await others(
            sql`${contactIdentities.kind} = 'email' and ${contactIdentities.value} like ${pattern}`,
          )) {
            await this.record(tenantId, contactId, match.contactId, 'plus_address', {
              address: identity.value,
              matches: match.value,
            });
          }
        }
        if (base.length >= 3 && !GENERIC_LOCAL_PARTS.has(base)) {
          const pattern = `${escapeLike(base)}@%`;
          for (const match of await others(
            sql`${contactIdentities.kind} = 'email' and ${contactIdentities.value} like ${pattern} and ${contactIdentities.value} <> ${identity.value}`,
          )) {
            await this.record(tenantId, contactId, match.contactId, 'email_local_part', {
              address: identity.value,
              matches: match.value,
            });
          }
        }
      }
      if (
        (identity.kind === 'phone' || identity.kind === 'whatsapp') &&
        contact.name &&
        contact.name.trim().includes(' ')
      ) {
        const tail = identity.value.slice(-6);
        const matches = await db
          .select({ contactId: contacts.id, value: contactIdentities.value })
          .from(contacts)
          .innerJoin(
            contactIdentities,
            and(
              eq(contactIdentities.tenantId, contacts.tenantId),
              eq(contactIdentities.contactId, contacts.id),
            ),
          )
          .where(
            and(
              eq(contacts.tenantId, tenantId),
              ne(contacts.id, contactId),
              sql`lower(${contacts.name}) = lower(${contact.name})`,
              sql`${contactIdentities.kind} in ('phone', 'whatsapp')`,
              sql`right(${contactIdentities.value}, 6) = ${tail}`,
            ),
          )
          .limit(20);
        for (const match of matches) {
          await this.record(tenantId, contactId, match.contactId, 'name_and_phone', {
            name: contact.name,
            phone: identity.value,
            matches: match.value,
          });
        }
      }
    }
  }

  /** One open suggestion per pair and reason, whichever way round it was found. */
  async record(
    tenantId: string,
    contactId: string,
    candidateId: string,
    reason: string,
    evidence: Record<string, unknown>,
  ) {
    const { db } = this.platform.database;
    const existing = await db
      .select({ id: mergeSuggestions.id })
      .from(mergeSuggestions)
      .where(
        and(
          eq(mergeSuggestions.tenantId, tenantId),
          eq(mergeSuggestions.status, 'open'),
          eq(mergeSuggestions.reason, reason),
          or(
            and(eq(mergeSuggestions.contactId, contactId), eq(mergeSuggestions.candidateId, candidateId)),
            and(eq(mergeSuggestions.contactId, candidateId), eq(mergeSuggestions.candidateId, contactId)),
          ),
        ),
      );
    if (existing.length > 0) return;
    await db
      .insert(mergeSuggestions)
      .values({ tenantId, id: newId(), contactId, candidateId, reason, evidence })
      .onConflictDoNothing();
  }

  async list(tenantId: string, options: { contactId?: string; status?: 'open' | 'accepted' | 'dismissed' }) {
    return this.platform.database.db
      .select()
      .from(mergeSuggestions)
      .where(
        and(
          eq(mergeSuggestions.tenantId, tenantId),
          eq(mergeSuggestions.status, options.status ?? 'open'),
          options.contactId
            ? or(
                eq(mergeSuggestions.contactId, options.contactId),
                eq(mergeSuggestions.candidateId, options.contactId),
              )
            : undefined,
        ),
      )
      .orderBy(desc(mergeSuggestions.createdAt))
      .limit(200);
  }

  async dismiss(actor: Actor, suggestionId: string) {
    const [row] = await this.platform.database.db
      .update(mergeSuggestions)
      .set({ status: 'dismissed', resolvedAt: new Date(), resolvedBy: actor.userId })
      .where(and(eq(mergeSuggestions.tenantId, actor.tenantId), eq(mergeSuggestions.id, suggestionId)))
      .returning();
    if (!row) throw notFound('Merge suggestion', suggestionId);
    return row;
  }
}

function splitEmail(value: string): [string, string] {
  const at = value.lastIndexOf('@');
  return [value.slice(0, at), value.slice(at + 1)];
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (match) => `\\${match}`);
}
