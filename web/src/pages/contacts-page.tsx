import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, queryString } from '../api/client.ts';
import { describeError } from '../api/errors.ts';
import type { Contact, ContactInput, Page } from '../api/types.ts';
import { Dialog } from '../components/dialog.tsx';
import { Empty, ErrorNotice, Spinner } from '../components/feedback.tsx';
import { ChannelIcon, Icon } from '../components/icons.tsx';
import { useDebounced } from '../lib/use-now.ts';
import { Link, navigate } from '../router.tsx';
import { showToast } from '../shell/toasts.tsx';

/** Searchable list of every customer, with a form to add one. */
export function ContactsPage() {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  const [creating, setCreating] = useState(false);
  const q = useDebounced(query.trim(), 250);
  const contacts = useInfiniteQuery({
    queryKey: ['contacts', q],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) =>
      api.get<Page<Contact>>(
        `/api/v1/contacts${queryString({ q, limit: 50, cursor: pageParam ?? undefined })}`,
      ),
    getNextPageParam: (last) => last.nextCursor ?? null,
  });
  const items = contacts.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <div className="page">
      <header className="page-header">
        <h1>{t('contacts.title')}</h1>
        <div className="search-box">
          <Icon name="search" />
          <label className="visually-hidden" htmlFor="contact-search">
            {t('contacts.search')}
          </label>
          <input
            id="contact-search"
            type="search"
            placeholder={t('contacts.searchPlaceholder')}
            value={query}
            onChange={(event) => setQuery(event.target.value)}
          />
        </div>
        <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
          {t('contacts.create')}
        </button>
      </header>
      {contacts.isPending ? (
        <Spinner />
      ) : contacts.isError ? (
        <ErrorNotice error={contacts.error} onRetry={() => void contacts.refetch()} />
      ) : items.length === 0 ? (
        <Empty text={t('contacts.empty')} />
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('customer.name')}</th>
              <th scope="col">{t('customer.identities')}</th>
              <th scope="col">{t('customer.language')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((contact) => (
              <tr key={contact.id}>
                <td>
                  <Link href={`/contacts/${contact.id}`}>{contact.name ?? t('list.noName')}</Link>
                </td>
                <td>
                  <span className="identity-inline">
                    {contact.identities.slice(0, 3).map((identity) => (
                      <span key={identity.id} className="identity-pill">
                        <ChannelIcon kind={identity.kind} label={t(`identity.${identity.kind}`)} size={14} />
                        {identity.displayValue}
                      </span>
                    ))}
                    {contact.identities.length > 3 && (
                      <span className="muted">+{contact.identities.length - 3}</span>
                    )}
                  </span>
                </td>
                <td>{contact.language ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {contacts.hasNextPage && (
        <button
          type="button"
          className="button"
          disabled={contacts.isFetchingNextPage}
          onClick={() => void contacts.fetchNextPage()}
        >
          {t('contacts.loadMore')}
        </button>
      )}
      <CreateContactDialog open={creating} onClose={() => setCreating(false)} />
    </div>
  );
}

function CreateContactDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [phone, setPhone] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const identities: ContactInput['identities'] = [];
    if (email.trim()) identities.push({ kind: 'email', value: email.trim() });
    if (phone.trim()) identities.push({ kind: 'phone', value: phone.trim() });
    try {
      const contact = await api.post<Contact>('/api/v1/contacts', {
        name: name.trim() || undefined,
        identities,
      });
      await client.invalidateQueries({ queryKey: ['contacts'] });
      showToast(t('contacts.created'), { tone: 'success' });
      onClose();
      navigate(`/contacts/${contact.id}`);
    } catch (caught) {
      setError(describeError(caught, t));
    }
  };
  return (
    <Dialog title={t('contacts.createTitle')} open={open} onClose={onClose}>
      <form className="form" onSubmit={(event) => void submit(event)}>
        <label className="field">
          <span>{t('customer.name')}</span>
          <input value={name} onChange={(event) => setName(event.target.value)} />
        </label>
        <label className="field">
          <span>{t('contacts.email')}</span>
          <input type="email" value={email} onChange={(event) => setEmail(event.target.value)} />
        </label>
        <label className="field">
          <span>{t('contacts.phone')}</span>
          <input type="tel" value={phone} onChange={(event) => setPhone(event.target.value)} />
        </label>
        {error && (
          <p className="notice notice-error" role="alert">
            {error}
          </p>
        )}
        <div className="form-actions">
          <button type="button" className="button" onClick={onClose}>
            {t('app.cancel')}
          </button>
          <button type="submit" className="button button-primary">
            {t('app.create')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
