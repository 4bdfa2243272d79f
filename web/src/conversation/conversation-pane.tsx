import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useContact, useConversation, useMessages } from '../api/queries.ts';
import type { Conversation } from '../api/types.ts';
import { ErrorNotice, Spinner } from '../components/feedback.tsx';
import { Icon } from '../components/icons.tsx';
import { isTyping } from '../lib/keyboard.ts';
import { readStored, writeStored } from '../lib/local-store.ts';
import { Link } from '../router.tsx';
import { useDirectory } from '../shell/directory.ts';
import { usePresence, useRealtime } from '../shell/realtime-provider.tsx';
import { useMe } from '../shell/session.tsx';
import { Composer, type FocusRequest } from './composer.tsx';
import { ConversationActions, useConversationChange } from './conversation-actions.tsx';
import { CustomerPanel } from './customer-panel.tsx';
import { Timeline } from './timeline.tsx';

const PANEL_KEY = 'unisono.customerPanel';

export function ConversationPane({
  id,
  backHref,
  onSeen,
}: {
  id: string;
  backHref: string;
  onSeen: (conversation: Conversation) => void;
}) {
  const { t } = useTranslation();
  const me = useMe();
  const directory = useDirectory();
  const conversation = useConversation(id);
  const messages = useMessages(id);
  const contact = useContact(conversation.data?.contact.id);
  const { setActiveConversation, sendPresence } = useRealtime();
  const others = usePresence(id);
  const { change } = useConversationChange(conversation.data);
  const [panelOpen, setPanelOpen] = useState(() => readStored(PANEL_KEY, window.innerWidth >= 1400));
  const [focusRequest, setFocusRequest] = useState<FocusRequest | null>(null);

  useEffect(() => {
    setActiveConversation(id);
    sendPresence(id, 'viewing');
    const heartbeat = setInterval(() => sendPresence(id, 'viewing'), 25_000);
    return () => {
      clearInterval(heartbeat);
      sendPresence(id, 'left');
      setActiveConversation(null);
    };
  }, [id, setActiveConversation, sendPresence]);

  const lastActivity = conversation.data?.lastActivityAt;
  // biome-ignore lint/correctness/useExhaustiveDependencies: mark as seen only when there is something new
  useEffect(() => {
    if (conversation.data) onSeen(conversation.data);
  }, [lastActivity, onSeen]);

  useEffect(() => writeStored(PANEL_KEY, panelOpen), [panelOpen]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (
        isTyping(event.target) ||
        event.metaKey ||
        event.ctrlKey ||
        event.altKey ||
        document.querySelector('dialog[open]')
      )
        return;
      const actions: Record<string, () => void> = {
        r: () => setFocusRequest({ mode: 'reply', nonce: Date.now() }),
        n: () => setFocusRequest({ mode: 'note', nonce: Date.now() }),
        a: () => change({ assigneeId: me.user.id }),
        e: () => change({ status: 'resolved' }),
        p: () => change({ status: 'pending' }),
        i: () => setPanelOpen((open) => !open),
      };
      const action = actions[event.key];
      if (action) {
        event.preventDefault();
        action();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [change, me.user.id]);

  if (conversation.isPending)
    return (
      <section className="conversation-pane">
        <Spinner />
      </section>
    );
  if (conversation.isError) {
    return (
      <section className="conversation-pane">
        <ErrorNotice error={conversation.error} onRetry={() => void conversation.refetch()} />
      </section>
    );
  }
  const current = conversation.data;
  const viewers = others.filter((entry) => entry.userId !== me.user.id);
  const typing = viewers.filter((entry) => entry.state === 'typing');
  const names = (entries: typeof viewers) =>
    entries.map((entry) => directory.user.get(entry.userId)?.name ?? t('app.unknown')).join(', ');

  return (
    <div className={`conversation-area ${panelOpen ? 'with-panel' : ''}`}>
      <section className="conversation-pane" aria-labelledby="conversation-title">
        <header className="conversation-header">
          <Link href={backHref} className="icon-button back-button" aria-label={t('conversation.back')}>
            <Icon name="back" size={18} />
          </Link>
          <div className="conversation-title">
            <h1 id="conversation-title">
              {current.contact.name ?? t('list.noName')}{' '}
              <span className="muted">{t('conversation.number', { number: current.number })}</span>
            </h1>
            <p className="muted">{current.subject ?? t('conversation.noSubject')}</p>
            {current.relatedConversationId && <RelatedConversation id={current.relatedConversationId} />}
          </div>
          {viewers.length > 0 && (
            <p className="presence" role="status" data-testid="presence">
              <Icon name="eye" size={14} />
              {typing.length > 0
                ? t('conversation.typing', { names: names(typing) })
                : t('conversation.viewing', { names: names(viewers) })}
            </p>
          )}
          <button
            type="button"
            className="icon-button"
            aria-pressed={panelOpen}
            aria-label={panelOpen ? t('conversation.hideCustomer') : t('conversation.showCustomer')}
            title={panelOpen ? t('conversation.hideCustomer') : t('conversation.showCustomer')}
            onClick={() => setPanelOpen((open) => !open)}
            data-testid="toggle-customer"
          >
            <Icon name="panel" size={18} />
          </button>
        </header>
        <ConversationActions conversation={current} />
        <Timeline conversation={current} contact={contact.data} />
        <Composer
          key={current.id}
          conversation={current}
          contact={contact.data}
          messages={messages.data?.items ?? []}
          others={viewers}
          focusRequest={focusRequest}
        />
      </section>
      {panelOpen && contact.data && (
        <CustomerPanel contact={contact.data} currentConversationId={current.id} />
      )}
    </div>
  );
}

/**
 * The conversation this one's first message pointed at but could not join (its sender is not that
 * conversation's customer): a link, so the agent can judge whether it belongs there.
 */
function RelatedConversation({ id }: { id: string }) {
  const { t } = useTranslation();
  const related = useConversation(id);
  // An agent who may not see the other conversation learns nothing about it.
  if (!related.data) return null;
  return (
    <p
      className="related-conversation"
      data-testid="related-conversation"
      title={t('conversation.relatedHint')}
    >
      <Icon name="link" size={14} />
      <Link href={`/inbox/${id}?view=all&status=open,pending,snoozed,resolved,closed`}>
        {t('conversation.related', { number: related.data.number })}
      </Link>
    </p>
  );
}
