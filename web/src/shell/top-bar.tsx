import { useTranslation } from 'react-i18next';
import { describeError } from '../api/errors.ts';
import { Avatar } from '../components/avatar.tsx';
import { LANGUAGES, type Language, setLanguage } from '../i18n/index.ts';
import { Link, useLocation } from '../router.tsx';
import { useRealtime } from './realtime-provider.tsx';
import { useMe, useSession } from './session.tsx';
import { showToast } from './toasts.tsx';

export function TopBar({ onHelp }: { onHelp: () => void }) {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const { signOut, updateMe } = useSession();
  const { status, newWork } = useRealtime();
  const { path } = useLocation();
  const section = path.split('/')[1] ?? 'inbox';

  const changeLanguage = async (language: Language) => {
    await setLanguage(language);
    try {
      await updateMe({ language });
      showToast(i18n.t('me.languageChanged'), { tone: 'success' });
    } catch (error) {
      showToast(describeError(error, i18n.t), { tone: 'error' });
    }
  };

  return (
    <header className="top-bar">
      <Link href="/inbox" className="brand" aria-label={t('app.name')}>
        <span className="brand-mark" aria-hidden="true">
          U
        </span>
        <span className="brand-name">{t('app.name')}</span>
      </Link>
      <nav aria-label={t('nav.main')} className="main-nav">
        <Link href="/inbox" aria-current={section === 'inbox' ? 'page' : undefined}>
          {t('nav.inbox')}
          {newWork.size > 0 && (
            <span className="badge" data-testid="new-work-badge">
              {t('nav.newWork', { count: newWork.size })}
            </span>
          )}
        </Link>
        <Link href="/contacts" aria-current={section === 'contacts' ? 'page' : undefined}>
          {t('nav.contacts')}
        </Link>
        {me.user.role === 'admin' && (
          <Link href="/admin/channels" aria-current={section === 'admin' ? 'page' : undefined}>
            {t('nav.admin')}
          </Link>
        )}
      </nav>
      <div className="top-bar-tools">
        <span className={`connection connection-${status}`} role="status">
          <span className="connection-dot" aria-hidden="true" />
          {status === 'open'
            ? t('nav.connected')
            : status === 'connecting'
              ? t('nav.connecting')
              : t('nav.offline')}
        </span>
        <label className="language-select">
          <span className="visually-hidden">{t('nav.language')}</span>
          <select
            value={i18n.language}
            onChange={(event) => void changeLanguage(event.target.value as Language)}
          >
            {LANGUAGES.map((language) => (
              <option key={language} value={language}>
                {t(`language.${language}`)}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="icon-button"
          aria-label={t('nav.shortcuts')}
          title={t('nav.shortcuts')}
          onClick={onHelp}
        >
          ?
        </button>
        <span className="me">
          <Avatar id={me.user.id} name={me.user.name} size={28} />
          <span className="me-name">{me.user.name}</span>
        </span>
        <button type="button" className="button button-quiet" onClick={() => void signOut()}>
          {t('nav.signOut')}
        </button>
      </div>
    </header>
  );
}
