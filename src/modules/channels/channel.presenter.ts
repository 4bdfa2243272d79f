import type { ChannelView } from './channels.schema.ts';
import type { channels } from './channels.tables.ts';

export type ChannelRow = typeof channels.$inferSelect;

export function presentChannel(channel: ChannelRow, secretNames: string[], baseUrl: string): ChannelView {
  return {
    id: channel.id,
    kind: channel.kind,
    name: channel.name,
    enabled: channel.enabled,
    settings: channel.config,
    secretSettings: secretNames,
    inboundUrl: `${baseUrl}/api/v1/inbound/${channel.id}`,
    status: channel.status,
    statusDetail: channel.statusDetail,
    statusChangedAt: channel.statusChangedAt?.toISOString() ?? null,
    createdAt: channel.createdAt.toISOString(),
    updatedAt: channel.updatedAt.toISOString(),
  };
}
