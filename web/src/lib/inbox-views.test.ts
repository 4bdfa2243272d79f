import { describe, expect, it } from 'vitest';
import type { Conversation } from '../api/types.ts';
import {
  applyToPages,
  compareConversations,
  filtersFor,
  inboxSearch,
  matchesFilters,
  parseInboxState,
} from './inbox-views.ts';

let counter = 0;
const conversation = (extra: Partial<Conversation> = {}): Conversation => {
  counter += 1;
  return {
    id: `0190000${counter}-0000-7000-8000-000000000000`,
    number: counter,
    status: 'open',
    snoozedUntil: null,
    priority: 'normal',
    contact: { id: 'c', name: 'Anna' },
    channelId: 'ch1',
    lastInboundChannelId: 'ch1',
    preferredChannelId: null,
    relatedConversationId: null,
    assigneeId: null,
    teamId: null,
    labels: [],
    language: null,
    subject: null,
    customAttributes: {},
    lastMessagePreview: 'Hallo',
    messageCount: 1,
    firstResponseAt: null,
    lastActivityAt: '2026-11-23T10:00:00Z',
    waitingSince: '2026-11-23T10:00:00Z',
    resolvedAt: null,
    createdAt: '2026-11-23T10:00:00Z',
    updatedAt: '2026-11-23T10:00:00Z',
    ...extra,
  };
};

describe('inbox views', () => {
  it('round-trips the URL and builds the list filters of a view', () => {
    const state = parseInboxState('?view=team:t1&status=open,pending,bogus&priority=urgent&sort=priority');
    expect(state).toMatchObject({ view: 'team:t1', status: ['open', 'pending'], priority: ['urgent'] });
    expect(parseInboxState(inboxSearch(state))).toEqual(state);
    expect(filtersFor(state)).toEqual({
      team: 't1',
      status: ['open', 'pending'],
      priority: ['urgent'],
      sort: 'priority',
    });
    expect(filtersFor({ view: 'mine' })).toEqual({ assignee: 'me', status: ['open'], sort: 'waiting' });
    const saved = [
      {
        id: 'v1',
        name: 'VIP',
        position: 0,
        createdAt: '',
        filters: { label: 'vip', sort: 'last_activity' as const },
      },
    ];
    expect(filtersFor({ view: 'saved:v1' }, saved)).toEqual({
      label: 'vip',
      status: ['open'],
      sort: 'last_activity',
    });
  });

  it('matches conversations the way the server filters', () => {
    const mine = conversation({ assigneeId: 'me-id', labels: ['vip'] });
    expect(matchesFilters(mine, { assignee: 'me' }, 'me-id')).toBe(true);
    expect(matchesFilters(mine, { assignee: 'none' }, 'me-id')).toBe(false);
    expect(matchesFilters(mine, { label: 'vip', status: ['open'] }, 'me-id')).toBe(true);
    expect(matchesFilters({ ...mine, status: 'resolved' }, {}, 'me-id')).toBe(false);
    expect(matchesFilters(mine, { channel: 'ch2' }, 'me-id')).toBe(false);
  });

  it('sorts by waiting time with non-waiting conversations last, or by priority', () => {
    const early = conversation({ waitingSince: '2026-11-23T08:00:00Z' });
    const late = conversation({ waitingSince: '2026-11-23T09:00:00Z' });
    const answered = conversation({ waitingSince: null });
    const urgent = conversation({ priority: 'urgent' });
    expect([answered, late, early].sort((a, b) => compareConversations(a, b, 'waiting'))).toEqual([
      early,
      late,
      answered,
    ]);
    expect(compareConversations(urgent, early, 'priority')).toBeLessThan(0);
  });

  it('inserts, moves and removes conversations in loaded pages', () => {
    const first = conversation({ waitingSince: '2026-11-23T08:00:00Z' });
    const second = conversation({ waitingSince: '2026-11-23T09:00:00Z' });
    const pages = [{ items: [first, second], nextCursor: 'more' }];
    const newcomer = conversation({ waitingSince: '2026-11-23T08:30:00Z' });
    const inserted = applyToPages(pages, newcomer, { sort: 'waiting' }, 'me');
    expect(inserted[0]!.items.map((item) => item.id)).toEqual([first.id, newcomer.id, second.id]);
    // Sorting after everything loaded while more pages exist: the next page will bring it.
    const later = conversation({ waitingSince: '2026-11-23T11:00:00Z' });
    expect(applyToPages(pages, later, { sort: 'waiting' }, 'me')[0]!.items).toHaveLength(2);
    expect(applyToPages([{ items: [first], nextCursor: null }], later, {}, 'me')[0]!.items).toHaveLength(2);
    const resolved = applyToPages(inserted, { ...newcomer, status: 'resolved' }, {}, 'me');
    expect(resolved[0]!.items.map((item) => item.id)).toEqual([first.id, second.id]);
  });
});
