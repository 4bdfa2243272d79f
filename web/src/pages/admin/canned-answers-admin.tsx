import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import { keys, useCannedAnswers } from '../../api/queries.ts';
import type { CannedAnswer, CannedAnswerInput } from '../../api/types.ts';
import { ErrorNotice, Spinner } from '../../components/feedback.tsx';
import { TEMPLATE_VARIABLES, unknownVariables } from '../../lib/template.ts';
import { useAdminMutation } from './use-admin-mutation.ts';

const EMPTY: CannedAnswerInput = { shortcut: '', title: '', body: '', language: null };

export function CannedAnswersAdmin() {
  const { t } = useTranslation();
  const answers = useCannedAnswers();
  const [form, setForm] = useState<CannedAnswerInput>(EMPTY);
  const [editing, setEditing] = useState<string | null>(null);
  const save = useAdminMutation(
    keys.canned,
    ({ id, input }: { id: string | null; input: CannedAnswerInput }) =>
      id
        ? api.patch<CannedAnswer>(`/api/v1/canned-answers/${id}`, input)
        : api.post<CannedAnswer>('/api/v1/canned-answers', input),
  );
  const remove = useAdminMutation(keys.canned, (id: string) => api.delete(`/api/v1/canned-answers/${id}`));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(
      { id: editing, input: form },
      {
        onSuccess: () => {
          setForm(EMPTY);
          setEditing(null);
        },
      },
    );
  };
  const unknown = unknownVariables(form.body);

  return (
    <section className="admin-section" aria-labelledby="canned-title">
      <h2 id="canned-title">{t('admin.canned')}</h2>
      {answers.isPending ? (
        <Spinner />
      ) : answers.isError ? (
        <ErrorNotice error={answers.error} onRetry={() => void answers.refetch()} />
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('admin.shortcut')}</th>
              <th scope="col">{t('admin.cannedTitle')}</th>
              <th scope="col">{t('admin.cannedBody')}</th>
              <th scope="col">{t('admin.cannedLanguage')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('app.edit')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {answers.data.items.map((answer) => (
              <tr key={answer.id}>
                <td>
                  <code>/{answer.shortcut}</code>
                </td>
                <td>{answer.title}</td>
                <td className="clip">{answer.body}</td>
                <td>{answer.language ? t(`language.${answer.language as 'de'}`) : t('admin.anyLanguage')}</td>
                <td className="nowrap">
                  <button
                    type="button"
                    className="button button-small"
                    onClick={() => {
                      setEditing(answer.id);
                      setForm({
                        shortcut: answer.shortcut,
                        title: answer.title,
                        body: answer.body,
                        language: answer.language as 'de' | null,
                      });
                    }}
                  >
                    {t('app.edit')}
                  </button>{' '}
                  <button
                    type="button"
                    className="button button-small button-danger"
                    onClick={() =>
                      window.confirm(t('app.confirmDelete', { name: answer.title })) &&
                      remove.mutate(answer.id)
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
      <form className="form" onSubmit={submit}>
        <h3>{editing ? t('app.edit') : t('admin.createCanned')}</h3>
        <div className="form-row">
          <label className="field">
            <span>{t('admin.shortcut')}</span>
            <input
              required
              pattern="[a-z0-9][a-z0-9_\-]{0,39}"
              value={form.shortcut}
              onChange={(event) => setForm({ ...form, shortcut: event.target.value.toLowerCase() })}
            />
          </label>
          <label className="field grow">
            <span>{t('admin.cannedTitle')}</span>
            <input
              required
              maxLength={200}
              value={form.title}
              onChange={(event) => setForm({ ...form, title: event.target.value })}
            />
          </label>
          <label className="field">
            <span>{t('admin.cannedLanguage')}</span>
            <select
              value={form.language ?? ''}
              onChange={(event) =>
                setForm({ ...form, language: (event.target.value || null) as 'de' | null })
              }
            >
              <option value="">{t('admin.anyLanguage')}</option>
              <option value="de">{t('language.de')}</option>
              <option value="en">{t('language.en')}</option>
            </select>
          </label>
        </div>
        <label className="field">
          <span>{t('admin.cannedBody')}</span>
          <textarea
            required
            rows={5}
            value={form.body}
            onChange={(event) => setForm({ ...form, body: event.target.value })}
          />
          <small>
            {t('admin.variables', { list: TEMPLATE_VARIABLES.map((name) => `{{${name}}}`).join(' ') })}
          </small>
          {unknown.length > 0 && (
            <small className="text-warn">{t('admin.unknownVariables', { list: unknown.join(', ') })}</small>
          )}
        </label>
        <div className="form-actions">
          {editing && (
            <button
              type="button"
              className="button"
              onClick={() => {
                setEditing(null);
                setForm(EMPTY);
              }}
            >
              {t('app.cancel')}
            </button>
          )}
          <button type="submit" className="button button-primary" disabled={save.isPending}>
            {editing ? t('app.save') : t('admin.createCanned')}
          </button>
        </div>
      </form>
    </section>
  );
}
