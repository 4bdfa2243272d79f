import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import { keys, useTenant } from '../../api/queries.ts';
import type { Tenant, TenantUpdate } from '../../api/types.ts';
import { ErrorNotice, Spinner } from '../../components/feedback.tsx';
import { showToast } from '../../shell/toasts.tsx';
import { useAdminMutation } from './use-admin-mutation.ts';

/** Workspace settings, plus the places routing, SLA and automation settings will live. */
export function SettingsAdmin() {
  const { t } = useTranslation();
  const tenant = useTenant();
  const [form, setForm] = useState<TenantUpdate>({});
  useEffect(() => {
    if (tenant.data) {
      const { name, defaultLanguage, timeZone, defaultCountry, reopenWindowMinutes } = tenant.data;
      setForm({
        name,
        defaultLanguage: defaultLanguage as 'de',
        timeZone,
        defaultCountry,
        reopenWindowMinutes,
      });
    }
  }, [tenant.data]);
  const save = useAdminMutation(keys.tenant, (input: TenantUpdate) =>
    api.patch<Tenant>('/api/v1/tenant', input),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(form, { onSuccess: () => showToast(t('app.saved'), { tone: 'success' }) });
  };

  if (tenant.isPending) return <Spinner />;
  if (tenant.isError) return <ErrorNotice error={tenant.error} onRetry={() => void tenant.refetch()} />;
  return (
    <section className="admin-section" aria-labelledby="settings-title">
      <h2 id="settings-title">{t('admin.settings')}</h2>
      <form className="form" onSubmit={submit}>
        <label className="field">
          <span>{t('admin.workspaceName')}</span>
          <input
            required
            value={form.name ?? ''}
            onChange={(event) => setForm({ ...form, name: event.target.value })}
          />
        </label>
        <div className="form-row">
          <label className="field">
            <span>{t('admin.defaultLanguage')}</span>
            <select
              value={form.defaultLanguage ?? 'en'}
              onChange={(event) => setForm({ ...form, defaultLanguage: event.target.value as 'de' })}
            >
              <option value="de">{t('language.de')}</option>
              <option value="en">{t('language.en')}</option>
            </select>
          </label>
          <label className="field">
            <span>{t('admin.tenantTimeZone')}</span>
            <input
              value={form.timeZone ?? ''}
              onChange={(event) => setForm({ ...form, timeZone: event.target.value })}
            />
          </label>
          <label className="field">
            <span>{t('admin.defaultCountry')}</span>
            <input
              maxLength={2}
              size={3}
              value={form.defaultCountry ?? ''}
              onChange={(event) => setForm({ ...form, defaultCountry: event.target.value.toUpperCase() })}
            />
          </label>
        </div>
        <label className="field">
          <span>{t('admin.reopenWindow')}</span>
          <input
            type="number"
            min={0}
            value={form.reopenWindowMinutes ?? 0}
            onChange={(event) => setForm({ ...form, reopenWindowMinutes: Number(event.target.value) })}
          />
          <small>{t('admin.reopenWindowHint')}</small>
        </label>
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={save.isPending}>
            {t('app.save')}
          </button>
        </div>
      </form>
      <h3>{t('admin.comingLater')}</h3>
      <div className="card-list" data-testid="settings-slots">
        {(['routing', 'sla', 'automation'] as const).map((slot) => (
          <article key={slot} className="card card-muted">
            <h4>{t(`admin.${slot}`)}</h4>
            <p className="muted">{t('admin.notYet')}</p>
          </article>
        ))}
      </div>
    </section>
  );
}
