import { useTranslation } from 'react-i18next';
import { Link } from '../../router.tsx';
import { useMe } from '../../shell/session.tsx';
import { CannedAnswersAdmin } from './canned-answers-admin.tsx';
import { ChannelsAdmin } from './channels-admin.tsx';
import { LabelsAdmin } from './labels-admin.tsx';
import { SettingsAdmin } from './settings-admin.tsx';
import { TeamsAdmin } from './teams-admin.tsx';
import { UsersAdmin } from './users-admin.tsx';

const SECTIONS = ['channels', 'users', 'teams', 'labels', 'canned', 'settings'] as const;
type Section = (typeof SECTIONS)[number];

/** Administration: channels, people, catalogues and settings later issues slot into. */
export function AdminPage({ section }: { section: string | undefined }) {
  const { t } = useTranslation();
  const me = useMe();
  if (me.user.role !== 'admin') {
    return (
      <div className="page">
        <p className="notice">{t('admin.adminOnly')}</p>
      </div>
    );
  }
  const current: Section = (SECTIONS as readonly string[]).includes(section ?? '')
    ? (section as Section)
    : 'channels';
  return (
    <div className="admin">
      <nav className="admin-nav" aria-label={t('admin.sections')}>
        <h1 className="sidebar-heading">{t('admin.title')}</h1>
        <ul>
          {SECTIONS.map((entry) => (
            <li key={entry}>
              <Link href={`/admin/${entry}`} aria-current={entry === current ? 'page' : undefined}>
                {t(`admin.${entry}`)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <div className="admin-content">
        {current === 'channels' && <ChannelsAdmin />}
        {current === 'users' && <UsersAdmin />}
        {current === 'teams' && <TeamsAdmin />}
        {current === 'labels' && <LabelsAdmin />}
        {current === 'canned' && <CannedAnswersAdmin />}
        {current === 'settings' && <SettingsAdmin />}
      </div>
    </div>
  );
}
