import { and, asc, eq, isNotNull, lt } from 'drizzle-orm';
import type { OutboundMessage } from '../../channels/adapter.ts';
import type { Platform } from '../../platform/context.ts';
import { contactById, identityById } from '../contacts/contact-lookup.ts';
import { memberById } from '../users/member-lookup.ts';
import type { MessageRow } from './conversation.presenter.ts';
import * as repository from './conversation.repository.ts';
import { messages } from './conversations.tables.ts';

/** What a channel adapter needs to send one stored reply: recipient, thread references, attachments, author. */
export async function buildOutboundMessage(
  platform: Platform,
  message: MessageRow,
): Promise<OutboundMessage | undefined> {
  const { db } = platform.database;
  if (!message.identityId || !message.channelId) return undefined;
  const identity = await identityById(db, message.tenantId, message.identityId);
  if (!identity) return undefined;
  const [conversation, contact, files, earlier, author] = await Promise.all([
    repository.findConversation(db, message.tenantId, message.conversationId),
    contactById(db, message.tenantId, message.contactId),
    repository.attachmentsOf(db, message.tenantId, [message.id]),
    db
      .select({ externalId: messages.externalId, direction: messages.direction })
      .from(messages)
      .where(
        and(
          eq(messages.tenantId, message.tenantId),
          eq(messages.conversationId, message.conversationId),
          eq(messages.channelId, message.channelId),
          lt(messages.createdAt, message.createdAt),
          isNotNull(messages.externalId),
        ),
      )
      .orderBy(asc(messages.createdAt))
      .limit(100),
    // The name this tenant knows the author by (a tenant's admin may have set it), not the account's.
    message.authorUserId
      ? memberById(db, message.tenantId, message.authorUserId)
      : Promise.resolve(undefined),
  ]);
  const lastInbound = earlier.filter((entry) => entry.direction === 'inbound').at(-1);
  const cc = Array.isArray(message.metadata.cc) ? (message.metadata.cc as string[]) : [];
  return {
    id: message.id,
    conversationId: message.conversationId,
    conversationNumber: conversation?.number ?? 0,
    to: { kind: identity.kind, value: identity.value, name: contact?.name ?? null },
    text: message.text,
    html: message.html,
    subject: message.subject ?? conversation?.subject ?? null,
    attachments: await Promise.all(
      files.map(async (file) => ({
        filename: file.filename,
        contentType: file.contentType,
        size: file.size,
        data: await platform.storage.get(file.storageKey),
      })),
    ),
    inReplyToExternalId: lastInbound?.externalId ?? null,
    references: earlier.map((entry) => entry.externalId!),
    cc,
    author: author ?? null,
  };
}
