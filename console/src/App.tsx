import { type MouseEvent, type ReactElement, useEffect, useState } from 'react';
import { SessionProvider, useSession } from './session';
import { AdminPage } from './pages/AdminPage';
import { FeedPage } from './pages/FeedPage';
import { JobsPage } from './pages/JobsPage';
import { OperationsPage } from './pages/OperationsPage';
import { PredictPage } from './pages/PredictPage';
import { ReportsPage } from './pages/ReportsPage';
import { SignInPage, SignUpPage } from './pages/AccountPages';

interface Page {
  path: string;
  title: string;
  render: () => ReactElement;
  admin?: boolean;
}

const PAGES: Page[] = [
  { path: '/predict', title: 'Predict an ETA', render: () => <PredictPage /> },
  { path: '/jobs', title: 'Batch jobs', render: () => <JobsPage /> },
  { path: '/reports', title: 'Reports', render: () => <ReportsPage /> },
  { path: '/notifications', title: 'Notifications', render: () => <FeedPage /> },
  { path: '/admin', title: 'Administration', render: () => <AdminPage />, admin: true },
  { path: '/operations', title: 'Operations', render: () => <OperationsPage />, admin: true },
];

function usePath(): [string, (path: string) => void] {
  const [path, setPath] = useState(() => window.location.pathname);
  useEffect(() => {
    const onPop = () => setPath(window.location.pathname);
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const navigate = (next: string) => {
    if (next !== window.location.pathname) window.history.pushState(null, '', next);
    setPath(next);
  };
  return [path, navigate];
}

function Shell() {
  const { user, signOut, live } = useSession();
  const [path, navigate] = usePath();
  const link = (to: string) => (event: MouseEvent<HTMLAnchorElement>) => {
    event.preventDefault();
    navigate(to);
  };

  useEffect(() => {
    if (!user && path !== '/signin' && path !== '/signup') navigate('/signin');
    if (user && (path === '/signin' || path === '/signup' || path === '/')) navigate('/predict');
  });

  const visible = PAGES.filter((p) => !p.admin || user?.role === 'admin');
  const page = visible.find((p) => p.path === path);
  useEffect(() => {
    document.title = `${page?.title ?? (path === '/signup' ? 'Sign up' : 'Sign in')} · Polyglot console`;
  }, [page, path]);

  return (
    <>
      <a className="skip-link" href="#main">Skip to content</a>
      <header className="top">
        <span className="brand">Polyglot platform</span>
        {user ? (
          <nav aria-label="Console">
            {visible.map((p) => (
              <a key={p.path} href={p.path} onClick={link(p.path)} aria-current={p.path === path ? 'page' : undefined}>
                {p.title}
              </a>
            ))}
          </nav>
        ) : null}
        <nav aria-label="API documentation" className="docs">
          <a href="/docs">API docs</a>
          <a href="/redoc">ReDoc</a>
        </nav>
        {user ? (
          <div className="whoami">
            <span className={`live live-${live.kind}`} role="status">
              {live.kind === 'live' ? `live (${live.via === 'sse' ? 'SSE' : 'WebSocket'})`
                : live.kind === 'waiting' ? `reconnecting in ${Math.ceil(live.retryInMs / 1000)} s`
                : live.kind === 'connecting' ? 'connecting…' : `offline: ${live.reason}`}
            </span>
            <span>{user.name} ({user.role})</span>
            <button type="button" onClick={() => void signOut().then(() => navigate('/signin'))}>Sign out</button>
          </div>
        ) : null}
      </header>
      <main id="main" tabIndex={-1}>
        {!user ? (
          path === '/signup' ? <SignUpPage onSignIn={() => navigate('/signin')} /> : <SignInPage onSignUp={() => navigate('/signup')} />
        ) : page ? (
          <>
            <h1>{page.title}</h1>
            {page.render()}
          </>
        ) : (
          <p>Nothing here. Choose a page above.</p>
        )}
      </main>
    </>
  );
}

export function App() {
  return (
    <SessionProvider>
      <Shell />
    </SessionProvider>
  );
}
