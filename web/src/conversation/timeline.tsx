import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { keys, useContactConversations, useContactTimeline, useMessages } from '../api/queries.ts';
import type { Contact, Conversation, Message } from '../api/types.ts';
import { Empty, ErrorNotice, Spinner } from '../components/feedback.tsx';
import { useNow } from '../lib/use-now.ts';
import { useDirectory } from '../shell/directory.ts';
import { TimelineItem } from './timeline-item.tsx';

/** The conversation's messages, notes and activity — or, toggled, everything this customer ever sent or got. */
export function Timeline({
  conversation,
  contact,
}: {
  conversation: Conversation;
  contact: Contact | undefined;
}) {
  const { t } = useTranslation();
  const directory = useDirectory();
  const now = useNow(60_000);
  const client = useQueryClient();
  const [everything, setEverything] = useState(false);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const messages = useMessages(conversation.id);
  const timeline = useContactTimeline(conversation.contact.id, everything);
  const others = useContactConversations(conversation.contact.id);
  const numbers = useMemo(
    () => new Map((others.data?.items ?? []).map((item) => [item.id, item.number])),
    [others.data],
  );
  const source = everything ? timeline : messages;
  const items: Message[] = (everything ? timeline.data : messages.data?.items) ?? [];

  const scroller = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  const lastId = items.at(-1)?.id;
  useLayoutEffect(() => {
    const element = scroller.current;
    if (element && pinned.current && lastId) element.scrollTop = element.scrollHeight;
  }, [lastId]);
  useEffect(() => {
    pinned.current = true;
  }, []);

  const loadOlder = async () => {
    const first = messages.data?.items[0];
    if (!first) return;
    setLoadingOlder(true);
    try {
      const older = await api.get<{ items: Message[]; hasMore: boolean }>(
        `/api/v1/conversations/${conversation.id}/messages?limit=200&before=${first.id}`,
      );
      pinned.current = false;
      client.setQueryData<{ items: Message[]; hasMore: boolean }>(keys.messages(conversation.id), (data) =>
        data ? { items: [...older.items, ...data.items], hasMore: older.hasMore } : data,
      );
    } finally {
      setLoadingOlder(false);
    }
  };

  return (
    <section className="timeline" aria-label={t('conversation.timeline')}>
      <div className="timeline-toggle">
        <button type="button" aria-pressed={!everything} onClick={() => setEverything(false)}>
          {t('conversation.thisConversation')}
        </button>
        <button
          type="button"
          aria-pressed={everything}
          onClick={() => setEverything(true)}
          data-testid="all-interactions"
        >
          {t('conversation.allInteractions')}
        </button>
      </div>
      <div
        className="timeline-scroll"
        ref={scroller}
        onScroll={(event) => {
          const element = event.currentTarget;
          pinned.current = element.scrollHeight - element.scrollTop - element.clientHeight < 80;
        }}
      >
        {!everything && messages.data?.hasMore && (
          <button
            type="button"
            className="button button-small older"
            disabled={loadingOlder}
            onClick={() => void loadOlder()}
          >
            {t('conversation.olderMessages')}
          </button>
        )}
        {source.isPending ? (
          <Spinner label={t('conversation.loadingTimeline')} />
        ) : source.isError ? (
          <ErrorNotice error={source.error} onRetry={() => void source.refetch()} />
        ) : items.length === 0 ? (
          <Empty text={t('conversation.emptyTimeline')} />
        ) : (
          <ol className="timeline-list" aria-live="polite" aria-relevant="additions">
            {items.map((message) => (
              <TimelineItem
                key={message.id}
                message={message}
                contact={contact}
                directory={directory}
                now={now}
                conversationNumber={everything ? numbers.get(message.conversationId) : undefined}
              />
            ))}
          </ol>
        )}
      </div>
    </section>
  );
}
