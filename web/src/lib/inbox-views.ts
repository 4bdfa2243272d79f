import type { Conversation, ConversationStatus, Filters, Page, Priority, View } from '../api/types.ts';

export type Sort = NonNullable<Filters['sort']>;
export const SORTS: Sort[] = ['waiting', 'last_activity', 'priority'];
export const STATUSES: ConversationStatus[] = ['open', 'pending', 'snoozed', 'resolved', 'closed'];
export const PRIORITIES: Priority[] = ['urgent', 'high', 'normal', 'low'];
const PRIORITY_RANK: Record<Priority, number> = { low: 0, normal: 1, high: 2, urgent: 3 };

/** What the inbox shows, as kept in the URL: a view plus optional narrowing filters. */
export interface InboxState {
  view: string;
  status?: ConversationStatus[];
  channel?: string;
  label?: string;
  priority?: Priority[];
  sort?: Sort;
}

export const STANDARD_VIEWS = ['mine', 'unassigned', 'all'] as const;

/** The list query of an inbox state: the view's own filters, narrowed by the explicit ones. */
export function filtersFor(state: InboxState, savedViews: View[] = []): Filters {
  let base: Filters = {};
  if (state.view === 'mine') base = { assignee: 'me' };
  else if (state.view === 'unassigned') base = { assignee: 'none' };
  else if (state.view.startsWith('team:')) base = { team: state.view.slice(5) };
  else if (state.view.startsWith('saved:')) {
    base = savedViews.find((view) => view.id === state.view.slice(6))?.filters ?? {};
  }
  const filters: Filters = { ...base };
  if (state.status?.length) filters.status = state.status;
  if (!filters.status?.length) filters.status = ['open'];
  if (state.channel) filters.channel = state.channel;
  if (state.label) filters.label = state.label;
  if (state.priority?.length) filters.priority = state.priority;
  filters.sort = state.sort ?? base.sort ?? 'waiting';
  return filters;
}

export function parseInboxState(search: string): InboxState {
  const params = new URLSearchParams(search);
  const list = <T extends string>(value: string | null, allowed: readonly T[]) =>
    value?.split(',').filter((entry): entry is T => (allowed as readonly string[]).includes(entry)) ??
    undefined;
  const sort = params.get('sort');
  return {
    view: params.get('view') ?? 'mine',
    status: list(params.get('status'), STATUSES),
    channel: params.get('channel') ?? undefined,
    label: params.get('label') ?? undefined,
    priority: list(params.get('priority'), PRIORITIES),
    sort: SORTS.includes(sort as Sort) ? (sort as Sort) : undefined,
  };
}

export function inboxSearch(state: InboxState): string {
  const params = new URLSearchParams();
  params.set('view', state.view);
  if (state.status?.length) params.set('status', state.status.join(','));
  if (state.channel) params.set('channel', state.channel);
  if (state.label) params.set('label', state.label);
  if (state.priority?.length) params.set('priority', state.priority.join(','));
  if (state.sort) params.set('sort', state.sort);
  return `?${params.toString()}`;
}

/** Whether a conversation belongs in a list with these filters (the server's rule, for live updates). */
export function matchesFilters(conversation: Conversation, filters: Filters, meId: string): boolean {
  const statuses = filters.status?.length ? filters.status : ['open'];
  if (!statuses.includes(conversation.status)) return false;
  if (filters.priority?.length && !filters.priority.includes(conversation.priority)) return false;
  if (filters.assignee === 'me' && conversation.assigneeId !== meId) return false;
  if (filters.assignee === 'none' && conversation.assigneeId !== null) return false;
  if (filters.assignee && filters.assignee !== 'me' && filters.assignee !== 'none') {
    if (conversation.assigneeId !== filters.assignee) return false;
  }
  if (filters.team === 'none' && conversation.teamId !== null) return false;
  if (filters.team && filters.team !== 'none' && conversation.teamId !== filters.team) return false;
  if (filters.channel && conversation.channelId !== filters.channel) return false;
  if (filters.label && !conversation.labels.includes(filters.label)) return false;
  return true;
}

const time = (iso: string | null) => (iso ? Date.parse(iso) : Number.POSITIVE_INFINITY);

/** The server's list order; negative when `left` comes first. */
export function compareConversations(left: Conversation, right: Conversation, sort: Sort): number {
  const byId = right.id.localeCompare(left.id);
  if (sort === 'waiting') {
    const difference = time(left.waitingSince) - time(right.waitingSince);
    if (difference !== 0 && !Number.isNaN(difference)) return difference;
    return -byId;
  }
  if (sort === 'priority') {
    const difference = PRIORITY_RANK[right.priority] - PRIORITY_RANK[left.priority];
    if (difference !== 0) return difference;
  }
  const activity = Date.parse(right.lastActivityAt) - Date.parse(left.lastActivityAt);
  return activity !== 0 ? activity : byId;
}

/**
 * Applies a changed conversation to the loaded pages of a list: removed where it was, and inserted
 * where it sorts, if it still matches. Beyond the loaded end it is left for the next page to bring.
 */
export function applyToPages(
  pages: Page<Conversation>[],
  conversation: Conversation,
  filters: Filters,
  meId: string,
): Page<Conversation>[] {
  const without = pages.map((page) =>
    page.items.some((item) => item.id === conversation.id)
      ? { ...page, items: page.items.filter((item) => item.id !== conversation.id) }
      : page,
  );
  if (!matchesFilters(conversation, filters, meId)) return without;
  const sort = filters.sort ?? 'waiting';
  for (let index = 0; index < without.length; index++) {
    const page = without[index]!;
    const position = page.items.findIndex((item) => compareConversations(conversation, item, sort) < 0);
    const isLast = index === without.length - 1;
    if (position >= 0 || (isLast && !page.nextCursor)) {
      const items = [...page.items];
      items.splice(position >= 0 ? position : items.length, 0, conversation);
      return without.map((candidate, candidateIndex) =>
        candidateIndex === index ? { ...page, items } : candidate,
      );
    }
  }
  return without;
}
