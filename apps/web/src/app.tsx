import { useEffect, useRef, type ReactNode } from 'react';
import { Link, matchPath, useLocation } from './router.js';
import { useSession } from './session/session.js';
import { SignInForm } from './pages/sign-in.js';
import { EnvironmentsPage } from './pages/environments.js';
import { EnvironmentPage } from './pages/environment-detail.js';
import { DeploymentsPage } from './pages/deployments.js';
import { DeployPage } from './pages/deploy-form.js';
import { DeploymentPage } from './pages/deployment-detail.js';
import { ServiceSlicesPage } from './pages/service-slices.js';
import { ComparePage } from './pages/compare.js';
import { AuditPage } from './pages/audit.js';
import { ItemHistoryPage } from './pages/item-history.js';
import { AdminPage } from './admin/admin-page.js';
import { TokensPage } from './admin/tokens-page.js';
import { SavingsPage } from './cost/savings-page.js';
import { SubscriptionsPage } from './notifications/subscriptions-page.js';
import { ConfigIndexPage, ConfigListPage, ItemPage, NewItemPage } from './config-editor/config-pages.js';

interface Route {
  pattern: string;
  title: string;
  render: (params: Record<string, string>) => ReactNode;
}

const ROUTES: Route[] = [
  { pattern: '/', title: 'Environments', render: () => <EnvironmentsPage /> },
  { pattern: '/environments', title: 'Environments', render: () => <EnvironmentsPage /> },
  { pattern: '/environments/:name', title: 'Environment', render: (p) => <EnvironmentPage name={p['name'] ?? ''} /> },
  { pattern: '/environments/:env/services/:service', title: 'Service', render: (p) => <ServiceSlicesPage environment={p['env'] ?? ''} service={p['service'] ?? ''} /> },
  { pattern: '/deployments', title: 'Deployments', render: () => <DeploymentsPage /> },
  { pattern: '/deploy', title: 'Deploy', render: () => <DeployPage /> },
  { pattern: '/deployments/:id', title: 'Deployment', render: (p) => <DeploymentPage id={p['id'] ?? ''} /> },
  { pattern: '/compare', title: 'Compare environments', render: () => <ComparePage /> },
  { pattern: '/audit', title: 'Audit', render: () => <AuditPage /> },
  { pattern: '/config', title: 'Configuration', render: () => <ConfigIndexPage /> },
  { pattern: '/config/new/:type', title: 'New item', render: (p) => <NewItemPage type={p['type'] ?? ''} /> },
  { pattern: '/config/:type', title: 'Configuration', render: (p) => <ConfigListPage type={p['type'] ?? ''} /> },
  { pattern: '/config/:type/:key', title: 'Configuration item', render: (p) => <ItemPage type={p['type'] ?? ''} itemKey={p['key'] ?? ''} /> },
  { pattern: '/savings', title: 'Savings', render: () => <SavingsPage /> },
  { pattern: '/notifications', title: 'Notifications', render: () => <SubscriptionsPage /> },
  { pattern: '/admin', title: 'Administration', render: () => <AdminPage /> },
  { pattern: '/tokens', title: 'API tokens', render: () => <TokensPage /> },
  { pattern: '/audit/:type/:key', title: 'History', render: (p) => <ItemHistoryPage type={p['type'] ?? ''} itemKey={p['key'] ?? ''} /> },
];

const NAV = [
  { to: '/environments', label: 'Environments', section: '/environments' },
  { to: '/deployments', label: 'Deployments', section: '/deploy' },
  { to: '/compare', label: 'Compare', section: '/compare' },
  { to: '/config', label: 'Configuration', section: '/config' },
  { to: '/audit', label: 'Audit', section: '/audit' },
  { to: '/savings', label: 'Savings', section: '/savings' },
  { to: '/notifications', label: 'Notifications', section: '/notifications' },
  { to: '/admin', label: 'Admin', section: '/tokens' },
];

export function App() {
  const session = useSession();
  const { path } = useLocation();
  const mainRef = useRef<HTMLElement>(null);
  const found = ROUTES.map((r) => ({ r, params: matchPath(r.pattern, path) })).find((m) => m.params !== undefined);
  useEffect(() => {
    document.title = `${found?.r.title ?? 'Not found'} · Environment Manager`;
    // after a navigation, keyboard and screen reader users continue at the new page's content
    mainRef.current?.focus({ preventScroll: true });
  }, [path, found?.r.title]);
  if (session.state.status === 'loading') return <p className="loading">Loading…</p>;
  if (session.state.status === 'signed-out') return <SignInForm onSignIn={session.signIn} />;
  const who = session.state.who;
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">Environment Manager</span>
        <nav aria-label="Main">
          <ul>
            {NAV.map((n) => {
              const current = path === n.to || path.startsWith(`${n.to}/`) || path.startsWith(n.section) || (n.to === '/environments' && path === '/');
              return (
                <li key={n.to}>
                  <Link to={n.to} aria-current={current ? 'page' : undefined}>
                    {n.label}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
        <div className="who">
          <span>
            Signed in as <strong data-testid="who">{who.name}</strong>
            {who.isAdmin && <span className="badge">admin</span>}
          </span>
          <button type="button" onClick={() => void session.signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" ref={mainRef} tabIndex={-1}>
        {found?.params ? found.r.render(found.params) : <NotFound path={path} />}
      </main>
    </>
  );
}

function NotFound({ path }: { path: string }) {
  return (
    <>
      <h1>Page not found</h1>
      <p>
        There is no page at <code>{path}</code>. Go to the <Link to="/environments">environments</Link>.
      </p>
    </>
  );
}
