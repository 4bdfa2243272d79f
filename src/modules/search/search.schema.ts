import { z } from 'zod';
import { ContactView } from '../contacts/contacts.schema.ts';
import { ConversationStatus } from '../conversations/conversations.schema.ts';

export const SearchQuery = z.object({
  q: z.string().trim().min(1).max(200),
  scope: z.enum(['all', 'contacts', 'messages']).default('all'),
  channel: z.uuid().optional(),
  status: ConversationStatus.optional().describe('status of the conversation a message belongs to'),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type SearchQuery = z.infer<typeof SearchQuery>;

export const MessageHitView = z.object({
  messageId: z.uuid(),
  conversationId: z.uuid(),
  conversationNumber: z.number().int(),
  contactId: z.uuid(),
  contactName: z.string().nullable(),
  channelId: z.uuid().nullable(),
  direction: z.enum(['inbound', 'outbound']),
  kind: z.string(),
  createdAt: z.iso.datetime(),
  rank: z.number(),
  snippet: z.string().describe('matching words wrapped in <mark>…</mark>; everything else HTML-escaped'),
});

export const SearchResultView = z.object({
  contacts: z.array(ContactView),
  messages: z.array(MessageHitView),
});
