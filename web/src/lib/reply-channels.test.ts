import { describe, expect, it } from 'vitest';
import type { Channel, ChannelKind, Identity } from '../api/types.ts';
import { defaultReplyOption, type ReplyContext, replyOptions } from './reply-channels.ts';

const channel = (id: string, kind: string, extra: Partial<Channel> = {}): Channel => ({
  id,
  kind,
  name: `${kind} ${id}`,
  enabled: true,
  settings: {},
  secretSettings: [],
  inboundUrl: '',
  status: 'ok',
  statusDetail: null,
  statusChangedAt: null,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  ...extra,
});
const identity = (id: string, kind: Identity['kind'], lastSeenAt: string) =>
  ({
    id,
    kind,
    value: `${kind}-${id}`,
    displayValue: `${kind} ${id}`,
    verified: false,
    firstSeenAt: lastSeenAt,
    lastSeenAt,
  }) as Identity;
const kinds: ChannelKind[] = [
  { kind: 'api', displayName: 'API', reachableIdentityKinds: 'any' },
  { kind: 'email', displayName: 'Email', reachableIdentityKinds: ['email'] },
  { kind: 'sms', displayName: 'SMS', reachableIdentityKinds: ['phone'] },
];

describe('reply channel options', () => {
  const context: ReplyContext = {
    channels: [
      channel('mail', 'email'),
      channel('sms', 'sms'),
      channel('shop', 'api', { status: 'unreachable' }),
      channel('old', 'email', { enabled: false }),
      channel('fax', 'fax'),
    ],
    kinds,
    identities: [
      identity('e1', 'email', '2026-01-01T00:00:00Z'),
      identity('w1', 'whatsapp', '2026-02-01T00:00:00Z'),
    ],
    conversation: { preferredChannelId: null, lastInboundChannelId: 'shop', channelId: 'shop' },
  };

  it('lists every channel × reachable identity and explains the unusable ones', () => {
    const options = replyOptions(context);
    expect(
      options.map((option) => [option.key, option.usable, option.problem?.code ?? option.warning ?? null]),
    ).toEqual([
      ['mail:e1', true, null],
      ['sms:', false, 'no_reachable_identity'],
      ['shop:w1', true, 'unreachable'],
      ['shop:e1', true, 'unreachable'],
      ['old:', false, 'channel_disabled'],
      ['fax:', false, 'unknown_kind'],
    ]);
    expect(options[1]!.problem).toEqual({ code: 'no_reachable_identity', needs: ['phone'] });
  });

  it('defaults like the server: preferred, then where the customer last wrote from', () => {
    const options = replyOptions(context);
    expect(defaultReplyOption(options, context)?.key).toBe('shop:w1');
    expect(
      defaultReplyOption(options, { ...context, lastInbound: { channelId: 'shop', identityId: 'e1' } })?.key,
    ).toBe('shop:e1');
    expect(
      defaultReplyOption(options, {
        ...context,
        conversation: { ...context.conversation, preferredChannelId: 'mail' },
      })?.key,
    ).toBe('mail:e1');
    // An unusable preferred channel falls through to the next candidate.
    expect(defaultReplyOption(options, { ...context, contactPreferredChannelId: 'sms' })?.channelId).toBe(
      'shop',
    );
  });
});
