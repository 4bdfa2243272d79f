import type { ConversationView, MessageView } from './conversations.schema.ts';
import type { attachments, conversations, messages } from './conversations.tables.ts';

export type ConversationRow = typeof conversations.$inferSelect;
export type MessageRow = typeof messages.$inferSelect;
export type AttachmentRow = typeof attachments.$inferSelect;

const iso = (date: Date | null) => date?.toISOString() ?? null;

export function presentConversation(
  conversation: ConversationRow,
  contactName: string | null,
): ConversationView {
  return {
    id: conversation.id,
    number: conversation.number,
    status: conversation.status,
    snoozedUntil: iso(conversation.snoozedUntil),
    priority: conversation.priority,
    contact: { id: conversation.contactId, name: contactName },
    channelId: conversation.channelId,
    lastInboundChannelId: conversation.lastInboundChannelId,
    preferredChannelId: conversation.preferredChannelId,
    relatedConversationId: conversation.relatedConversationId,
    assigneeId: conversation.assigneeId,
    teamId: conversation.teamId,
    labels: conversation.labels,
    language: conversation.language,
    subject: conversation.subject,
    customAttributes: conversation.customAttributes,
    lastMessagePreview: conversation.lastMessagePreview,
    messageCount: conversation.messageCount,
    firstResponseAt: iso(conversation.firstResponseAt),
    lastActivityAt: conversation.lastActivityAt.toISOString(),
    waitingSince: iso(conversation.waitingSince),
    resolvedAt: iso(conversation.resolvedAt),
    createdAt: conversation.createdAt.toISOString(),
    updatedAt: conversation.updatedAt.toISOString(),
  };
}

export function presentMessage(message: MessageRow, files: AttachmentRow[] = []): MessageView {
  return {
    id: message.id,
    conversationId: message.conversationId,
    contactId: message.contactId,
    direction: message.direction,
    kind: message.kind,
    channelId: message.channelId,
    identityId: message.identityId,
    authorUserId: message.authorUserId,
    text: message.text,
    html: message.html,
    subject: message.subject,
    externalId: message.externalId,
    status: message.status,
    statusReason: message.statusReason,
    attempts: message.attempts,
    nextAttemptAt: iso(message.nextAttemptAt),
    attachments: files.map((file) => ({
      id: file.id,
      filename: file.filename,
      contentType: file.contentType,
      size: file.size,
      contentId: file.contentId,
      inline: file.inline,
      url: `/api/v1/attachments/${file.id}`,
    })),
    metadata: message.metadata,
    createdAt: message.createdAt.toISOString(),
    sentAt: iso(message.sentAt),
    deliveredAt: iso(message.deliveredAt),
    readAt: iso(message.readAt),
    failedAt: iso(message.failedAt),
  };
}

export function previewOf(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 140 ? `${flat.slice(0, 139)}…` : flat;
}
