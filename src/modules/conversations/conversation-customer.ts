import { and, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../../platform/db/database.ts';
import type { EventBus } from '../../platform/events/domain-events.ts';
import { recordEvents } from '../../platform/events/domain-events.ts';
import { audienceOf } from './conversation.policy.ts';
import { presentConversation } from './conversation.presenter.ts';
import { conversations, messages } from './conversations.tables.ts';

/** Messages updated per statement when moving by id (a parameter list, kept well under protocol limits). */
const MESSAGE_CHUNK = 5_000;

/** Which conversations and messages change customer: all of a contact's, or exactly these (an undo). */
export type CustomerMove = { fromContactId: string } | { conversationIds: string[]; messageIds: string[] };

/**
 * Gives conversations and their messages another customer, for the contact merge and its undo: the
 * conversations module owns these tables, so the contacts module asks here instead of writing them.
 * Announce the change with `announceCustomerChange` once the customer's name is settled.
 */
export async function moveConversationsToContact(
  tx: Tx,
  tenantId: string,
  move: CustomerMove,
  toContactId: string,
): Promise<{ conversationIds: string[]; messageIds: string[] }> {
  const to = { contactId: toContactId };
  if ('fromContactId' in move) {
    const moved = await tx.db
      .update(conversations)
      .set(to)
      .where(and(eq(conversations.tenantId, tenantId), eq(conversations.contactId, move.fromContactId)))
      .returning({ id: conversations.id });
    const movedMessages = await tx.db
      .update(messages)
      .set(to)
      .where(and(eq(messages.tenantId, tenantId), eq(messages.contactId, move.fromContactId)))
      .returning({ id: messages.id });
    return { conversationIds: moved.map((row) => row.id), messageIds: movedMessages.map((row) => row.id) };
  }
  if (move.conversationIds.length > 0) {
    await tx.db
      .update(conversations)
      .set(to)
      .where(and(eq(conversations.tenantId, tenantId), inArray(conversations.id, move.conversationIds)));
  }
  for (let index = 0; index < move.messageIds.length; index += MESSAGE_CHUNK) {
    await tx.db
      .update(messages)
      .set(to)
      .where(
        and(
          eq(messages.tenantId, tenantId),
          inArray(messages.id, move.messageIds.slice(index, index + MESSAGE_CHUNK)),
        ),
      );
  }
  return { conversationIds: move.conversationIds, messageIds: move.messageIds };
}

/**
 * A `conversation.updated` event for each of these conversations, with the customer's (new) name, so open
 * inboxes and other listeners see the conversation under its customer.
 */
export async function announceCustomerChange(
  tx: Tx,
  bus: EventBus,
  tenantId: string,
  conversationIds: string[],
  contactName: string | null,
): Promise<void> {
  if (conversationIds.length === 0) return;
  const rows = await tx.db
    .select()
    .from(conversations)
    .where(and(eq(conversations.tenantId, tenantId), inArray(conversations.id, conversationIds)));
  await recordEvents(
    tx,
    bus,
    rows.map((conversation) => ({
      tenantId,
      type: 'conversation.updated',
      entityType: 'conversation',
      entityId: conversation.id,
      payload: presentConversation(conversation, contactName),
      audience: audienceOf(conversation),
    })),
  );
}
