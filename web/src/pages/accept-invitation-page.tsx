import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import { describeError } from '../api/errors.ts';
import { Spinner } from '../components/feedback.tsx';
import { navigate } from '../router.tsx';
import { useSession } from '../shell/session.tsx';

interface InvitationPreview {
  email: string;
  role: string;
  tenant: { slug: string; name: string };
  expiresAt: string;
}

/** The page an invitation link opens: the person proves (or chooses) their password and joins. */
export function AcceptInvitationPage({ token }: { token: string }) {
  const { t } = useTranslation();
  const { acceptInvitation } = useSession();
  const preview = useQuery({
    queryKey: ['invitation', token],
    queryFn: () => api.get<InvitationPreview>(`/api/v1/invitations/${encodeURIComponent(token)}`),
    retry: false,
  });
  const [password, setPassword] = useState('');
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await acceptInvitation(token, { password, ...(name.trim() ? { name: name.trim() } : {}) });
      navigate('/inbox', { replace: true });
    } catch (caught) {
      setError(describeError(caught, t));
    } finally {
      setBusy(false);
    }
  };

  if (preview.isPending) return <Spinner />;
  return (
    <main className="login" id="main">
      {preview.isError ? (
        <p className="login-card notice notice-error" role="alert">
          {t('invitation.invalid')}
        </p>
      ) : (
        <form
          className="login-card"
          onSubmit={(event) => void submit(event)}
          aria-labelledby="invitation-title"
        >
          <h1 id="invitation-title">{t('invitation.title', { tenant: preview.data.tenant.name })}</h1>
          <p>{t('invitation.intro', { role: preview.data.role, email: preview.data.email })}</p>
          <label className="field">
            <span>{t('invitation.password')}</span>
            <input
              type="password"
              required
              autoComplete="current-password"
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
            <small>{t('invitation.passwordHint')}</small>
          </label>
          <label className="field">
            <span>{t('invitation.name')}</span>
            <input value={name} onChange={(event) => setName(event.target.value)} />
          </label>
          {error && (
            <p className="notice notice-error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" className="button button-primary" disabled={busy}>
            {t('invitation.accept')}
          </button>
        </form>
      )}
    </main>
  );
}
