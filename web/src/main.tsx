import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiError } from './api/client.ts';
import { conversationListQuery } from './api/queries.ts';
import { initI18n } from './i18n/index.ts';
import { filtersFor, parseInboxState } from './lib/inbox-views.ts';
import { App } from './shell/app.tsx';
import './styles.css';

initI18n();

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A 4xx will not get better by asking again; network trouble might.
      retry: (failures, error) =>
        failures < 3 && (!(error instanceof ApiError) || error.status === 0 || error.status >= 500),
      refetchOnWindowFocus: false,
    },
  },
});

// The inbox list is what the agent waits for: ask for it together with the session, not after it.
if (window.location.pathname.startsWith('/inbox')) {
  const state = parseInboxState(window.location.search);
  if (!state.view.startsWith('saved:')) {
    void queryClient.prefetchInfiniteQuery(conversationListQuery(filtersFor(state))).catch(() => undefined);
  }
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
