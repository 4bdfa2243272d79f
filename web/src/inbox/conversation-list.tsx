import { useVirtualizer } from '@tanstack/react-virtual';
import { type RefObject, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useConversationList, useSearch } from '../api/queries.ts';
import type { Conversation, Filters } from '../api/types.ts';
import { Empty, ErrorNotice, Spinner } from '../components/feedback.tsx';
import { Icon } from '../components/icons.tsx';
import { type InboxState, inboxSearch, SORTS, type Sort } from '../lib/inbox-views.ts';
import { isUnread } from '../lib/local-store.ts';
import { useDebounced, useNow } from '../lib/use-now.ts';
import { Link } from '../router.tsx';
import { useDirectory } from '../shell/directory.ts';
import { useMe } from '../shell/session.tsx';
import { BulkBar } from './bulk-bar.tsx';
import { ConversationRow, ROW_HEIGHT } from './conversation-row.tsx';

const SORT_LABELS = {
  waiting: 'list.sortWaiting',
  last_activity: 'list.sortActivity',
  priority: 'list.sortPriority',
} as const;

export function ConversationList({
  state,
  filters,
  activeId,
  seen,
  searchRef,
  selection,
  onSelectionChange,
  onStateChange,
  onOrder,
}: {
  state: InboxState;
  filters: Filters;
  activeId: string | undefined;
  seen: Record<string, string>;
  searchRef: RefObject<HTMLInputElement | null>;
  selection: Set<string>;
  onSelectionChange: (next: Set<string>) => void;
  onStateChange: (next: InboxState) => void;
  onOrder: (conversations: Conversation[]) => void;
}) {
  const { t } = useTranslation();
  const directory = useDirectory();
  const me = useMe();
  const now = useNow();
  const [query, setQuery] = useState('');
  const q = useDebounced(query.trim(), 250);
  const list = useConversationList(filters, !q);
  const search = useSearch(q);
  const source = q ? search : list;

  const items = useMemo<Conversation[]>(
    () => (q ? (search.data?.items ?? []) : (list.data?.pages.flatMap((page) => page.items) ?? [])),
    [q, search.data, list.data],
  );
  const byId = useMemo(() => new Map(items.map((item) => [item.id, item])), [items]);
  useEffect(() => onOrder(items), [items, onOrder]);

  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });
  const virtualItems = virtualizer.getVirtualItems();
  const lastIndex = virtualItems.at(-1)?.index ?? 0;
  useEffect(() => {
    if (!q && list.hasNextPage && !list.isFetchingNextPage && lastIndex >= items.length - 20)
      void list.fetchNextPage();
  }, [q, lastIndex, items.length, list]);

  // Keep the open conversation in view when it is chosen by keyboard.
  const activeIndex = activeId ? items.findIndex((item) => item.id === activeId) : -1;
  useEffect(() => {
    if (activeIndex >= 0) virtualizer.scrollToIndex(activeIndex, { align: 'auto' });
  }, [activeIndex, virtualizer]);

  const toggle = useCallback(
    (id: string) => {
      const next = new Set(selection);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      onSelectionChange(next);
    },
    [selection, onSelectionChange],
  );
  const searchString = inboxSearch(state);
  const allSelected = items.length > 0 && items.every((item) => selection.has(item.id));

  return (
    <section className="conversation-list" aria-label={t('list.label')}>
      <div className="list-toolbar">
        <div className="search-box">
          <Icon name="search" />
          <label className="visually-hidden" htmlFor="conversation-search">
            {t('list.search')}
          </label>
          <input
            id="conversation-search"
            ref={searchRef}
            type="search"
            placeholder={t('list.searchPlaceholder')}
            value={query}
            onChange={(event) => setQuery(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Escape') {
                setQuery('');
                event.currentTarget.blur();
              }
            }}
          />
        </div>
        <div className="list-controls">
          {items.length > 0 && (
            <input
              type="checkbox"
              aria-label={t('list.selectAll')}
              title={t('list.selectAll')}
              checked={allSelected}
              onChange={() =>
                onSelectionChange(allSelected ? new Set() : new Set(items.map((item) => item.id)))
              }
            />
          )}
          <span className="list-total" aria-live="polite">
            {q ? t('list.results', { count: items.length }) : t('list.total', { count: items.length })}
            {!q && list.hasNextPage ? '+' : ''}
          </span>
          <label className="sort-select">
            <span className="visually-hidden">{t('list.sort')}</span>
            <select
              value={filters.sort ?? 'waiting'}
              onChange={(event) => onStateChange({ ...state, sort: event.target.value as Sort })}
              disabled={Boolean(q)}
            >
              {SORTS.map((sort) => (
                <option key={sort} value={sort}>
                  {t(SORT_LABELS[sort])}
                </option>
              ))}
            </select>
          </label>
        </div>
      </div>
      {selection.size > 0 && (
        <BulkBar selected={selection} conversations={byId} onClear={() => onSelectionChange(new Set())} />
      )}
      <div className="list-scroll" ref={scrollRef} data-testid="conversation-list">
        {source.isPending && (q || !list.data) ? (
          <Spinner />
        ) : source.isError ? (
          <ErrorNotice error={source.error} onRetry={() => void source.refetch()} />
        ) : items.length === 0 ? (
          <>
            <Empty text={q ? t('list.emptySearch', { q }) : t('list.empty')} />
            {!q && directory.channels.length === 0 && (
              <p className="first-run">
                {t('list.noChannels')}{' '}
                {me.user.role === 'admin' && <Link href="/admin/channels">{t('list.createChannel')}</Link>}
              </p>
            )}
          </>
        ) : (
          <ul className="list-inner" style={{ height: virtualizer.getTotalSize() }}>
            {virtualItems.map((row) => {
              const conversation = items[row.index]!;
              return (
                <li
                  key={conversation.id}
                  aria-setsize={list.hasNextPage && !q ? -1 : items.length}
                  aria-posinset={row.index + 1}
                  style={{ transform: `translateY(${row.start}px)`, height: ROW_HEIGHT }}
                >
                  <ConversationRow
                    conversation={conversation}
                    href={`/inbox/${conversation.id}${searchString}`}
                    active={conversation.id === activeId}
                    selected={selection.has(conversation.id)}
                    unread={conversation.id !== activeId && isUnread(conversation, seen)}
                    now={now}
                    directory={directory}
                    onToggle={toggle}
                  />
                </li>
              );
            })}
          </ul>
        )}
        {list.isFetchingNextPage && !q && <p className="list-more">{t('list.loadingMore')}</p>}
      </div>
    </section>
  );
}
