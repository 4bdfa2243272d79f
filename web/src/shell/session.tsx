import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { api, onSessionExpired, setCsrfToken } from '../api/client.ts';
import type { Login, Me, MeUpdate } from '../api/types.ts';
import { isLanguage, setLanguage } from '../i18n/index.ts';

export type SignedOutReason = 'expired' | 'signed-out' | null;

interface Session {
  me: Me | null;
  loading: boolean;
  reason: SignedOutReason;
  signIn(login: Login): Promise<void>;
  /** Accepts an invitation link: joins its tenant and signs in there. */
  acceptInvitation(token: string, body: { password: string; name?: string }): Promise<void>;
  signOut(): Promise<void>;
  updateMe(changes: MeUpdate): Promise<Me>;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const client = useQueryClient();
  const [me, setMe] = useState<Me | null>(null);
  const [loading, setLoading] = useState(true);
  const [reason, setReason] = useState<SignedOutReason>(null);

  const adopt = useCallback((next: Me) => {
    setCsrfToken(next.csrfToken);
    setMe(next);
    if (isLanguage(next.user.language)) void setLanguage(next.user.language);
  }, []);

  useEffect(() => {
    api
      .get<Me>('/api/v1/me')
      .then(adopt, () => setMe(null))
      .finally(() => setLoading(false));
  }, [adopt]);

  useEffect(
    () =>
      onSessionExpired(() => {
        setMe((current) => {
          if (current) setReason('expired');
          return null;
        });
        setCsrfToken(null);
      }),
    [],
  );

  const value = useMemo<Session>(
    () => ({
      me,
      loading,
      reason,
      async signIn(login) {
        const next = await api.post<Me>('/api/v1/auth/login', login);
        client.clear();
        setReason(null);
        adopt(next);
      },
      async acceptInvitation(token, body) {
        const next = await api.post<Me>(`/api/v1/invitations/${encodeURIComponent(token)}/accept`, body);
        client.clear();
        setReason(null);
        adopt(next);
      },
      async signOut() {
        await api.post('/api/v1/auth/logout').catch(() => undefined);
        setCsrfToken(null);
        client.clear();
        setReason('signed-out');
        setMe(null);
      },
      async updateMe(changes) {
        const next = await api.patch<Me>('/api/v1/me', changes);
        adopt(next);
        return next;
      },
    }),
    [me, loading, reason, client, adopt],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

/** The signed-in user; only inside the workspace, where a session is guaranteed. */
export function useMe(): Me {
  const { me } = useSession();
  if (!me) throw new Error('useMe without a session');
  return me;
}
