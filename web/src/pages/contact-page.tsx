import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useContact, useContactConversations, useContactTimeline } from '../api/queries.ts';
import { Empty, ErrorNotice, Spinner } from '../components/feedback.tsx';
import { CustomerPanel } from '../conversation/customer-panel.tsx';
import { TimelineItem } from '../conversation/timeline-item.tsx';
import { useNow } from '../lib/use-now.ts';
import { Link } from '../router.tsx';
import { useDirectory } from '../shell/directory.ts';
import { MergeDialog } from './merge-dialog.tsx';

/** One customer: profile and identities beside the whole cross-channel story. */
export function ContactPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const directory = useDirectory();
  const now = useNow(60_000);
  const contact = useContact(id);
  const conversations = useContactConversations(id);
  const timeline = useContactTimeline(id);
  const [merging, setMerging] = useState(false);
  const numbers = new Map((conversations.data?.items ?? []).map((item) => [item.id, item.number]));

  if (contact.isPending) return <Spinner />;
  if (contact.isError) return <ErrorNotice error={contact.error} onRetry={() => void contact.refetch()} />;
  return (
    <div className="page contact-page">
      <header className="page-header">
        <Link href="/contacts" className="button button-quiet">
          ← {t('contacts.backToList')}
        </Link>
        <h1>{contact.data.name ?? t('list.noName')}</h1>
        <button type="button" className="button" onClick={() => setMerging(true)}>
          {t('contacts.merge')}
        </button>
      </header>
      <div className="contact-layout">
        <CustomerPanel contact={contact.data} />
        <section className="timeline contact-timeline" aria-label={t('contacts.timeline')}>
          <h2>{t('contacts.timeline')}</h2>
          {timeline.isPending ? (
            <Spinner />
          ) : timeline.isError ? (
            <ErrorNotice error={timeline.error} onRetry={() => void timeline.refetch()} />
          ) : timeline.data.length === 0 ? (
            <Empty text={t('conversation.emptyTimeline')} />
          ) : (
            <ol className="timeline-list">
              {timeline.data.map((message) => (
                <TimelineItem
                  key={message.id}
                  message={message}
                  contact={contact.data}
                  directory={directory}
                  now={now}
                  conversationNumber={numbers.get(message.conversationId)}
                />
              ))}
            </ol>
          )}
        </section>
      </div>
      <MergeDialog target={contact.data} open={merging} onClose={() => setMerging(false)} />
    </div>
  );
}
