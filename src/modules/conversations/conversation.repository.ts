import { and, desc, eq, gt, inArray, isNotNull, type SQL, sql } from 'drizzle-orm';
import type { Drizzle, SqlExecutor } from '../../platform/db/database.ts';
import { attachments, contacts, conversations, messages } from '../../platform/db/schema.ts';
import { selectList } from '../../platform/db/select-list.ts';
import type { AttachmentRow, ConversationRow, MessageRow } from './conversation.presenter.ts';

const OPEN_STATUSES = ['open', 'pending', 'snoozed'] as const;

/** The customer's open conversation on a channel: asked for nearly every inbound message, so prepared. */
export async function findOpenConversation(
  executor: SqlExecutor,
  tenantId: string,
  contactId: string,
  channelId: string,
): Promise<ConversationRow | undefined> {
  const { rows } = await executor.executeSql(
    `select ${selectList(conversations)} from conversations
     where tenant_id = $1 and contact_id = $2 and channel_id = $3 and status = any($4::text[])
     order by last_activity_at desc limit 1`,
    [tenantId, contactId, channelId, [...OPEN_STATUSES]],
    'find_open_conversation',
  );
  return rows[0];
}

export async function findReopenableConversation(
  db: Drizzle,
  tenantId: string,
  contactId: string,
  channelId: string,
  resolvedAfter: Date,
) {
  const [row] = await db
    .select()
    .from(conversations)
    .where(
      and(
        eq(conversations.tenantId, tenantId),
        eq(conversations.contactId, contactId),
        eq(conversations.channelId, channelId),
        eq(conversations.status, 'resolved'),
        isNotNull(conversations.resolvedAt),
        gt(conversations.resolvedAt, resolvedAfter),
      ),
    )
    .orderBy(desc(conversations.resolvedAt))
    .limit(1);
  return row;
}

export async function findByThreadKey(db: Drizzle, tenantId: string, channelId: string, threadKey: string) {
  const [row] = await db
    .select()
    .from(conversations)
    .where(
      and(
        eq(conversations.tenantId, tenantId),
        eq(conversations.channelId, channelId),
        eq(conversations.externalThreadId, threadKey),
      ),
    );
  return row;
}

export async function findConversation(
  db: Drizzle,
  tenantId: string,
  conversationId: string,
  forUpdate = false,
) {
  const query = db
    .select()
    .from(conversations)
    .where(and(eq(conversations.tenantId, tenantId), eq(conversations.id, conversationId)));
  const [row] = forUpdate ? await query.for('update') : await query;
  return row;
}

export async function contactNames(
  db: Drizzle,
  tenantId: string,
  contactIds: string[],
): Promise<Map<string, string | null>> {
  if (contactIds.length === 0) return new Map();
  const rows = await db
    .select({ id: contacts.id, name: contacts.name })
    .from(contacts)
    .where(and(eq(contacts.tenantId, tenantId), inArray(contacts.id, [...new Set(contactIds)])));
  return new Map(rows.map((row) => [row.id, row.name]));
}

export async function updateConversation(
  db: Drizzle,
  tenantId: string,
  conversationId: string,
  values: Partial<ConversationRow> | Record<string, unknown>,
): Promise<ConversationRow> {
  const [row] = await db
    .update(conversations)
    .set({ ...values, updatedAt: new Date() } as any)
    .where(and(eq(conversations.tenantId, tenantId), eq(conversations.id, conversationId)))
    .returning();
  return row!;
}

export async function listConversations(
  db: Drizzle,
  tenantId: string,
  filters: (SQL | undefined)[],
  order: SQL[],
  limit: number,
): Promise<(ConversationRow & { contactName: string | null })[]> {
  const rows = await db
    .select({ conversation: conversations, contactName: contacts.name })
    .from(conversations)
    .innerJoin(
      contacts,
      and(eq(contacts.tenantId, conversations.tenantId), eq(contacts.id, conversations.contactId)),
    )
    .where(and(eq(conversations.tenantId, tenantId), ...filters))
    .orderBy(...order)
    .limit(limit);
  return rows.map((row) => ({ ...row.conversation, contactName: row.contactName }));
}

export async function listMessages(
  db: Drizzle,
  tenantId: string,
  conversationId: string,
  limit: number,
  before?: { createdAt: Date; id: string },
): Promise<MessageRow[]> {
  const rows = await db
    .select()
    .from(messages)
    .where(
      and(
        eq(messages.tenantId, tenantId),
        eq(messages.conversationId, conversationId),
        before
          ? sql`(${messages.createdAt}, ${messages.id}) < (${before.createdAt}, ${before.id})`
          : undefined,
      ),
    )
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(limit);
  return rows.reverse();
}

export async function findMessage(db: Drizzle, tenantId: string, messageId: string) {
  const [row] = await db
    .select()
    .from(messages)
    .where(and(eq(messages.tenantId, tenantId), eq(messages.id, messageId)));
  return row;
}

export async function attachmentsOf(
  db: Drizzle,
  tenantId: string,
  messageIds: string[],
): Promise<AttachmentRow[]> {
  if (messageIds.length === 0) return [];
  return db
    .select()
    .from(attachments)
    .where(and(eq(attachments.tenantId, tenantId), inArray(attachments.messageId, messageIds)))
    .orderBy(attachments.createdAt);
}

export async function findAttachment(db: Drizzle, tenantId: string, attachmentId: string) {
  const [row] = await db
    .select()
    .from(attachments)
    .where(and(eq(attachments.tenantId, tenantId), eq(attachments.id, attachmentId)));
  return row;
}

/** The conversation of the newest message whose provider id is one of the given ones. */
export async function findConversationByMessageExternalId(
  db: Drizzle,
  tenantId: string,
  externalIds: string[],
) {
  const [row] = await db
    .select({ conversation: conversations })
    .from(messages)
    .innerJoin(
      conversations,
      and(eq(conversations.tenantId, messages.tenantId), eq(conversations.id, messages.conversationId)),
    )
    .where(and(eq(messages.tenantId, tenantId), inArray(messages.externalId, externalIds.slice(-50))))
    .orderBy(desc(messages.createdAt))
    .limit(1);
  return row?.conversation;
}

export async function findConversationByNumber(db: Drizzle, tenantId: string, number: number) {
  const [row] = await db
    .select()
    .from(conversations)
    .where(and(eq(conversations.tenantId, tenantId), eq(conversations.number, number)));
  return row;
}

/** Whether an identity value was addressed on the conversation (e.g. in CC). */
export async function isParticipant(db: Drizzle, conversation: ConversationRow, identityValue: string) {
  const [row] = await db
    .select({ id: messages.id })
    .from(messages)
    .where(
      and(
        eq(messages.tenantId, conversation.tenantId),
        eq(messages.conversationId, conversation.id),
        sql`${messages.metadata} -> 'cc' ? ${identityValue.toLowerCase()}`,
      ),
    )
    .limit(1);
  return Boolean(row);
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

/** Stores an inbound message; undefined when its external id is already stored (a duplicate). Prepared. */
export async function insertInboundMessage(
  executor: SqlExecutor,
  message: InboundMessageValues,
): Promise<MessageRow | undefined> {
  const { rows } = await executor.executeSql(
    `insert into messages (tenant_id, id, conversation_id, contact_id, direction, kind, channel_id, identity_id,
                           text, html, subject, external_id, status, language, metadata, created_at)
     values ($1, $2, $3, $4, 'inbound', 'message', $5, $6, $7, $8, $9, $10, 'received', $11, $12::jsonb, $13)
     on conflict do nothing
     returning ${selectList(messages, { except: ['searchVector'] })}`,
    [
      message.tenantId,
      message.id,
      message.conversationId,
      message.contactId,
      message.channelId,
      message.identityId,
      message.text,
      message.html,
      message.subject,
      message.externalId,
      message.language,
      JSON.stringify(message.metadata),
      message.createdAt,
    ],
    'insert_inbound_message',
  );
  return rows[0];
}

/**
 * An inbound message arrived: the conversation is open again, waits for an answer, counts the message and
 * remembers where the customer wrote from. Subject and language are only filled in when still unset.
 */
export async function recordInboundActivity(
  executor: SqlExecutor,
  tenantId: string,
  conversationId: string,
  activity: {
    at: Date;
    channelId: string;
    identityId: string;
    preview: string;
    subject: string | null;
    language: string | null;
  },
): Promise<ConversationRow> {
  const { rows } = await executor.executeSql(
    `update conversations
     set status = 'open', snoozed_until = null, resolved_at = null, last_activity_at = $3,
         waiting_since = coalesce(waiting_since, $3), last_inbound_channel_id = $4,
         last_inbound_identity_id = $5, last_message_preview = $6, message_count = message_count + 1,
         subject = coalesce(subject, $7), language = coalesce(language, $8), updated_at = $3
     where tenant_id = $1 and id = $2
     returning ${selectList(conversations)}`,
    [
      tenantId,
      conversationId,
      activity.at,
      activity.channelId,
      activity.identityId,
      activity.preview,
      activity.subject,
      activity.language,
    ],
    'record_inbound_activity',
  );
  if (!rows[0]) throw new Error(`conversation ${conversationId} vanished`);
  return rows[0];
}
