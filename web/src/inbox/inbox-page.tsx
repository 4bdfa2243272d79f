import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSavedViews } from '../api/queries.ts';
import type { Conversation } from '../api/types.ts';
import { Icon } from '../components/icons.tsx';
import { ConversationPane } from '../conversation/conversation-pane.tsx';
import { filtersFor, type InboxState, inboxSearch, parseInboxState } from '../lib/inbox-views.ts';
import { isTyping } from '../lib/keyboard.ts';
import { markSeen, seenMap } from '../lib/local-store.ts';
import { matchPath, navigate, useLocation } from '../router.tsx';
import { ConversationList } from './conversation-list.tsx';
import { ViewSidebar } from './view-sidebar.tsx';

/** The three panes: views, the conversation list, the open conversation. State lives in the URL. */
export function InboxPage() {
  const { t } = useTranslation();
  const { path, search } = useLocation();
  const activeId = matchPath('/inbox/:id?', path)?.id;
  const state = useMemo(() => parseInboxState(search), [search]);
  const savedViews = useSavedViews().data?.items;
  const filters = useMemo(() => filtersFor(state, savedViews), [state, savedViews]);
  const [selection, setSelection] = useState<Set<string>>(() => new Set());
  const [seen, setSeen] = useState(() => seenMap());
  const [viewsOpen, setViewsOpen] = useState(false);
  const order = useRef<Conversation[]>([]);
  const searchRef = useRef<HTMLInputElement>(null);

  const changeState = useCallback(
    (next: InboxState) => {
      setSelection(new Set());
      setViewsOpen(false);
      navigate(`/inbox${activeId ? `/${activeId}` : ''}${inboxSearch(next)}`);
    },
    [activeId],
  );
  const onOrder = useCallback((conversations: Conversation[]) => {
    order.current = conversations;
  }, []);
  const onSeen = useCallback((conversation: Conversation) => {
    markSeen(conversation.id, conversation.lastActivityAt);
    setSeen(seenMap());
  }, []);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (isTyping(event.target) || event.metaKey || event.ctrlKey || event.altKey) return;
      const list = order.current;
      const index = list.findIndex((conversation) => conversation.id === activeId);
      if (event.key === 'j' || event.key === 'k') {
        const next =
          list[event.key === 'j' ? index + 1 : Math.max(0, index - 1)] ?? (index < 0 ? list[0] : undefined);
        if (next) navigate(`/inbox/${next.id}${inboxSearch(state)}`);
      } else if (event.key === '/') {
        event.preventDefault();
        searchRef.current?.focus();
      } else if (event.key === 'x' && activeId) {
        setSelection((current) => {
          const next = new Set(current);
          if (next.has(activeId)) next.delete(activeId);
          else next.add(activeId);
          return next;
        });
      } else if (event.key === 'Escape' && activeId && !document.querySelector('dialog[open]')) {
        navigate(`/inbox${inboxSearch(state)}`);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [activeId, state]);

  return (
    <div className={`inbox ${activeId ? 'has-conversation' : ''} ${viewsOpen ? 'views-open' : ''}`}>
      <button
        type="button"
        className="icon-button views-toggle"
        aria-label={t('nav.openMenu')}
        aria-expanded={viewsOpen}
        onClick={() => setViewsOpen((open) => !open)}
      >
        <Icon name="menu" size={20} />
      </button>
      <ViewSidebar state={state} onChange={changeState} />
      <ConversationList
        state={state}
        filters={filters}
        activeId={activeId}
        seen={seen}
        searchRef={searchRef}
        selection={selection}
        onSelectionChange={setSelection}
        onStateChange={changeState}
        onOrder={onOrder}
      />
      {activeId ? (
        <ConversationPane
          key={activeId}
          id={activeId}
          backHref={`/inbox${inboxSearch(state)}`}
          onSeen={onSeen}
        />
      ) : (
        <section className="conversation-placeholder" aria-label={t('conversation.timeline')}>
          <p>{t('conversation.pick')}</p>
        </section>
      )}
    </div>
  );
}
