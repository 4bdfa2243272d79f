import { lazy, Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Spinner } from '../components/feedback.tsx';
import { InboxPage } from '../inbox/inbox-page.tsx';
import { isTyping } from '../lib/keyboard.ts';
import { AcceptInvitationPage } from '../pages/accept-invitation-page.tsx';
import { LoginPage } from '../pages/login-page.tsx';
import { matchPath, navigate, useLocation } from '../router.tsx';
import { RealtimeProvider } from './realtime-provider.tsx';
import { SessionProvider, useSession } from './session.tsx';
import { ShortcutsHelp } from './shortcuts-help.tsx';
import { Toasts } from './toasts.tsx';
import { TopBar } from './top-bar.tsx';

// Secondary areas load on demand, keeping the inbox's first load small.
const ContactsPage = lazy(() =>
  import('../pages/contacts-page.tsx').then((module) => ({ default: module.ContactsPage })),
);
const ContactPage = lazy(() =>
  import('../pages/contact-page.tsx').then((module) => ({ default: module.ContactPage })),
);
const AdminPage = lazy(() =>
  import('../pages/admin/admin-page.tsx').then((module) => ({ default: module.AdminPage })),
);

export function App() {
  return (
    <SessionProvider>
      <Root />
      <Toasts />
    </SessionProvider>
  );
}

function Root() {
  const { me, loading } = useSession();
  const { path } = useLocation();
  useEffect(() => {
    if (!loading && me && (path === '/' || path === '/login')) navigate('/inbox', { replace: true });
  }, [loading, me, path]);
  if (loading) return <Spinner />;
  const invitation = matchPath('/invitations/:token', path);
  if (invitation) return <AcceptInvitationPage token={invitation.token!} />;
  if (!me) return <LoginPage />;
  return (
    <RealtimeProvider>
      <Workspace />
    </RealtimeProvider>
  );
}

function Workspace() {
  const { t } = useTranslation();
  const { path } = useLocation();
  const [helpOpen, setHelpOpen] = useState(false);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === '?' && !isTyping(event.target)) {
        event.preventDefault();
        setHelpOpen(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  useGoShortcuts();

  let page = <InboxPage />;
  const contact = matchPath('/contacts/:id', path);
  if (contact) page = <ContactPage id={contact.id!} />;
  else if (matchPath('/contacts', path)) page = <ContactsPage />;
  else if (matchPath('/admin/:section?', path))
    page = <AdminPage section={matchPath('/admin/:section?', path)?.section} />;

  return (
    <div className="workspace">
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <TopBar onHelp={() => setHelpOpen(true)} />
      <main id="main" className="workspace-main" tabIndex={-1}>
        <Suspense fallback={<Spinner />}>{page}</Suspense>
      </main>
      <ShortcutsHelp open={helpOpen} onClose={() => setHelpOpen(false)} />
    </div>
  );
}

/** `g i` → inbox, `g c` → contacts. */
function useGoShortcuts() {
  useEffect(() => {
    let pendingG = 0;
    const onKey = (event: KeyboardEvent) => {
      if (isTyping(event.target) || event.metaKey || event.ctrlKey || event.altKey) return;
      if (event.key === 'g') {
        pendingG = Date.now();
        return;
      }
      if (Date.now() - pendingG > 1_000) return;
      if (event.key === 'i') navigate('/inbox');
      if (event.key === 'c') navigate('/contacts');
      pendingG = 0;
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
