import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import { keys, useUsers } from '../../api/queries.ts';
import type { CreatedInvitation, Role, User, UserInput, UserUpdate } from '../../api/types.ts';
import { Avatar } from '../../components/avatar.tsx';
import { ErrorNotice, Spinner } from '../../components/feedback.tsx';
import { useMe } from '../../shell/session.tsx';
import { useAdminMutation } from './use-admin-mutation.ts';

const ROLES: Role[] = ['agent', 'supervisor', 'admin'];

export function UsersAdmin() {
  const { t } = useTranslation();
  const me = useMe();
  const users = useUsers();
  const [form, setForm] = useState<UserInput>({ email: '', name: '', role: 'agent' });
  const [invited, setInvited] = useState<CreatedInvitation | null>(null);
  const create = useAdminMutation(keys.users, (input: UserInput) =>
    api.post<CreatedInvitation>('/api/v1/users', input),
  );
  const update = useAdminMutation(keys.users, ({ id, changes }: { id: string; changes: UserUpdate }) =>
    api.patch<User>(`/api/v1/users/${id}`, changes),
  );
  const remove = useAdminMutation(keys.users, (id: string) => api.delete(`/api/v1/users/${id}`));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(form, {
      onSuccess: (invitation) => {
        setInvited(invitation);
        setForm({ email: '', name: '', role: 'agent' });
      },
    });
  };

  return (
    <section className="admin-section" aria-labelledby="users-title">
      <h2 id="users-title">{t('admin.users')}</h2>
      {users.isPending ? (
        <Spinner />
      ) : users.isError ? (
        <ErrorNotice error={users.error} onRetry={() => void users.refetch()} />
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('admin.userName')}</th>
              <th scope="col">{t('admin.userEmail')}</th>
              <th scope="col">{t('admin.role')}</th>
              <th scope="col">{t('admin.availability')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('app.remove')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {users.data.items.map((user) => (
              <tr key={user.id}>
                <td>
                  <Avatar id={user.id} name={user.name} size={22} /> {user.name}
                </td>
                <td>{user.email}</td>
                <td>
                  <label>
                    <span className="visually-hidden">{t('admin.role')}</span>
                    <select
                      value={user.role}
                      disabled={user.id === me.user.id}
                      onChange={(event) =>
                        update.mutate({ id: user.id, changes: { role: event.target.value as Role } })
                      }
                    >
                      {ROLES.map((role) => (
                        <option key={role} value={role}>
                          {t(`admin.role_${role}`)}
                        </option>
                      ))}
                    </select>
                  </label>
                </td>
                <td>{t(`admin.availability_${user.availability}`)}</td>
                <td>
                  {user.id !== me.user.id && (
                    <button
                      type="button"
                      className="button button-small button-danger"
                      onClick={() =>
                        window.confirm(t('app.confirmDelete', { name: user.name })) && remove.mutate(user.id)
                      }
                    >
                      {t('admin.removeUser', { name: user.name })}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="form form-inline-grid" onSubmit={submit}>
        <h3>{t('admin.createUser')}</h3>
        <label className="field">
          <span>{t('admin.userName')}</span>
          <input
            required
            value={form.name}
            onChange={(event) => setForm({ ...form, name: event.target.value })}
          />
        </label>
        <label className="field">
          <span>{t('admin.userEmail')}</span>
          <input
            required
            type="email"
            value={form.email}
            onChange={(event) => setForm({ ...form, email: event.target.value })}
          />
        </label>
        <label className="field">
          <span>{t('admin.role')}</span>
          <select
            value={form.role}
            onChange={(event) => setForm({ ...form, role: event.target.value as Role })}
          >
            {ROLES.map((role) => (
              <option key={role} value={role}>
                {t(`admin.role_${role}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="button button-primary" disabled={create.isPending}>
          {t('admin.createUser')}
        </button>
      </form>
      {invited && (
        <p className="notice" role="status">
          {t('admin.invited', { email: invited.email })} <code>{invited.acceptUrl}</code>
        </p>
      )}
    </section>
  );
}
