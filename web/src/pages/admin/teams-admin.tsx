import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import { keys, useTeams, useUsers } from '../../api/queries.ts';
import type { Team, TeamInput } from '../../api/types.ts';
import { ErrorNotice, Spinner } from '../../components/feedback.tsx';
import { useAdminMutation } from './use-admin-mutation.ts';

export function TeamsAdmin() {
  const { t } = useTranslation();
  const teams = useTeams();
  const users = useUsers().data?.items ?? [];
  const [name, setName] = useState('');
  const save = useAdminMutation(keys.teams, ({ id, input }: { id?: string; input: TeamInput }) =>
    id ? api.put<Team>(`/api/v1/teams/${id}`, input) : api.post<Team>('/api/v1/teams', input),
  );
  const remove = useAdminMutation(keys.teams, (id: string) => api.delete(`/api/v1/teams/${id}`));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate({ input: { name: name.trim(), memberIds: [] } }, { onSuccess: () => setName('') });
  };
  const toggleMember = (team: Team, userId: string) => {
    const memberIds = team.memberIds.includes(userId)
      ? team.memberIds.filter((id) => id !== userId)
      : [...team.memberIds, userId];
    save.mutate({ id: team.id, input: { name: team.name, memberIds } });
  };

  return (
    <section className="admin-section" aria-labelledby="teams-title">
      <h2 id="teams-title">{t('admin.teams')}</h2>
      {teams.isPending ? (
        <Spinner />
      ) : teams.isError ? (
        <ErrorNotice error={teams.error} onRetry={() => void teams.refetch()} />
      ) : (
        <div className="card-list">
          {teams.data.items.map((team) => (
            <fieldset key={team.id} className="card">
              <legend>{team.name}</legend>
              <p className="muted">{t('admin.members')}</p>
              <div className="member-grid">
                {users.map((user) => (
                  <label key={user.id} className="check">
                    <input
                      type="checkbox"
                      checked={team.memberIds.includes(user.id)}
                      onChange={() => toggleMember(team, user.id)}
                    />
                    <span>{user.name}</span>
                  </label>
                ))}
              </div>
              <button
                type="button"
                className="button button-small button-danger"
                onClick={() =>
                  window.confirm(t('app.confirmDelete', { name: team.name })) && remove.mutate(team.id)
                }
              >
                {t('app.delete')}
              </button>
            </fieldset>
          ))}
        </div>
      )}
      <form className="form form-inline-grid" onSubmit={submit}>
        <h3>{t('admin.createTeam')}</h3>
        <label className="field">
          <span>{t('admin.teamName')}</span>
          <input required maxLength={100} value={name} onChange={(event) => setName(event.target.value)} />
        </label>
        <button type="submit" className="button button-primary" disabled={save.isPending}>
          {t('admin.createTeam')}
        </button>
      </form>
    </section>
  );
}
