import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import { keys, useLabels } from '../../api/queries.ts';
import type { Label, LabelInput } from '../../api/types.ts';
import { ErrorNotice, Spinner } from '../../components/feedback.tsx';
import { useAdminMutation } from './use-admin-mutation.ts';

export function LabelsAdmin() {
  const { t } = useTranslation();
  const labels = useLabels();
  const [form, setForm] = useState({ name: '', color: '#2563eb', description: '' });
  const create = useAdminMutation(keys.labels, (input: LabelInput) =>
    api.post<Label>('/api/v1/labels', input),
  );
  const update = useAdminMutation(keys.labels, ({ id, color }: { id: string; color: string }) =>
    api.patch<Label>(`/api/v1/labels/${id}`, { color }),
  );
  const remove = useAdminMutation(keys.labels, (id: string) => api.delete(`/api/v1/labels/${id}`));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(
      { name: form.name.trim(), color: form.color, description: form.description.trim() || null },
      { onSuccess: () => setForm({ name: '', color: form.color, description: '' }) },
    );
  };
  return (
    <section className="admin-section" aria-labelledby="labels-title">
      <h2 id="labels-title">{t('admin.labels')}</h2>
      {labels.isPending ? (
        <Spinner />
      ) : labels.isError ? (
        <ErrorNotice error={labels.error} onRetry={() => void labels.refetch()} />
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('admin.labelName')}</th>
              <th scope="col">{t('admin.labelColor')}</th>
              <th scope="col">{t('admin.labelDescription')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('app.delete')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {labels.data.items.map((label) => (
              <tr key={label.id}>
                <td>
                  <span className="label-chip" style={{ borderColor: label.color }}>
                    {label.name}
                  </span>
                </td>
                <td>
                  <label>
                    <span className="visually-hidden">{`${t('admin.labelColor')}: ${label.name}`}</span>
                    <input
                      type="color"
                      value={label.color}
                      onChange={(event) => update.mutate({ id: label.id, color: event.target.value })}
                    />
                  </label>
                </td>
                <td>{label.description ?? '—'}</td>
                <td>
                  <button
                    type="button"
                    className="button button-small button-danger"
                    onClick={() =>
                      window.confirm(t('app.confirmDelete', { name: label.name })) && remove.mutate(label.id)
                    }
                  >
                    {t('app.delete')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="form form-inline-grid" onSubmit={submit}>
        <h3>{t('admin.createLabel')}</h3>
        <label className="field">
          <span>{t('admin.labelName')}</span>
          <input
            required
            maxLength={64}
            value={form.name}
            onChange={(event) => setForm({ ...form, name: event.target.value })}
          />
        </label>
        <label className="field">
          <span>{t('admin.labelColor')}</span>
          <input
            type="color"
            value={form.color}
            onChange={(event) => setForm({ ...form, color: event.target.value })}
          />
        </label>
        <label className="field">
          <span>{t('admin.labelDescription')}</span>
          <input
            maxLength={500}
            value={form.description}
            onChange={(event) => setForm({ ...form, description: event.target.value })}
          />
        </label>
        <button type="submit" className="button button-primary" disabled={create.isPending}>
          {t('admin.createLabel')}
        </button>
      </form>
    </section>
  );
}
