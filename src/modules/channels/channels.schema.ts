import { z } from 'zod';

export const ChannelView = z.object({
  id: z.uuid(),
  kind: z.string(),
  name: z.string(),
  enabled: z.boolean(),
  settings: z.record(z.string(), z.unknown()).describe('non-secret settings'),
  secretSettings: z
    .array(z.string())
    .describe('names of secret settings that are set (values never returned)'),
  inboundUrl: z.string().describe('where the provider posts inbound messages and status reports'),
  status: z
    .enum(['ok', 'auth_failed', 'unreachable', 'error'])
    .describe('health of the connection, as last seen'),
  statusDetail: z.string().nullable(),
  statusChangedAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type ChannelView = z.infer<typeof ChannelView>;

export const CreateChannelBody = z.object({
  kind: z.string().min(1).max(32),
  name: z.string().trim().min(1).max(100),
  settings: z.record(z.string(), z.unknown()).default({}),
});
export type CreateChannelBody = z.infer<typeof CreateChannelBody>;

export const CreatedChannelView = ChannelView.extend({
  secrets: z.record(z.string(), z.string()).describe('secret settings, shown once at creation'),
});

export const UpdateChannelBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    enabled: z.boolean(),
    settings: z.record(z.string(), z.unknown()).describe('merged into the current settings'),
  })
  .partial()
  .strict();
export type UpdateChannelBody = z.infer<typeof UpdateChannelBody>;

export const ChannelParams = z.object({ id: z.uuid() });
