import type { Platform } from '../../platform/context.ts';
import { DomainError, notFound } from '../../platform/errors.ts';
import type { Actor } from '../../platform/http/auth.ts';
import { decodeCursor as decodeListCursor, encodeCursor } from '../../platform/http/cursor.ts';
import { findContact } from './contact.repository.ts';

export type TimelineType = 'message' | 'note' | 'activity' | 'event';
const ALL_TYPES: TimelineType[] = ['message', 'note', 'activity', 'event'];

export interface TimelineQueryInput {
  limit: number;
  cursor?: string;
  channel?: string;
  types?: string;
}

/**
 * One feed of everything about a customer, newest first: messages in and out on every channel and in
 * every conversation, internal notes (conversation and contact notes), activity, and contact events
 * (merges, calls, CSAT, CRM). Each source is read newest-first through its own index and limited before
 * the union, so a page costs the same for a contact with ten or ten thousand interactions.
 */
export class ContactTimelineService {
  constructor(private readonly platform: Platform) {}

  async page(actor: Actor, contactId: string, query: TimelineQueryInput) {
    const { database } = this.platform;
    const contact = await findContact(database.db, actor.tenantId, contactId);
    if (!contact) throw notFound('Contact', contactId);
    const types = parseTypes(query.types);
    const cursor = decodeCursor(query.cursor);
    const limit = query.limit + 1;
    const params: unknown[] = [actor.tenantId, contactId, limit];
    const add = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const before = cursor
      ? `(${'%TIME%'}, %ID%) < (${add(cursor.at)}::timestamptz, ${add(cursor.id)}::uuid)`
      : 'true';
    const channelFilter = query.channel ? add(query.channel) : undefined;
    // Agents see messages only of the conversations they may see (same rule as the conversation list).
    const visibility =
      actor.role === 'agent'
        ? `and exists (select 1 from conversations c where c.tenant_id = m.tenant_id and c.id = m.conversation_id
             and (c.team_id is null or c.assignee_id = ${add(actor.userId)}::uuid or c.team_id = any(${add(actor.teamIds)}::uuid[])))`
        : '';
    const branches: string[] = [];
    const messageKinds = types
      .filter((type) => type !== 'event')
      .map((type) => (type === 'message' ? 'message' : type));
    if (messageKinds.length > 0) {
      branches.push(`(select case m.kind when 'message' then 'message' when 'note' then 'note' else 'activity' end as type,
          m.id, m.created_at as occurred_at, m.channel_id, m.conversation_id, m.direction, m.text, m.status,
          m.author_user_id, m.kind, m.metadata as data
        from messages m
        where m.tenant_id = $1 and m.contact_id = $2 and m.kind in (${messageKinds.map((kind) => `'${kind}'`).join(', ')})
          ${channelFilter ? `and m.channel_id = ${channelFilter}` : ''} ${visibility}
          and ${before.replace('%TIME%', 'm.created_at').replace('%ID%', 'm.id')}
        order by m.created_at desc, m.id desc limit $3)`);
    }
    if (types.includes('note') && !channelFilter) {
      branches.push(`(select 'note' as type, n.id, n.created_at as occurred_at, null::uuid as channel_id, null::uuid as conversation_id,
          null as direction, n.text, null as status, n.author_user_id, 'contact_note' as kind, '{}'::jsonb as data
        from contact_notes n
        where n.tenant_id = $1 and n.contact_id = $2
          and ${before.replace('%TIME%', 'n.created_at').replace('%ID%', 'n.id')}
        order by n.created_at desc, n.id desc limit $3)`);
    }
    if (types.includes('event')) {
      branches.push(`(select 'event' as type, e.id, e.occurred_at, e.channel_id, null::uuid as conversation_id,
          null as direction, e.summary as text, null as status, null::uuid as author_user_id, e.kind, e.data
        from contact_events e
        where e.tenant_id = $1 and e.contact_id = $2
          ${channelFilter ? `and e.channel_id = ${channelFilter}` : ''}
          and ${before.replace('%TIME%', 'e.occurred_at').replace('%ID%', 'e.id')}
        order by e.occurred_at desc, e.id desc limit $3)`);
    }
    if (branches.length === 0) return { items: [], nextCursor: null };
    const { rows } = await database.executeSql(
      `select * from (${branches.join(' union all ')}) timeline order by occurred_at desc, id desc limit $3`,
      params,
    );
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page.map((row) => ({
        type: row.type as TimelineType,
        id: row.id as string,
        occurredAt: new Date(row.occurred_at).toISOString(),
        channelId: row.channel_id ?? null,
        conversationId: row.conversation_id ?? null,
        direction: row.direction ?? null,
        text: row.text ?? '',
        status: row.status ?? null,
        authorUserId: row.author_user_id ?? null,
        kind: row.kind as string,
        data: (row.data ?? {}) as Record<string, unknown>,
      })),
      nextCursor:
        rows.length > query.limit && last
          ? encodeCursor([new Date(last.occurred_at).toISOString(), last.id as string])
          : null,
    };
  }
}

function parseTypes(value: string | undefined): TimelineType[] {
  if (!value) return ALL_TYPES;
  const types = value.split(',').map((entry) => entry.trim());
  const unknown = types.filter((type) => !ALL_TYPES.includes(type as TimelineType));
  if (unknown.length > 0) {
    throw new DomainError('validation_failed', `Unknown timeline types: ${unknown.join(', ')}`, {
      errors: [{ field: 'querystring.types', message: `must be among ${ALL_TYPES.join(', ')}` }],
    });
  }
  return types as TimelineType[];
}

function decodeCursor(cursor: string | undefined): { at: string; id: string } | undefined {
  const values = decodeListCursor(cursor, ['timestamp', 'uuid']);
  return values && { at: values[0] as string, id: values[1] as string };
}
