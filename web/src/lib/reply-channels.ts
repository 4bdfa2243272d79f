import type { Channel, ChannelKind, Conversation, Identity } from '../api/types.ts';

export type ReplyProblem =
  | { code: 'channel_disabled' }
  | { code: 'no_reachable_identity'; needs: string[] }
  | { code: 'unknown_kind' };

export interface ReplyOption {
  key: string;
  channelId: string;
  channelName: string;
  channelKind: string;
  identityId: string | null;
  identityKind: Identity['kind'] | null;
  identityLabel: string | null;
  /** False when the server would refuse the reply; `problem` says why. */
  usable: boolean;
  problem?: ReplyProblem;
  /** Usable, but the connection looked unhealthy last time (delivery may be delayed or fail). */
  warning?: Exclude<Channel['status'], 'ok'>;
}

export interface ReplyContext {
  channels: Channel[];
  kinds: ChannelKind[];
  identities: Identity[];
  conversation: Pick<Conversation, 'preferredChannelId' | 'lastInboundChannelId' | 'channelId'>;
  contactPreferredChannelId?: string | null;
  /** Where the customer last wrote from, taken from the newest inbound message. */
  lastInbound?: { channelId: string | null; identityId: string | null };
}

const byLastSeen = (left: Identity, right: Identity) =>
  Date.parse(right.lastSeenAt) - Date.parse(left.lastSeenAt);

/**
 * Every way the customer can be answered: each channel of the tenant × each of the customer's identities
 * that channel can deliver to. Channels that cannot be used appear once, with the reason.
 */
export function replyOptions(context: ReplyContext): ReplyOption[] {
  const identities = [...context.identities].sort(byLastSeen);
  const options: ReplyOption[] = [];
  for (const channel of context.channels) {
    const base = { channelId: channel.id, channelName: channel.name, channelKind: channel.kind };
    const kind = context.kinds.find((candidate) => candidate.kind === channel.kind);
    const unusable = (problem: ReplyProblem): ReplyOption => ({
      ...base,
      key: `${channel.id}:`,
      identityId: null,
      identityKind: null,
      identityLabel: null,
      usable: false,
      problem,
    });
    if (!kind) {
      options.push(unusable({ code: 'unknown_kind' }));
      continue;
    }
    if (!channel.enabled) {
      options.push(unusable({ code: 'channel_disabled' }));
      continue;
    }
    const reachable = identities.filter(
      (identity) =>
        kind.reachableIdentityKinds === 'any' || kind.reachableIdentityKinds.includes(identity.kind),
    );
    if (reachable.length === 0) {
      const needs = kind.reachableIdentityKinds === 'any' ? [] : [...kind.reachableIdentityKinds];
      options.push(unusable({ code: 'no_reachable_identity', needs }));
      continue;
    }
    for (const identity of reachable) {
      options.push({
        ...base,
        key: `${channel.id}:${identity.id}`,
        identityId: identity.id,
        identityKind: identity.kind,
        identityLabel: identity.displayValue,
        usable: true,
        ...(channel.status !== 'ok' ? { warning: channel.status } : {}),
      });
    }
  }
  return options;
}

/**
 * The option the server would pick without an explicit choice: the conversation's preferred channel,
 * else the customer's, else where they last wrote, else where the conversation started — on the identity
 * they last wrote from when that channel reaches it.
 */
export function defaultReplyOption(options: ReplyOption[], context: ReplyContext): ReplyOption | undefined {
  const channelOrder = [
    context.conversation.preferredChannelId,
    context.contactPreferredChannelId,
    context.lastInbound?.channelId,
    context.conversation.lastInboundChannelId,
    context.conversation.channelId,
  ].filter((id): id is string => Boolean(id));
  for (const channelId of channelOrder) {
    const candidates = options.filter((option) => option.channelId === channelId && option.usable);
    if (candidates.length === 0) continue;
    return (
      candidates.find((option) => option.identityId === context.lastInbound?.identityId) ?? candidates[0]
    );
  }
  return options.find((option) => option.usable);
}
