import { type FormEvent, type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../api/errors.ts';
import { useContactConversations, useUpdateContact } from '../api/queries.ts';
import type { Contact, IdentityKind } from '../api/types.ts';
import { ChannelIcon } from '../components/icons.tsx';
import { localTimeIn } from '../lib/time-format.ts';
import { useNow } from '../lib/use-now.ts';
import { Link } from '../router.tsx';
import { useDirectory } from '../shell/directory.ts';
import { showToast } from '../shell/toasts.tsx';
import { CrmSection } from './crm-section.tsx';

const IDENTITY_KINDS: IdentityKind[] = [
  'email',
  'phone',
  'whatsapp',
  'telegram',
  'messenger',
  'instagram',
  'webchat',
  'api',
];

/** Everything known about the customer across channels, editable in place. */
export function CustomerPanel({
  contact,
  currentConversationId,
}: {
  contact: Contact;
  currentConversationId?: string;
}) {
  const { t, i18n } = useTranslation();
  const directory = useDirectory();
  const now = useNow(60_000);
  const update = useUpdateContact();
  const conversations = useContactConversations(contact.id).data?.items ?? [];
  const [kind, setKind] = useState<IdentityKind>('email');
  const [value, setValue] = useState('');
  const [attributeKey, setAttributeKey] = useState('');
  const [attributeValue, setAttributeValue] = useState('');

  const save = (change: Parameters<typeof update.mutate>[0], after?: () => void) =>
    update.mutate(change, {
      onSuccess: () => after?.(),
      onError: (error) => showToast(describeError(error, t), { tone: 'error' }),
    });
  const addIdentity = (event: FormEvent) => {
    event.preventDefault();
    if (!value.trim()) return;
    save({ id: contact.id, method: 'POST', path: '/identities', body: { kind, value: value.trim() } }, () =>
      setValue(''),
    );
  };
  const addAttribute = (event: FormEvent) => {
    event.preventDefault();
    const key = attributeKey.trim();
    if (!key) return;
    save(
      { id: contact.id, body: { customAttributes: { ...contact.customAttributes, [key]: attributeValue } } },
      () => {
        setAttributeKey('');
        setAttributeValue('');
      },
    );
  };
  const localTime = localTimeIn(contact.timeZone, now, i18n.language);

  return (
    <aside
      className="customer-panel"
      aria-label={t('conversation.customerPanel')}
      data-testid="customer-panel"
    >
      <header className="customer-header">
        <InlineEdit
          label={t('customer.name')}
          value={contact.name ?? ''}
          display={<h2>{contact.name ?? t('list.noName')}</h2>}
          onSave={(name) => save({ id: contact.id, body: { name: name.trim() || null } })}
        />
        <p className="muted">
          {t('customer.since', { date: new Date(contact.createdAt).toLocaleDateString(i18n.language) })}
        </p>
      </header>

      <section className="panel-section">
        <h3>{t('customer.identities')}</h3>
        <ul className="identity-list">
          {contact.identities.map((identity) => (
            <li key={identity.id}>
              <ChannelIcon kind={identity.kind} label={t(`identity.${identity.kind}`)} />
              <span className="identity-value">{identity.displayValue}</span>
              <button
                type="button"
                className="icon-button icon-button-small"
                aria-label={t('customer.removeIdentity', { value: identity.displayValue })}
                onClick={() => save({ id: contact.id, method: 'DELETE', path: `/identities/${identity.id}` })}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
        <form className="inline-form" onSubmit={addIdentity}>
          <label>
            <span className="visually-hidden">{t('customer.kind')}</span>
            <select value={kind} onChange={(event) => setKind(event.target.value as IdentityKind)}>
              {IDENTITY_KINDS.map((entry) => (
                <option key={entry} value={entry}>
                  {t(`identity.${entry}`)}
                </option>
              ))}
            </select>
          </label>
          <label className="grow">
            <span className="visually-hidden">{t('customer.value')}</span>
            <input
              value={value}
              placeholder={t('customer.value')}
              onChange={(event) => setValue(event.target.value)}
            />
          </label>
          <button type="submit" className="button button-small">
            {t('app.add')}
          </button>
        </form>
      </section>

      <section className="panel-section panel-grid">
        <label className="field field-compact">
          <span>{t('customer.preferredChannel')}</span>
          <select
            value={contact.preferredChannelId ?? ''}
            onChange={(event) =>
              save({ id: contact.id, body: { preferredChannelId: event.target.value || null } })
            }
          >
            <option value="">{t('customer.noPreference')}</option>
            {directory.channels.map((channel) => (
              <option key={channel.id} value={channel.id}>
                {channel.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field field-compact">
          <span>{t('customer.language')}</span>
          <select
            value={contact.language ?? ''}
            onChange={(event) => save({ id: contact.id, body: { language: event.target.value || null } })}
          >
            <option value="">{t('app.unknown')}</option>
            <option value="de">{t('language.de')}</option>
            <option value="en">{t('language.en')}</option>
            {contact.language && !['de', 'en'].includes(contact.language) && (
              <option value={contact.language}>{contact.language}</option>
            )}
          </select>
        </label>
        <span className="field-label">{t('customer.timeZone')}</span>
        <InlineEdit
          label={t('customer.timeZone')}
          value={contact.timeZone ?? ''}
          display={
            <span>
              {contact.timeZone ?? t('app.unknown')}
              {localTime && <span className="muted"> · {t('customer.localTime', { time: localTime })}</span>}
            </span>
          }
          onSave={(timeZone) => save({ id: contact.id, body: { timeZone: timeZone.trim() || null } })}
        />
      </section>

      <section className="panel-section">
        <h3>{t('customer.attributes')}</h3>
        <dl className="attributes">
          {Object.entries(contact.customAttributes).map(([key, attribute]) => (
            <div key={key} className="attribute">
              <dt>{key}</dt>
              <dd>
                <InlineEdit
                  label={key}
                  value={typeof attribute === 'string' ? attribute : JSON.stringify(attribute)}
                  onSave={(next) =>
                    save({
                      id: contact.id,
                      body: { customAttributes: { ...contact.customAttributes, [key]: next } },
                    })
                  }
                />
              </dd>
              <button
                type="button"
                className="icon-button icon-button-small"
                aria-label={t('customer.removeAttribute', { key })}
                onClick={() => {
                  const { [key]: _removed, ...rest } = contact.customAttributes;
                  save({ id: contact.id, body: { customAttributes: rest } });
                }}
              >
                ×
              </button>
            </div>
          ))}
        </dl>
        <form className="inline-form" onSubmit={addAttribute}>
          <label>
            <span className="visually-hidden">{t('customer.attributeKey')}</span>
            <input
              value={attributeKey}
              placeholder={t('customer.attributeKey')}
              maxLength={64}
              size={10}
              onChange={(event) => setAttributeKey(event.target.value)}
            />
          </label>
          <label className="grow">
            <span className="visually-hidden">{t('customer.attributeValue')}</span>
            <input
              value={attributeValue}
              placeholder={t('customer.attributeValue')}
              onChange={(event) => setAttributeValue(event.target.value)}
            />
          </label>
          <button type="submit" className="button button-small">
            {t('app.add')}
          </button>
        </form>
      </section>

      <section className="panel-section">
        <h3>{t('customer.previous')}</h3>
        {conversations.filter((conversation) => conversation.id !== currentConversationId).length === 0 ? (
          <p className="muted">{t('customer.noPrevious')}</p>
        ) : (
          <ul className="previous-list" data-testid="previous-conversations">
            {conversations
              .filter((conversation) => conversation.id !== currentConversationId)
              .map((conversation) => {
                const channel = directory.channel.get(conversation.channelId);
                return (
                  <li key={conversation.id}>
                    <Link
                      href={`/inbox/${conversation.id}?view=all&status=open,pending,snoozed,resolved,closed`}
                    >
                      <ChannelIcon kind={channel?.kind} label={channel?.name ?? t('app.unknown')} />
                      <span className="previous-channel">{channel?.name}</span>
                      <span className="muted">#{conversation.number}</span>
                      <span className={`status status-${conversation.status}`}>
                        {t(`status.${conversation.status}`)}
                      </span>
                      <span className="previous-preview">
                        {conversation.subject ?? conversation.lastMessagePreview ?? ''}
                      </span>
                      <time dateTime={conversation.lastActivityAt}>
                        {new Date(conversation.lastActivityAt).toLocaleDateString(i18n.language)}
                      </time>
                    </Link>
                  </li>
                );
              })}
          </ul>
        )}
      </section>

      <CrmSection contactId={contact.id} />
      <Link className="button button-small" href={`/contacts/${contact.id}`}>
        {t('customer.openContact')}
      </Link>
    </aside>
  );
}

/** Shows a value; a click turns it into a field saved with Enter (Escape cancels). */
export function InlineEdit({
  label,
  value,
  display,
  onSave,
}: {
  label: string;
  value: string;
  display?: ReactNode;
  onSave: (value: string) => void;
}) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(value);
  if (!editing) {
    return (
      <div className="inline-edit">
        {display ?? <span>{value || '—'}</span>}
        <button
          type="button"
          className="button-link"
          aria-label={`${t('app.edit')}: ${label}`}
          onClick={() => {
            setDraft(value);
            setEditing(true);
          }}
        >
          {t('app.edit')}
        </button>
      </div>
    );
  }
  return (
    <form
      className="inline-form"
      onSubmit={(event) => {
        event.preventDefault();
        onSave(draft);
        setEditing(false);
      }}
    >
      <label className="grow">
        <span className="visually-hidden">{label}</span>
        <input
          value={draft}
          onChange={(event) => setDraft(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Escape') {
              event.stopPropagation();
              setEditing(false);
            }
          }}
        />
      </label>
      <button type="submit" className="button button-small">
        {t('app.save')}
      </button>
    </form>
  );
}
