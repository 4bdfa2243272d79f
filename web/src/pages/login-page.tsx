import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../api/errors.ts';
import { LANGUAGES, type Language, setLanguage } from '../i18n/index.ts';
import { useSession } from '../shell/session.tsx';

export function LoginPage() {
  const { t, i18n } = useTranslation();
  const { signIn, reason } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [tenant, setTenant] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn({ email: email.trim(), password, ...(tenant.trim() ? { tenant: tenant.trim() } : {}) });
      if (window.location.pathname === '/login' || window.location.pathname === '/') {
        window.history.replaceState(null, '', '/inbox');
      }
    } catch (caught) {
      setError(describeError(caught, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login" id="main">
      <form className="login-card" onSubmit={(event) => void submit(event)} aria-labelledby="login-title">
        <div className="login-brand" aria-hidden="true">
          U
        </div>
        <h1 id="login-title">{t('login.title')}</h1>
        {reason === 'expired' && (
          <p className="notice notice-warn" role="alert">
            {t('login.expired')}
          </p>
        )}
        {reason === 'signed-out' && <p className="notice">{t('login.signedOut')}</p>}
        <label className="field">
          <span>{t('login.email')}</span>
          <input
            type="email"
            name="email"
            autoComplete="username"
            required
            value={email}
            onChange={(event) => setEmail(event.target.value)}
          />
        </label>
        <label className="field">
          <span>{t('login.password')}</span>
          <input
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </label>
        <details className="login-tenant">
          <summary>{t('login.tenant')}</summary>
          <label className="field">
            <span>
              {t('login.tenant')} ({t('app.optional')})
            </span>
            <input name="tenant" value={tenant} onChange={(event) => setTenant(event.target.value)} />
            <small>{t('login.tenantHint')}</small>
          </label>
        </details>
        {error && (
          <p className="notice notice-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="button button-primary button-block" disabled={busy}>
          {busy ? t('login.submitting') : t('login.submit')}
        </button>
        <p className="hint">{t('login.firstRun')}</p>
        <label className="login-language">
          <span>{t('nav.language')}</span>
          <select
            value={i18n.language}
            onChange={(event) => void setLanguage(event.target.value as Language)}
          >
            {LANGUAGES.map((language) => (
              <option key={language} value={language}>
                {t(`language.${language}`)}
              </option>
            ))}
          </select>
        </label>
      </form>
    </main>
  );
}
