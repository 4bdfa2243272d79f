import { z } from 'zod';
import { patchOf } from '../../platform/http/patch-body.ts';
import { IdentityKind } from '../contacts/contacts.schema.ts';
import { ConversationStatus, Priority } from '../conversations/conversations.schema.ts';

/** The filters of an inbox view; the same vocabulary as GET /conversations. */
export const ViewFilters = z
  .object({
    assignee: z.union([z.literal('me'), z.literal('none'), z.uuid()]),
    team: z.union([z.literal('none'), z.uuid()]),
    channel: z.uuid(),
    status: z.array(ConversationStatus).min(1).max(5),
    label: z.string().min(1).max(64),
    priority: z.array(Priority).min(1).max(4),
    sort: z.enum(['last_activity', 'waiting', 'priority']),
  })
  .partial()
  .strict();
export type ViewFilters = z.infer<typeof ViewFilters>;

export const SavedView = z.object({
  id: z.uuid(),
  name: z.string(),
  filters: ViewFilters,
  position: z.number().int(),
  createdAt: z.iso.datetime(),
});
export type SavedView = z.infer<typeof SavedView>;

export const SavedViewBody = z.object({
  name: z.string().trim().min(1).max(80),
  filters: ViewFilters,
  position: z.number().int().min(0).max(10_000).default(0),
});
export type SavedViewBody = z.infer<typeof SavedViewBody>;

export const UpdateSavedViewBody = patchOf(SavedViewBody);
export type UpdateSavedViewBody = z.infer<typeof UpdateSavedViewBody>;

const countMap = z.record(z.string(), z.number().int());

export const InboxCounts = z.object({
  views: z
    .object({ mine: z.number().int(), unassigned: z.number().int(), all: z.number().int() })
    .describe('open conversations per standard view'),
  teams: countMap.describe('open conversations per team id ("none" = without team)'),
  channels: countMap.describe('open conversations per channel id'),
  statuses: countMap.describe('visible conversations per status'),
  labels: countMap.describe('open conversations per label'),
  priorities: countMap.describe('open conversations per priority'),
  savedViews: countMap.describe("conversations per saved view id (the view's own status filter, else open)"),
});
export type InboxCounts = z.infer<typeof InboxCounts>;

export const InboxSearchQuery = z.object({
  q: z.string().trim().min(1).max(200).describe('#number, customer name or identity, subject or text'),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

export const ChannelKindView = z.object({
  kind: z.string(),
  displayName: z.string(),
  reachableIdentityKinds: z.union([z.literal('any'), z.array(IdentityKind)]),
});
export type ChannelKindView = z.infer<typeof ChannelKindView>;

export const SavedViewParams = z.object({ id: z.uuid() });
