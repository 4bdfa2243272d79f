import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, queryString } from '../api/client.ts';
import { describeError } from '../api/errors.ts';
import type { Contact, Page } from '../api/types.ts';
import { Dialog } from '../components/dialog.tsx';
import { ChannelIcon } from '../components/icons.tsx';
import { useDebounced } from '../lib/use-now.ts';
import { showToast } from '../shell/toasts.tsx';

/** Finds a duplicate of this customer and merges it in (identities and conversations move over). */
export function MergeDialog({
  target,
  open,
  onClose,
}: {
  target: Contact;
  open: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [query, setQuery] = useState('');
  const [picked, setPicked] = useState<Contact | null>(null);
  const [busy, setBusy] = useState(false);
  const q = useDebounced(query.trim(), 250);
  const results = useQuery({
    queryKey: ['contacts', 'merge', q],
    enabled: open && q.length > 0,
    queryFn: () => api.get<Page<Contact>>(`/api/v1/contacts${queryString({ q, limit: 10 })}`),
  });
  const candidates = (results.data?.items ?? []).filter((contact) => contact.id !== target.id);

  const merge = async () => {
    if (!picked) return;
    setBusy(true);
    try {
      await api.post(`/api/v1/contacts/${target.id}/merge`, { contactIds: [picked.id] });
      await client.invalidateQueries({ queryKey: ['contact', target.id] });
      await client.invalidateQueries({ queryKey: ['contact-conversations', target.id] });
      await client.invalidateQueries({ queryKey: ['contacts'] });
      showToast(t('contacts.merged'), { tone: 'success' });
      setPicked(null);
      setQuery('');
      onClose();
    } catch (error) {
      showToast(describeError(error, t), { tone: 'error' });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title={t('contacts.merge')} open={open} onClose={onClose} wide>
      <p className="muted">{t('contacts.mergeHint', { name: target.name ?? t('list.noName') })}</p>
      <label className="field">
        <span>{t('contacts.search')}</span>
        <input
          type="search"
          value={query}
          placeholder={t('contacts.searchPlaceholder')}
          onChange={(event) => setQuery(event.target.value)}
        />
      </label>
      <ul className="merge-candidates">
        {candidates.map((contact) => (
          <li key={contact.id}>
            <label className="check">
              <input
                type="radio"
                name="merge-candidate"
                checked={picked?.id === contact.id}
                onChange={() => setPicked(contact)}
              />
              <strong>{contact.name ?? t('list.noName')}</strong>
              {contact.identities.slice(0, 3).map((identity) => (
                <span key={identity.id} className="identity-pill">
                  <ChannelIcon kind={identity.kind} label={t(`identity.${identity.kind}`)} size={14} />
                  {identity.displayValue}
                </span>
              ))}
            </label>
          </li>
        ))}
        {q && results.isSuccess && candidates.length === 0 && (
          <li className="muted">{t('contacts.empty')}</li>
        )}
      </ul>
      <div className="form-actions">
        <button type="button" className="button" onClick={onClose}>
          {t('app.cancel')}
        </button>
        <button
          type="button"
          className="button button-primary"
          disabled={!picked || busy}
          onClick={() => void merge()}
        >
          {picked
            ? t('contacts.mergeInto', {
                name: picked.name ?? t('list.noName'),
                target: target.name ?? t('list.noName'),
              })
            : t('contacts.merge')}
        </button>
      </div>
    </Dialog>
  );
}
