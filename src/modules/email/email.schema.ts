import { z } from 'zod';
import { FAILED_INBOUND_REASONS, FAILED_INBOUND_SOURCES, FAILED_INBOUND_STATUSES } from './email.tables.ts';

export const FailedInboundEmailView = z.object({
  id: z.uuid(),
  channelId: z.uuid(),
  source: z.enum(FAILED_INBOUND_SOURCES),
  reason: z
    .enum(FAILED_INBOUND_REASONS)
    .describe(
      'unparseable: could not be turned into a message; flood: sender limit; loop: our own mail came back; ' +
        'report: a delivery/abuse report that updates no message of ours',
    ),
  error: z.string(),
  sender: z.string().nullable(),
  subject: z.string().nullable(),
  size: z.number(),
  envelope: z.object({ from: z.string().optional(), to: z.array(z.string()) }),
  status: z.enum(FAILED_INBOUND_STATUSES),
  attempts: z.number(),
  messageId: z.uuid().nullable().describe('the stored message, once re-processed'),
  conversationId: z.uuid().nullable(),
  rawUrl: z.string().describe('download of the raw RFC 822 bytes'),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type FailedInboundEmailView = z.infer<typeof FailedInboundEmailView>;

export const FailedInboundListQuery = z.object({
  status: z.enum(FAILED_INBOUND_STATUSES).default('pending'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type FailedInboundListQuery = z.infer<typeof FailedInboundListQuery>;

export const FailedInboundParams = z.object({ id: z.uuid() });
