import { and, desc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { Drizzle } from '../../platform/db/database.ts';
import { contacts } from '../contacts/contacts.tables.ts';
import type { AttachmentRow, ConversationRow, MessageRow } from './conversation.presenter.ts';
import { attachments, conversations, messages } from './conversations.tables.ts';

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
