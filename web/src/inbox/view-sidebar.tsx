import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { describeError } from '../api/errors.ts';
import { keys, useCounts, useSavedViews } from '../api/queries.ts';
import type { ConversationStatus, Priority, View } from '../api/types.ts';
import { ChannelIcon } from '../components/icons.tsx';
import { filtersFor, type InboxState, PRIORITIES, STANDARD_VIEWS, STATUSES } from '../lib/inbox-views.ts';
import { useDirectory } from '../shell/directory.ts';
import { useMe } from '../shell/session.tsx';
import { showToast } from '../shell/toasts.tsx';

export function ViewSidebar({
  state,
  onChange,
}: {
  state: InboxState;
  onChange: (next: InboxState) => void;
}) {
  const { t } = useTranslation();
  const me = useMe();
  const directory = useDirectory();
  const counts = useCounts().data;
  const savedViews = useSavedViews().data?.items ?? [];
  const client = useQueryClient();
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState('');

  const seesAll = me.user.role !== 'agent';
  const teams = directory.teams.filter((team) => seesAll || me.user.teamIds.includes(team.id));
  const pickView = (view: string) => onChange({ view, sort: state.sort });
  const count = (value: number | undefined) =>
    value === undefined ? null : (
      <span className="count" title={t('views.count', { count: value })}>
        {value}
      </span>
    );

  const saveView = async (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) return;
    const { sort, ...filters } = filtersFor(state, savedViews);
    try {
      const view = await api.post<View>('/api/v1/inbox/views', {
        name: name.trim(),
        filters: { ...filters, sort },
      });
      await client.invalidateQueries({ queryKey: keys.views });
      void client.invalidateQueries({ queryKey: keys.counts });
      setNaming(false);
      setName('');
      onChange({ view: `saved:${view.id}` });
    } catch (error) {
      showToast(describeError(error, t), { tone: 'error' });
    }
  };

  const deleteView = async (view: View) => {
    if (!window.confirm(t('app.confirmDelete', { name: view.name }))) return;
    try {
      await api.delete(`/api/v1/inbox/views/${view.id}`);
      await client.invalidateQueries({ queryKey: keys.views });
      if (state.view === `saved:${view.id}`) pickView('mine');
    } catch (error) {
      showToast(describeError(error, t), { tone: 'error' });
    }
  };

  const viewButton = (view: string, label: string, value: number | undefined, icon?: string) => (
    <li key={view}>
      <button
        type="button"
        className="view-button"
        aria-current={state.view === view ? 'true' : undefined}
        onClick={() => pickView(view)}
      >
        {icon && <ChannelIcon kind={icon} label="" />}
        <span className="view-name">{label}</span>
        {count(value)}
      </button>
    </li>
  );

  return (
    <nav className="view-sidebar" aria-label={t('views.title')}>
      <h2 className="sidebar-heading">{t('views.title')}</h2>
      <ul className="view-list">
        {STANDARD_VIEWS.map((view) => viewButton(view, t(`views.${view}`), counts?.views[view]))}
      </ul>

      <h3 className="sidebar-heading">{seesAll ? t('views.teams') : t('views.myTeams')}</h3>
      {teams.length === 0 ? (
        <p className="sidebar-note">{t('views.noTeams')}</p>
      ) : (
        <ul className="view-list">
          {teams.map((team) => viewButton(`team:${team.id}`, team.name, counts?.teams[team.id] ?? 0))}
        </ul>
      )}

      <h3 className="sidebar-heading">{t('views.saved')}</h3>
      <ul className="view-list">
        {savedViews.map((view) => (
          <li key={view.id} className="saved-view">
            <button
              type="button"
              className="view-button"
              aria-current={state.view === `saved:${view.id}` ? 'true' : undefined}
              onClick={() => pickView(`saved:${view.id}`)}
            >
              <span className="view-name">{view.name}</span>
              {count(counts?.savedViews[view.id])}
            </button>
            <button
              type="button"
              className="icon-button icon-button-small"
              aria-label={t('views.deleteView', { name: view.name })}
              onClick={() => void deleteView(view)}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      {naming ? (
        <form className="save-view-form" onSubmit={(event) => void saveView(event)}>
          <label className="visually-hidden" htmlFor="saved-view-name">
            {t('views.saveName')}
          </label>
          <input
            id="saved-view-name"
            placeholder={t('views.saveName')}
            value={name}
            maxLength={80}
            onChange={(event) => setName(event.target.value)}
          />
          <button type="submit" className="button button-small">
            {t('app.save')}
          </button>
        </form>
      ) : (
        <button type="button" className="button-link" onClick={() => setNaming(true)}>
          + {t('views.saveCurrent')}
        </button>
      )}

      <h3 className="sidebar-heading">{t('views.filters')}</h3>
      <fieldset className="filter-group">
        <legend>{t('views.status')}</legend>
        {STATUSES.map((status) => {
          const active = (state.status?.length ? state.status : ['open']).includes(status);
          return (
            <label key={status} className="check">
              <input
                type="checkbox"
                checked={active}
                onChange={() => {
                  const current = state.status?.length ? state.status : (['open'] as ConversationStatus[]);
                  const next = active ? current.filter((entry) => entry !== status) : [...current, status];
                  onChange({ ...state, status: next.length ? next : undefined });
                }}
              />
              <span>{t(`status.${status}`)}</span>
              <span className="count-muted">{counts?.statuses[status] ?? 0}</span>
            </label>
          );
        })}
      </fieldset>
      <label className="field field-compact">
        <span>{t('views.channel')}</span>
        <select
          value={state.channel ?? ''}
          onChange={(event) => onChange({ ...state, channel: event.target.value || undefined })}
        >
          <option value="">{t('views.anyChannel')}</option>
          {directory.channels.map((channel) => (
            <option key={channel.id} value={channel.id}>
              {channel.name} ({counts?.channels[channel.id] ?? 0})
            </option>
          ))}
        </select>
      </label>
      <label className="field field-compact">
        <span>{t('views.label')}</span>
        <select
          value={state.label ?? ''}
          onChange={(event) => onChange({ ...state, label: event.target.value || undefined })}
        >
          <option value="">{t('views.anyLabel')}</option>
          {labelNames(
            directory.labels.map((label) => label.name),
            counts?.labels,
          ).map((label) => (
            <option key={label} value={label}>
              {label} ({counts?.labels[label] ?? 0})
            </option>
          ))}
        </select>
      </label>
      <label className="field field-compact">
        <span>{t('views.priority')}</span>
        <select
          value={state.priority?.[0] ?? ''}
          onChange={(event) =>
            onChange({
              ...state,
              priority: event.target.value ? [event.target.value as Priority] : undefined,
            })
          }
        >
          <option value="">{t('views.anyPriority')}</option>
          {PRIORITIES.map((priority) => (
            <option key={priority} value={priority}>
              {t(`priority.${priority}`)} ({counts?.priorities[priority] ?? 0})
            </option>
          ))}
        </select>
      </label>
      {(state.status || state.channel || state.label || state.priority) && (
        <button
          type="button"
          className="button-link"
          onClick={() => onChange({ view: state.view, sort: state.sort })}
        >
          {t('views.clearFilters')}
        </button>
      )}
    </nav>
  );
}

/** Catalogue labels plus any free-form label in use, sorted. */
function labelNames(catalogue: string[], inUse: Record<string, number> | undefined): string[] {
  return [...new Set([...catalogue, ...Object.keys(inUse ?? {})])].sort((left, right) =>
    left.localeCompare(right),
  );
}
