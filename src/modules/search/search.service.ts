import type { Platform } from '../../platform/context.ts';
import type { Actor } from '../../platform/http/auth.ts';
import type { ContactService } from '../contacts/contact.service.ts';
import { visibleConversationsCondition } from '../conversations/conversation.policy.ts';
import type { SearchQuery } from './search.schema.ts';

// Rank only the newest matches: common words match millions of messages, and ranking them all is what
// makes full-text search slow. Recent hits are what agents look for.
const RANK_WINDOW = 400;
// The newest messages are searched first (newest-first index, a bounded number of rows): a common word has
// a page of hits there and is answered without touching its millions of older hits. Only a rare word, with
// less than a page there, goes through the full-text index over everything, where few hits make that
// cheap. Either way the newest hits (at most RANK_WINDOW) are ranked.
const RECENT_ROWS = 20_000;
const HIT_COLUMNS = `m.id, m.conversation_id, m.contact_id, m.channel_id, m.direction, m.kind, m.created_at, m.language,
  m.subject, m.text, m.search_vector, c.number`;
const START = '\u0002';
const STOP = '\u0003';

/** One search box: contacts by name/email/phone fragment, messages by full text in their language. */
export class SearchService {
  constructor(
    private readonly platform: Platform,
    private readonly contacts: ContactService,
  ) {}

  async search(actor: Actor, query: SearchQuery) {
    const [contacts, messages] = await Promise.all([
      query.scope === 'messages' ? Promise.resolve([]) : this.searchContacts(actor, query),
      query.scope === 'contacts' ? Promise.resolve([]) : this.searchMessages(actor, query),
    ]);
    return { contacts, messages };
  }

  private async searchContacts(actor: Actor, query: SearchQuery) {
    const page = await this.contacts.search(actor.tenantId, { q: query.q, limit: query.limit });
    return page.items;
  }

  private async searchMessages(actor: Actor, query: SearchQuery) {
    const params: unknown[] = [actor.tenantId, query.q, query.limit];
    const add = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const filters: string[] = [];
    if (query.channel) filters.push(`m.channel_id = ${add(query.channel)}::uuid`);
    if (query.from) filters.push(`m.created_at >= ${add(query.from)}::timestamptz`);
    if (query.to) filters.push(`m.created_at < ${add(query.to)}::timestamptz`);
    if (query.status) filters.push(`c.status = ${add(query.status)}`);
    const visible = visibleConversationsCondition(actor, 'c', add);
    if (visible) filters.push(visible);
    const conditions = filters.map((filter) => `and ${filter}`).join(' ');
    const recent = await this.platform.database.executeSql(
      messageSearchSql(
        `select ${HIT_COLUMNS} from (
           select * from messages where tenant_id = $1 and kind <> 'activity' order by created_at desc limit ${RECENT_ROWS}
         ) m
         join conversations c on c.tenant_id = m.tenant_id and c.id = m.conversation_id, query
         where m.search_vector @@ query.q ${conditions}
         order by m.created_at desc
         limit ${RANK_WINDOW}`,
      ),
      params,
    );
    const found = Number(recent.rows[0]?.hit_count ?? 0);
    const { rows } =
      found >= query.limit
        ? recent
        : await this.platform.database.executeSql(
            // "offset 0" keeps the planner from walking the newest-first index hoping to meet a rare word soon.
            messageSearchSql(
              `select * from (
                 select ${HIT_COLUMNS} from messages m
                 join conversations c on c.tenant_id = m.tenant_id and c.id = m.conversation_id, query
                 where m.tenant_id = $1 and m.search_vector @@ query.q and m.kind <> 'activity' ${conditions}
                 offset 0
               ) m
               order by m.created_at desc
               limit ${RANK_WINDOW}`,
            ),
            params,
          );
    return rows.map((row) => ({
      messageId: row.id as string,
      conversationId: row.conversation_id as string,
      conversationNumber: Number(row.number),
      contactId: row.contact_id as string,
      contactName: (row.contact_name as string | null) ?? null,
      channelId: (row.channel_id as string | null) ?? null,
      direction: row.direction as 'inbound' | 'outbound',
      kind: row.kind as string,
      createdAt: new Date(row.created_at).toISOString(),
      rank: Number(row.rank),
      snippet: highlight(String(row.snippet ?? '')),
    }));
  }
}

/**
 * The search around a source of hits (the newest messages matching the query, newest first): rank them, take
 * a page, join the contact and build highlighted snippets; hit_count says how many hits there were.
 */
function messageSearchSql(hitsSql: string): string {
  return `with query as (
       select websearch_to_tsquery('german', $2) || websearch_to_tsquery('english', $2) || websearch_to_tsquery('simple', $2) as q
     ),
     hits as (${hitsSql}),
       ranked as (
         select hits.*, ts_rank_cd(hits.search_vector, query.q) as rank from hits, query
         order by rank desc, created_at desc
         limit $3
       )
       select (select count(*) from hits) as hit_count, ranked.id, ranked.conversation_id, ranked.number, ranked.contact_id, ranked.channel_id, ranked.direction,
              ranked.kind, ranked.created_at, ranked.rank, ct.name as contact_name,
              ts_headline(
                case ranked.language when 'de' then 'german'::regconfig when 'en' then 'english'::regconfig else 'simple'::regconfig end,
                coalesce(ranked.subject || ' — ', '') || ranked.text, query.q,
                'StartSel=${START}, StopSel=${STOP}, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "'
              ) as snippet
       from ranked
       join contacts ct on ct.tenant_id = $1 and ct.id = ranked.contact_id, query
       order by ranked.rank desc, ranked.created_at desc`;
}

/** Escapes the snippet, then turns our private markers into <mark>, so message text can never inject HTML. */
function highlight(snippet: string): string {
  const escaped = snippet.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
  return escaped.replaceAll(START, '<mark>').replaceAll(STOP, '</mark>');
}
