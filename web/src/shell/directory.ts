import { useMemo } from 'react';
import { useChannelKinds, useChannels, useLabels, useTeams, useUsers } from '../api/queries.ts';
import type { Channel, Label, Team, User } from '../api/types.ts';

/** Lookups the workspace needs everywhere: who is who, which channel is which. */
export function useDirectory() {
  const users = useUsers().data?.items;
  const teams = useTeams().data?.items;
  const channels = useChannels().data?.items;
  const labels = useLabels().data?.items;
  const kinds = useChannelKinds().data?.items;
  return useMemo(
    () => ({
      users: users ?? [],
      teams: teams ?? [],
      channels: channels ?? [],
      labels: labels ?? [],
      kinds: kinds ?? [],
      user: new Map<string, User>((users ?? []).map((user) => [user.id, user])),
      team: new Map<string, Team>((teams ?? []).map((team) => [team.id, team])),
      channel: new Map<string, Channel>((channels ?? []).map((channel) => [channel.id, channel])),
      label: new Map<string, Label>((labels ?? []).map((label) => [label.name, label])),
    }),
    [users, teams, channels, labels, kinds],
  );
}

export type Directory = ReturnType<typeof useDirectory>;
