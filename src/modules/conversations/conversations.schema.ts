import { z } from 'zod';
import { CursorQuery } from '../../platform/http/cursor.ts';
import { CONVERSATION_STATUSES, MESSAGE_STATUSES, PRIORITIES } from './conversations.tables.ts';

export const ConversationStatus = z.enum(CONVERSATION_STATUSES);
export const Priority = z.enum(PRIORITIES);

export const ConversationView = z.object({
  id: z.uuid(),
  number: z.number().int(),
  status: ConversationStatus,
  snoozedUntil: z.iso.datetime().nullable(),
  priority: Priority,
  contact: z.object({ id: z.uuid(), name: z.string().nullable() }),
  channelId: z.uuid().describe('the channel the conversation was opened on'),
  lastInboundChannelId: z.uuid().nullable(),
  preferredChannelId: z
    .uuid()
    .nullable()
    .describe("the customer's preferred reply channel for this conversation"),
  relatedConversationId: z
    .uuid()
    .nullable()
    .describe(
      "the conversation the first message pointed at (reply address, In-Reply-To, number) but could not join: its sender is not that conversation's customer or participant",
    ),
  assigneeId: z.uuid().nullable(),
  teamId: z.uuid().nullable(),
  labels: z.array(z.string()),
  language: z.string().nullable(),
  subject: z.string().nullable(),
  customAttributes: z.record(z.string(), z.unknown()),
  lastMessagePreview: z.string().nullable(),
  messageCount: z.number().int(),
  firstResponseAt: z.iso.datetime().nullable(),
  lastActivityAt: z.iso.datetime(),
  waitingSince: z.iso.datetime().nullable(),
  resolvedAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type ConversationView = z.infer<typeof ConversationView>;

export const AttachmentView = z.object({
  id: z.uuid(),
  filename: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  contentId: z.string().nullable(),
  inline: z.boolean(),
  url: z.string(),
});

export const MessageView = z.object({
  id: z.uuid(),
  conversationId: z.uuid(),
  contactId: z.uuid(),
  direction: z.enum(['inbound', 'outbound']),
  kind: z.enum(['message', 'note', 'activity']),
  channelId: z.uuid().nullable(),
  identityId: z.uuid().nullable(),
  authorUserId: z.uuid().nullable(),
  text: z.string(),
  html: z.string().nullable(),
  subject: z.string().nullable(),
  externalId: z.string().nullable(),
  status: z.enum(MESSAGE_STATUSES).nullable(),
  statusReason: z.string().nullable(),
  attempts: z.number().int(),
  nextAttemptAt: z.iso.datetime().nullable(),
  attachments: z.array(AttachmentView),
  metadata: z.record(z.string(), z.unknown()),
  createdAt: z.iso.datetime(),
  sentAt: z.iso.datetime().nullable(),
  deliveredAt: z.iso.datetime().nullable(),
  readAt: z.iso.datetime().nullable(),
  failedAt: z.iso.datetime().nullable(),
});
export type MessageView = z.infer<typeof MessageView>;

const csv = <T extends z.ZodType<unknown, string>>(item: T) =>
  z
    .union([z.string(), z.array(z.string())])
    .transform((value) =>
      (Array.isArray(value) ? value : value.split(',')).map((entry) => entry.trim()).filter(Boolean),
    )
    .pipe(z.array(item));

export const ConversationListQuery = z.object({
  status: csv(ConversationStatus).optional().describe('comma-separated statuses'),
  assignee: z.union([z.literal('me'), z.literal('none'), z.uuid()]).optional(),
  team: z.union([z.literal('none'), z.uuid()]).optional(),
  channel: z.uuid().optional(),
  contact: z.uuid().optional(),
  label: z.string().min(1).max(64).optional(),
  priority: csv(Priority).optional(),
  sort: z.enum(['last_activity', 'waiting', 'priority']).default('last_activity'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: CursorQuery.optional(),
});
export type ConversationListQuery = z.infer<typeof ConversationListQuery>;

const label = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[^,\s][^,]*$/, 'must not contain commas');

export const UpdateConversationBody = z
  .object({
    status: ConversationStatus,
    snoozedUntil: z.iso.datetime({ offset: true }).nullable(),
    priority: Priority,
    assigneeId: z.uuid().nullable(),
    teamId: z.uuid().nullable(),
    labels: z.array(label).max(50),
    preferredChannelId: z.uuid().nullable(),
    subject: z.string().max(998).nullable(),
    language: z
      .string()
      .regex(/^[a-z]{2,3}$/)
      .nullable(),
    customAttributes: z.record(z.string().max(64), z.unknown()),
  })
  .partial()
  .strict()
  .refine((body) => body.status !== 'snoozed' || body.snoozedUntil, {
    message: 'snoozedUntil is required when snoozing',
    path: ['snoozedUntil'],
  });
export type UpdateConversationBody = z.infer<typeof UpdateConversationBody>;

export const ReplyBody = z
  .object({
    text: z.string().max(100_000).default(''),
    html: z.string().max(500_000).optional(),
    subject: z.string().max(998).optional(),
    channelId: z
      .uuid()
      .optional()
      .describe('reply channel; default: preferred, else the last inbound channel'),
    identityId: z.uuid().optional().describe("which of the customer's identities to send to"),
    cc: z
      .array(z.email())
      .max(50)
      .default([])
      .describe('additional recipients, for channels that support them (email)'),
    attachments: z
      .array(
        z.object({
          filename: z.string().min(1).max(255),
          contentType: z.string().min(3).max(255),
          data: z.base64(),
        }),
      )
      .max(20)
      .default([]),
  })
  .refine((body) => body.text.trim().length > 0 || body.attachments.length > 0 || body.html, {
    message: 'a reply needs text, html or an attachment',
    path: ['text'],
  });
export type ReplyBody = z.infer<typeof ReplyBody>;

export const NoteBody = z.object({ text: z.string().trim().min(1).max(100_000) });

export const ConversationParams = z.object({ id: z.uuid() });
export const MessageParams = z.object({ id: z.uuid(), messageId: z.uuid() });
export const MessageListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.uuid().optional().describe('message id; returns older messages'),
});
