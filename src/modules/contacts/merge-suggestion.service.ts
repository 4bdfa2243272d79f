import { and, desc, eq, ilike, ne, or, sql } from 'drizzle-orm';
import type { Platform } from '../../platform/context.ts';
import { notFound } from '../../platform/errors.ts';
import type { EventProcessor, EventReference } from '../../platform/events/event-processors.ts';
import type { Actor } from '../../platform/http/auth.ts';
import { newId } from '../../platform/ids.ts';
import { contactIdentities, contacts, mergeSuggestions } from './contacts.tables.ts';

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

interface CandidateRow {
  name: string | null;
  mergedIntoId: string | null;
  kind: string;
  value: string;
  candidateId: string | null;
  candidateValue: string | null;
}

/**
 * Finds contacts that may be the same person and records a suggestion with the evidence. Never merges:
 * a person decides. Runs as a processor on contact events, so ingest never waits for it.
 */
export class MergeSuggestionService implements EventProcessor {
  readonly name = 'merge-suggestions';
  readonly handles = ['contact.created', 'contact.identity_added'] as const;

  constructor(private readonly platform: Platform) {}

  async handle(event: EventReference): Promise<void> {
    await this.suggestFor(event.tenantId, event.entityId);
  }

  async suggestFor(tenantId: string, contactId: string): Promise<void> {
    const { database } = this.platform;
    // The contact, its identities and, for each email, the other addresses with the same local part before
    // any +tag (the email base index): every email rule below is decided from these rows.
    const { rows } = (await database.executeSql(
      `select contact.name, contact.merged_into_id as "mergedIntoId", identity.kind, identity.value,
              candidate.contact_id as "candidateId", candidate.value as "candidateValue"
       from contacts contact
       join contact_identities identity
         on identity.tenant_id = contact.tenant_id and identity.contact_id = contact.id
       left join lateral (
         select other.contact_id, other.value from contact_identities other
         where identity.kind = 'email' and other.tenant_id = identity.tenant_id and other.kind = 'email'
           and split_part(split_part(other.value, '@', 1), '+', 1)
             = split_part(split_part(identity.value, '@', 1), '+', 1)
           and other.contact_id <> identity.contact_id
         -- Same domain first: a plus-address match must not be crowded out by a common name elsewhere.
         order by split_part(other.value, '@', 2) = split_part(identity.value, '@', 2) desc
         limit 40
       ) candidate on true
       where contact.tenant_id = $1 and contact.id = $2`,
      [tenantId, contactId],
      'merge_suggestion_candidates',
    )) as { rows: CandidateRow[] };
    if (rows.length === 0 || rows[0]!.mergedIntoId) return;
    const name = rows[0]!.name;

    for (const row of rows) {
      if (row.kind !== 'email' || !row.candidateId || !row.candidateValue) continue;
      const [local, domain] = splitEmail(row.value);
      const base = local.split('+')[0]!;
      const [candidateLocal, candidateDomain] = splitEmail(row.candidateValue);
      const evidence = { address: row.value, matches: row.candidateValue };
      const plusAddress =
        base !== local
          ? row.candidateValue === `${base}@${domain}`
          : candidateLocal.startsWith(`${base}+`) && candidateDomain === domain;
      if (plusAddress) await this.record(tenantId, contactId, row.candidateId, 'plus_address', evidence);
      if (
        base.length >= 3 &&
        !GENERIC_LOCAL_PARTS.has(base) &&
        candidateLocal === base &&
        row.candidateValue !== row.value
      ) {
        await this.record(tenantId, contactId, row.candidateId, 'email_local_part', evidence);
      }
    }

    const phones = new Set(
      rows.filter((row) => row.kind === 'phone' || row.kind === 'whatsapp').map((row) => row.value),
    );
    if (!name?.trim().includes(' ')) return;
    for (const phone of phones) {
      const tail = phone.slice(-6);
      const matches = await database.db
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
            // The same name in any case: ILIKE without wildcards, which the name's trigram index answers.
            ilike(contacts.name, escapeLike(name)),
            sql`${contactIdentities.kind} in ('phone', 'whatsapp')`,
            sql`right(${contactIdentities.value}, 6) = ${tail}`,
          ),
        )
        .limit(20);
      for (const match of matches) {
        await this.record(tenantId, contactId, match.contactId, 'name_and_phone', {
          name,
          phone,
          matches: match.value,
        });
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
