import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../api/errors.ts';
import { useUpdateConversation } from '../api/queries.ts';
import type { Conversation, ConversationUpdate, Priority } from '../api/types.ts';
import { PRIORITIES } from '../lib/inbox-views.ts';
import { snoozePresets, toLocalInput } from '../lib/time-format.ts';
import { useDirectory } from '../shell/directory.ts';
import { useMe } from '../shell/session.tsx';
import { showToast } from '../shell/toasts.tsx';

/** Hook for the conversation's changes, shared by buttons and keyboard shortcuts. */
export function useConversationChange(conversation: Conversation | undefined) {
  const { t } = useTranslation();
  const me = useMe();
  const update = useUpdateConversation(me.user.id);
  return {
    pending: update.isPending,
    change(changes: ConversationUpdate) {
      if (!conversation) return;
      update.mutate(
        { id: conversation.id, changes },
        { onError: (error) => showToast(describeError(error, t), { tone: 'error' }) },
      );
    },
  };
}

export function ConversationActions({ conversation }: { conversation: Conversation }) {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const directory = useDirectory();
  const { change, pending } = useConversationChange(conversation);
  const [snoozing, setSnoozing] = useState(false);
  const [customSnooze, setCustomSnooze] = useState(() => toLocalInput(new Date(Date.now() + 3_600_000)));
  const [newLabel, setNewLabel] = useState('');
  const active =
    conversation.status === 'open' || conversation.status === 'pending' || conversation.status === 'snoozed';
  const snooze = (until: Date) => {
    change({ status: 'snoozed', snoozedUntil: until.toISOString() });
    setSnoozing(false);
  };
  const addLabel = (label: string) => {
    const trimmed = label.trim();
    if (!trimmed || conversation.labels.includes(trimmed)) return;
    change({ labels: [...conversation.labels, trimmed] });
    setNewLabel('');
  };

  return (
    <fieldset className="conversation-actions">
      <legend className="visually-hidden">{t('actions.label')}</legend>
      <div className="action-row">
        {conversation.assigneeId !== me.user.id && (
          <button
            type="button"
            className="button button-small"
            disabled={pending}
            onClick={() => change({ assigneeId: me.user.id })}
          >
            {t('actions.assignMe')}
          </button>
        )}
        <label className="inline-field">
          <span>{t('actions.assignee')}</span>
          <select
            value={conversation.assigneeId ?? ''}
            onChange={(event) => change({ assigneeId: event.target.value || null })}
            data-testid="assignee"
          >
            <option value="">{t('actions.nobody')}</option>
            {directory.users.map((user) => (
              <option key={user.id} value={user.id}>
                {user.name}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-field">
          <span>{t('actions.team')}</span>
          <select
            value={conversation.teamId ?? ''}
            onChange={(event) => change({ teamId: event.target.value || null })}
          >
            <option value="">{t('actions.noTeam')}</option>
            {directory.teams.map((team) => (
              <option key={team.id} value={team.id}>
                {team.name}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-field">
          <span>{t('actions.priority')}</span>
          <select
            value={conversation.priority}
            onChange={(event) => change({ priority: event.target.value as Priority })}
          >
            {PRIORITIES.map((priority) => (
              <option key={priority} value={priority}>
                {t(`priority.${priority}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="action-row">
        <span className={`status status-${conversation.status}`} data-testid="conversation-status">
          {conversation.status === 'snoozed' && conversation.snoozedUntil
            ? t('actions.snoozedUntil', {
                time: new Date(conversation.snoozedUntil).toLocaleString(i18n.language),
              })
            : t(`status.${conversation.status}`)}
        </span>
        {active ? (
          <button
            type="button"
            className="button button-small button-primary"
            disabled={pending}
            onClick={() => change({ status: 'resolved' })}
          >
            {t('actions.resolve')}
          </button>
        ) : (
          <button
            type="button"
            className="button button-small"
            disabled={pending}
            onClick={() => change({ status: 'open' })}
          >
            {t('actions.reopen')}
          </button>
        )}
        {conversation.status !== 'pending' && active && (
          <button
            type="button"
            className="button button-small"
            disabled={pending}
            onClick={() => change({ status: 'pending' })}
          >
            {t('actions.pending')}
          </button>
        )}
        <div className="menu">
          <button
            type="button"
            className="button button-small"
            aria-expanded={snoozing}
            onClick={() => setSnoozing((open) => !open)}
          >
            {t('actions.snooze')}
          </button>
          {snoozing && (
            <div className="menu-panel">
              {snoozePresets(new Date()).map((preset) => (
                <button
                  key={preset.key}
                  type="button"
                  className="menu-item"
                  onClick={() => snooze(preset.until)}
                >
                  {t(
                    `actions.snooze${preset.key === 'hour' ? 'Hour' : preset.key === 'tomorrow' ? 'Tomorrow' : 'NextWeek'}`,
                  )}
                </button>
              ))}
              <label className="field field-compact">
                <span>{t('actions.snoozeCustom')}</span>
                <input
                  type="datetime-local"
                  value={customSnooze}
                  onChange={(event) => setCustomSnooze(event.target.value)}
                />
              </label>
              <button
                type="button"
                className="button button-small"
                onClick={() => snooze(new Date(customSnooze))}
              >
                {t('actions.snoozeUntil')}
              </button>
            </div>
          )}
        </div>
      </div>
      <div className="action-row labels-row">
        <span className="inline-label">{t('actions.labels')}</span>
        {conversation.labels.map((label) => (
          <span
            key={label}
            className="label-chip label-chip-removable"
            style={{ borderColor: directory.label.get(label)?.color }}
          >
            {label}
            <button
              type="button"
              aria-label={t('actions.removeLabel', { label })}
              onClick={() => change({ labels: conversation.labels.filter((entry) => entry !== label) })}
            >
              ×
            </button>
          </span>
        ))}
        <label className="inline-field">
          <span className="visually-hidden">{t('actions.addLabel')}</span>
          <input
            list="label-catalogue"
            placeholder={t('actions.addLabel')}
            value={newLabel}
            size={14}
            data-testid="add-label"
            onChange={(event) => setNewLabel(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Enter') {
                event.preventDefault();
                addLabel(newLabel);
              }
            }}
          />
        </label>
        <datalist id="label-catalogue">
          {directory.labels
            .filter((label) => !conversation.labels.includes(label.name))
            .map((label) => (
              <option key={label.id} value={label.name} />
            ))}
        </datalist>
        {newLabel.trim() && (
          <button type="button" className="button button-small" onClick={() => addLabel(newLabel)}>
            {t('app.add')}
          </button>
        )}
      </div>
    </fieldset>
  );
}
