import { z } from 'zod';
import { IDENTITY_KINDS } from '../../modules/contacts/contacts.tables.ts';

/** `t=<unix seconds>,sha256=<hex HMAC-SHA256 of "<t>.<raw body>">` in both directions (see signApiBody). */
export const API_SIGNATURE_HEADER = 'x-unisono-signature';
/** How far a signature's timestamp may be from the receiver's clock, either way: the replay window. */
export const API_SIGNATURE_TOLERANCE_SECONDS = 300;

export const ApiChannelSettings = z.object({
  webhookUrl: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe('Where outbound messages are POSTed'),
  signingSecret: z
    .string()
    .min(16)
    .optional()
    .describe('HMAC-SHA256 key for both directions; generated when empty'),
});
export type ApiChannelSettings = z.infer<typeof ApiChannelSettings>;

const Identity = z.object({
  kind: z.enum(IDENTITY_KINDS).default('api'),
  value: z.string().trim().min(1).max(320),
  name: z.string().trim().max(200).optional(),
});

const Attachment = z.object({
  filename: z.string().min(1).max(255),
  contentType: z.string().min(3).max(255).default('application/octet-stream'),
  data: z.base64().describe('file content, base64'),
});

/** An inbound customer message posted to the API channel. */
export const ApiInboundMessage = z.object({
  type: z.literal('message').default('message'),
  id: z.string().min(1).max(255).describe('your unique id for this message; re-sending it is harmless'),
  from: Identity,
  text: z.string().max(100_000).default(''),
  html: z.string().max(500_000).optional(),
  subject: z.string().max(998).optional(),
  threadId: z
    .string()
    .min(1)
    .max(255)
    .optional()
    .describe('your conversation key; same key, same conversation'),
  sentAt: z.iso.datetime({ offset: true }).optional(),
  attachments: z.array(Attachment).max(20).default([]),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

/** A delivery report for a message Unisono sent to your webhook. */
export const ApiStatusUpdate = z
  .object({
    type: z.literal('status'),
    messageId: z.uuid().optional().describe('Unisono message id (from the outbound POST)'),
    externalId: z.string().min(1).max(255).optional().describe('your id for it, if you returned one'),
    status: z.enum(['delivered', 'read', 'failed']),
    reason: z.string().max(1000).optional(),
  })
  .refine((update) => update.messageId || update.externalId, {
    message: 'messageId or externalId is required',
  });

export const ApiInboundItem = z.union([ApiStatusUpdate, ApiInboundMessage]);
export const ApiInboundBatch = z.object({ events: z.array(ApiInboundItem).min(1).max(100) });
/** One message, one status report, or `{ events: [...] }` with up to 100 of either. */
export const ApiInboundPayload = z.union([ApiInboundBatch, ApiInboundItem]);

/** The body Unisono POSTs to the channel's webhookUrl for every outbound message. */
export const ApiOutboundPayload = z.object({
  type: z.literal('message'),
  id: z.string(),
  conversationId: z.string(),
  conversationNumber: z.number(),
  to: z.object({ kind: z.string(), value: z.string(), name: z.string().nullish() }),
  text: z.string(),
  html: z.string().nullish(),
  subject: z.string().nullish(),
  inReplyTo: z.string().nullish(),
  author: z.object({ id: z.string(), name: z.string() }).nullish(),
  attachments: z.array(
    z.object({ filename: z.string(), contentType: z.string(), size: z.number(), data: z.string() }),
  ),
});
