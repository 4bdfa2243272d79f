import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useUpdateConversation } from '../api/queries.ts';
import type { Conversation, ConversationUpdate, Priority } from '../api/types.ts';
import { PRIORITIES } from '../lib/inbox-views.ts';
import { useDirectory } from '../shell/directory.ts';
import { useMe } from '../shell/session.tsx';
import { showToast } from '../shell/toasts.tsx';

/** Actions on every selected conversation; each is a PATCH, four at a time. */
export function BulkBar({
  selected,
  conversations,
  onClear,
}: {
  selected: Set<string>;
  conversations: Map<string, Conversation>;
  onClear: () => void;
}) {
  const { t } = useTranslation();
  const me = useMe();
  const directory = useDirectory();
  const update = useUpdateConversation(me.user.id);
  const [busy, setBusy] = useState(false);

  const apply = async (change: (conversation: Conversation | undefined) => ConversationUpdate) => {
    setBusy(true);
    const ids = [...selected];
    let failed = 0;
    for (let index = 0; index < ids.length; index += 4) {
      const results = await Promise.allSettled(
        ids
          .slice(index, index + 4)
          .map((id) => update.mutateAsync({ id, changes: change(conversations.get(id)) })),
      );
      failed += results.filter((result) => result.status === 'rejected').length;
    }
    setBusy(false);
    if (failed > 0) showToast(t('bulk.failed', { count: failed }), { tone: 'error' });
    else showToast(t('bulk.done', { count: ids.length }), { tone: 'success' });
    onClear();
  };

  return (
    <section className="bulk-bar" aria-label={t('list.selected', { count: selected.size })}>
      <strong>{t('list.selected', { count: selected.size })}</strong>
      <button
        type="button"
        className="button button-small"
        disabled={busy}
        onClick={() => void apply(() => ({ assigneeId: me.user.id }))}
      >
        {t('bulk.assignMe')}
      </button>
      <button
        type="button"
        className="button button-small"
        disabled={busy}
        onClick={() => void apply(() => ({ status: 'resolved' }))}
      >
        {t('bulk.resolve')}
      </button>
      <button
        type="button"
        className="button button-small"
        disabled={busy}
        onClick={() => void apply(() => ({ status: 'pending' }))}
      >
        {t('bulk.pending')}
      </button>
      <label className="bulk-select">
        <span className="visually-hidden">{t('bulk.addLabel')}</span>
        <select
          value=""
          disabled={busy}
          onChange={(event) => {
            const label = event.target.value;
            if (label)
              void apply((conversation) => ({
                labels: [...new Set([...(conversation?.labels ?? []), label])],
              }));
          }}
        >
          <option value="">{t('bulk.addLabel')}</option>
          {directory.labels.map((label) => (
            <option key={label.id} value={label.name}>
              {label.name}
            </option>
          ))}
        </select>
      </label>
      <label className="bulk-select">
        <span className="visually-hidden">{t('bulk.setPriority')}</span>
        <select
          value=""
          disabled={busy}
          onChange={(event) => {
            const priority = event.target.value as Priority;
            if (priority) void apply(() => ({ priority }));
          }}
        >
          <option value="">{t('bulk.setPriority')}</option>
          {PRIORITIES.map((priority) => (
            <option key={priority} value={priority}>
              {t(`priority.${priority}`)}
            </option>
          ))}
        </select>
      </label>
      <button type="button" className="button-link" onClick={onClear}>
        {t('bulk.clear')}
      </button>
    </section>
  );
}
