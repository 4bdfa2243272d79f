import type { SqlExecutor } from '../../platform/db/database.ts';
import { selectList } from '../../platform/db/select-list.ts';
import type { OutboxInsert } from '../../platform/events/domain-events.ts';
import type { ConversationRow, MessageRow } from './conversation.presenter.ts';
import { conversations } from './conversations.tables.ts';

/*
 * The conversation statements of the ingest hot path. Each takes a whole batch of messages at once (the
 * columns go in as arrays), so a shared ingest transaction pays one round trip per step, not one per
 * message; each is named, so PostgreSQL parses it once per connection.
 */

export interface ExternalMessageKey {
  tenantId: string;
  channelId: string;
  externalId: string;
}

export interface StoredInbound extends ExternalMessageKey {
  id: string;
  conversationId: string;
  contactId: string;
  /** InboundMessage.contentHash of the stored message, when its channel gives one. */
  contentHash: string | null;
}

/** Inbound messages already stored under these provider ids (the dedupe step). */
export async function findInboundMessages(
  executor: SqlExecutor,
  keys: ExternalMessageKey[],
): Promise<StoredInbound[]> {
  if (keys.length === 0) return [];
  const { rows } = await executor.executeSql(
    `select message.id, message.conversation_id as "conversationId", message.contact_id as "contactId",
            message.tenant_id as "tenantId", message.channel_id as "channelId", message.external_id as "externalId",
            message.metadata ->> 'contentHash' as "contentHash"
     from unnest($1::uuid[], $2::uuid[], $3::text[]) as wanted(tenant_id, channel_id, external_id)
     cross join lateral (
       select * from messages
       where tenant_id = wanted.tenant_id and channel_id = wanted.channel_id and direction = 'inbound'
         and external_id = wanted.external_id
     ) message`,
    [keys.map((key) => key.tenantId), keys.map((key) => key.channelId), keys.map((key) => key.externalId)],
    'find_inbound_messages',
  );
  return rows;
}

/**
 * Whether someone other than the conversation's customer took part in it: CC'd on one of its messages, or the
 * sender (contact) of one of them.
 */
export async function isThreadParticipant(
  executor: SqlExecutor,
  conversation: { tenantId: string; id: string },
  contactId: string,
  identityValue: string,
): Promise<boolean> {
  const { rows } = await executor.executeSql(
    `select 1 from messages
     where tenant_id = $1 and conversation_id = $2 and (contact_id = $3 or metadata -> 'cc' ? $4)
     limit 1`,
    [conversation.tenantId, conversation.id, contactId, identityValue.toLowerCase()],
    'is_thread_participant',
  );
  return rows.length > 0;
}

/** What threading needs of a conversation; the full row comes back from recordInboundActivities. */
export type ThreadedConversation = Pick<
  ConversationRow,
  'tenantId' | 'id' | 'contactId' | 'channelId' | 'status' | 'language' | 'lastActivityAt'
>;

const THREADED_COLUMNS = `conversation.tenant_id as "tenantId", conversation.id, conversation.contact_id as "contactId",
  conversation.channel_id as "channelId", conversation.status, conversation.language,
  conversation.last_activity_at as "lastActivityAt"`;

export interface ContactChannelKey {
  tenantId: string;
  contactId: string;
  channelId: string;
}

/*
 * Lookups go through one lateral index probe per key: a join against the unnest would let the planner pick a
 * hash join over the whole table, which it does for small tables, and an ingest target is often small and,
 * from updates, bloated.
 */

/**
 * The customers' open conversations on a channel (normally one each; the caller takes the most recently
 * active). Written so that even without statistics (PGlite has no autovacuum) the planner probes the
 * customer's index: with ORDER BY … LIMIT it walked the tenant's activity index instead, and with
 * `status = any(…)` the assignee index, both through every conversation of the tenant.
 */
export async function findOpenConversations(
  executor: SqlExecutor,
  keys: ContactChannelKey[],
): Promise<ThreadedConversation[]> {
  if (keys.length === 0) return [];
  const { rows } = await executor.executeSql(
    `select ${THREADED_COLUMNS}
     from unnest($1::uuid[], $2::uuid[], $3::uuid[]) as wanted(tenant_id, contact_id, channel_id)
     cross join lateral (
       select * from conversations
       where tenant_id = wanted.tenant_id and contact_id = wanted.contact_id and channel_id = wanted.channel_id
         and status not in ('resolved', 'closed')
     ) conversation`,
    [keys.map((key) => key.tenantId), keys.map((key) => key.contactId), keys.map((key) => key.channelId)],
    'find_open_conversations',
  );
  return rows;
}

/** Each customer's most recently resolved conversation on a channel, if resolved after the given time. */
export async function findReopenableConversations(
  executor: SqlExecutor,
  keys: (ContactChannelKey & { resolvedAfter: Date })[],
): Promise<ThreadedConversation[]> {
  if (keys.length === 0) return [];
  const { rows } = await executor.executeSql(
    `select ${THREADED_COLUMNS}
     from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::timestamptz[])
            as wanted(tenant_id, contact_id, channel_id, resolved_after)
     cross join lateral (
       select * from conversations
       where tenant_id = wanted.tenant_id and contact_id = wanted.contact_id and channel_id = wanted.channel_id
         and status = 'resolved' and resolved_at > wanted.resolved_after
       order by resolved_at desc limit 1
     ) conversation`,
    [
      keys.map((key) => key.tenantId),
      keys.map((key) => key.contactId),
      keys.map((key) => key.channelId),
      keys.map((key) => key.resolvedAfter.toISOString()),
    ],
    'find_reopenable_conversations',
  );
  return rows;
}

export interface NewConversation extends ContactChannelKey {
  id: string;
  subject: string | null;
  createdAt: Date;
}

export async function insertConversations(
  executor: SqlExecutor,
  entries: NewConversation[],
): Promise<ThreadedConversation[]> {
  if (entries.length === 0) return [];
  const { rows } = await executor.executeSql(
    `insert into conversations (tenant_id, id, contact_id, channel_id, status, subject, last_activity_at, created_at)
     select tenant_id, id, contact_id, channel_id, 'open', subject, created_at, created_at
     from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::timestamptz[])
            as entry(tenant_id, id, contact_id, channel_id, subject, created_at)
     order by created_at, id
     returning ${THREADED_COLUMNS.replaceAll('conversation.', '')}`,
    [
      entries.map((entry) => entry.tenantId),
      entries.map((entry) => entry.id),
      entries.map((entry) => entry.contactId),
      entries.map((entry) => entry.channelId),
      entries.map((entry) => entry.subject),
      entries.map((entry) => entry.createdAt.toISOString()),
    ],
    'insert_inbound_conversations',
  );
  return rows;
}

export interface InboundMessageValues {
  tenantId: string;
  id: string;
  conversationId: string;
  contactId: string;
  channelId: string;
  identityId: string;
  text: string;
  html: string | null;
  subject: string | null;
  externalId: string;
  language: string | null;
  metadata: Record<string, unknown>;
  createdAt: Date;
}

// Metadata travels as one JSON array: in a text[] every quote would be escaped on the way out and back.
const INSERT_INBOUND_MESSAGES = `insert into messages (tenant_id, id, conversation_id, contact_id, direction, kind,
                           channel_id, identity_id, text, html, subject, external_id, status, language, metadata,
                           created_at)
     select tenant_id, id, conversation_id, contact_id, 'inbound', 'message', channel_id, identity_id,
            text, html, subject, external_id, 'received', language, metadata.value::jsonb, created_at
     from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::uuid[], $7::text[], $8::text[],
                 $9::text[], $10::text[], $11::text[], $13::timestamptz[])
            with ordinality as message(tenant_id, id, conversation_id, contact_id, channel_id, identity_id, text,
                                       html, subject, external_id, language, created_at, position)
       join json_array_elements($12::json) with ordinality as metadata(value, position) using (position)
     order by position
     on conflict do nothing
     returning id`;
const INBOUND_MESSAGE_PARAMETERS = 13;

function inboundMessageParameters(values: InboundMessageValues[]): unknown[] {
  const column = <K extends keyof InboundMessageValues>(key: K) => values.map((message) => message[key]);
  return [
    column('tenantId'),
    column('id'),
    column('conversationId'),
    column('contactId'),
    column('channelId'),
    column('identityId'),
    column('text'),
    column('html'),
    column('subject'),
    column('externalId'),
    column('language'),
    JSON.stringify(values.map((message) => message.metadata)),
    values.map((message) => message.createdAt.toISOString()),
  ];
}

/**
 * Stores inbound messages; a message whose provider id is already stored is skipped (not returned). Only the
 * ids come back: the stored rows are exactly the values given plus the defaults of a received message.
 */
export async function insertInboundMessages(
  executor: SqlExecutor,
  values: InboundMessageValues[],
): Promise<MessageRow[]> {
  if (values.length === 0) return [];
  const { rows } = await executor.executeSql(
    INSERT_INBOUND_MESSAGES,
    inboundMessageParameters(values),
    'insert_inbound_messages',
  );
  const inserted = new Set(rows.map((row) => row.id as string));
  return values.filter((message) => inserted.has(message.id)).map(receivedMessage);
}

/**
 * Stores inbound messages and the outbox events that announce them in one statement, so a batch pays one
 * round trip for both. Answers the messages stored (a provider id stored before is skipped) and the events'
 * rows, for `outbox.publish`.
 */
export async function insertInboundMessagesWithEvents(
  executor: SqlExecutor,
  values: InboundMessageValues[],
  outbox: OutboxInsert,
): Promise<{ messages: MessageRow[]; events: { id: string; createdAt: Date }[] }> {
  const { rows } = await executor.executeSql(
    `with message as (${INSERT_INBOUND_MESSAGES}),
          event as (${outbox.sql(INBOUND_MESSAGE_PARAMETERS + 1)})
     select true as "isMessage", id::text as id, null::timestamptz as "createdAt" from message
     union all
     select false, id::text, "createdAt" from event`,
    [...inboundMessageParameters(values), ...outbox.values()],
    'insert_inbound_messages_with_events',
  );
  const inserted = new Set<string>();
  const events: { id: string; createdAt: Date }[] = [];
  for (const row of rows) {
    if (row.isMessage) inserted.add(row.id);
    else events.push({ id: row.id, createdAt: row.createdAt });
  }
  return { messages: values.filter((message) => inserted.has(message.id)).map(receivedMessage), events };
}

/**
 * The row a stored inbound message has: the values plus a received message's defaults. Written out field by
 * field: one fixed object shape for every row (a spread was a hot spot).
 */
export function receivedMessage(message: InboundMessageValues): MessageRow {
  return {
    tenantId: message.tenantId,
    id: message.id,
    conversationId: message.conversationId,
    contactId: message.contactId,
    direction: 'inbound',
    kind: 'message',
    channelId: message.channelId,
    identityId: message.identityId,
    authorUserId: null,
    text: message.text,
    html: message.html,
    subject: message.subject,
    externalId: message.externalId,
    status: 'received',
    statusReason: null,
    attempts: 0,
    nextAttemptAt: null,
    metadata: message.metadata,
    language: message.language,
    searchVector: null,
    createdAt: message.createdAt,
    sentAt: null,
    deliveredAt: null,
    readAt: null,
    failedAt: null,
  };
}

/** What a batch's inbound messages did to one conversation. */
export interface InboundActivity {
  tenantId: string;
  conversationId: string;
  /** The first message's time: the conversation waits for an answer since then, unless it already did. */
  firstAt: Date;
  /** The last message's time, channel, identity and preview. */
  lastAt: Date;
  channelId: string;
  identityId: string;
  preview: string;
  count: number;
  /** Filled in only where the conversation has none yet. */
  subject: string | null;
  language: string | null;
}

/**
 * Inbound messages arrived: each conversation is open again, waits for an answer, counts the messages and
 * remembers where the customer last wrote from. Answers the updated rows.
 */
export async function recordInboundActivities(
  executor: SqlExecutor,
  activities: InboundActivity[],
): Promise<ConversationRow[]> {
  if (activities.length === 0) return [];
  // In id order, so concurrent batches touching the same conversations cannot deadlock.
  activities = [...activities].sort((left, right) =>
    left.conversationId < right.conversationId ? -1 : left.conversationId > right.conversationId ? 1 : 0,
  );
  const column = <K extends keyof InboundActivity>(key: K) => activities.map((activity) => activity[key]);
  const { rows } = await executor.executeSql(
    `update conversations conversation
     set status = 'open', snoozed_until = null, resolved_at = null, last_activity_at = activity.last_at,
         waiting_since = coalesce(conversation.waiting_since, activity.first_at),
         last_inbound_channel_id = activity.channel_id, last_inbound_identity_id = activity.identity_id,
         last_message_preview = activity.preview, message_count = conversation.message_count + activity.count,
         subject = coalesce(conversation.subject, activity.subject),
         language = coalesce(conversation.language, activity.language), updated_at = activity.last_at
     from unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::timestamptz[], $5::uuid[], $6::uuid[], $7::text[],
                 $8::int[], $9::text[], $10::text[])
            as activity(tenant_id, id, first_at, last_at, channel_id, identity_id, preview, count, subject, language)
     where conversation.tenant_id = activity.tenant_id and conversation.id = activity.id
     returning ${selectList(conversations, { alias: 'conversation' })}`,
    [
      column('tenantId'),
      column('conversationId'),
      activities.map((activity) => activity.firstAt.toISOString()),
      activities.map((activity) => activity.lastAt.toISOString()),
      column('channelId'),
      column('identityId'),
      column('preview'),
      column('count'),
      column('subject'),
      column('language'),
    ],
    'record_inbound_activities',
  );
  return rows;
}
