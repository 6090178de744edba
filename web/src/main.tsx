/**
 * The dashboard's entry: log in (the one-time token from the URL fragment, or the session a reload
 * keeps), then the pages under a hash router, with the lost-connection banner and the error bar.
 */
import 'uplot/dist/uPlot.min.css';
import '@xterm/xterm/css/xterm.css';
import './styles.css';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { UI_TOKEN_FRAGMENT } from '../../src/ui/contract.ts';
import { login } from './api.ts';
import { connection, lastError, useStore } from './state.ts';
import { href, useRoute } from './router.ts';
import { ContainersPage } from './pages/containers.tsx';
import { ContainerDetail } from './pages/container-detail.tsx';
import { ImageDetail, ImagesPage } from './pages/images.tsx';
import { NetworksPage, VolumesPage } from './pages/networks-volumes.tsx';
import { ComposePage } from './pages/compose.tsx';
import { EventsPage } from './pages/events.tsx';
import { SystemPage } from './pages/system.tsx';

const PAGES: Array<[string, string]> = [['containers', 'Containers'], ['images', 'Images'], ['networks', 'Networks'], ['volumes', 'Volumes'], ['compose', 'Compose'], ['events', 'Events'], ['system', 'System']];

/** The token in `#token=…`, removed from the address bar and history before anything else runs. */
function takeToken(): string | null {
  const m = new RegExp(`^#${UI_TOKEN_FRAGMENT}=([^&]+)`).exec(location.hash);
  if (!m) return null;
  history.replaceState(null, '', location.pathname + location.search + '#/containers');
  return decodeURIComponent(m[1]!);
}

function Page(props: { route: string[] }) {
  const [page = 'containers', arg, sub] = props.route;
  switch (page) {
    case 'containers': return arg ? <ContainerDetail id={arg} tab={sub ?? 'inspect'} /> : <ContainersPage />;
    case 'images': return arg ? <ImageDetail ref_={arg} /> : <ImagesPage />;
    case 'networks': return <NetworksPage />;
    case 'volumes': return <VolumesPage />;
    case 'compose': return <ComposePage />;
    case 'events': return <EventsPage />;
    case 'system': return <SystemPage />;
    default: return <p>No such page. <a href={href('containers')}>Containers</a></p>;
  }
}

function App(props: { ready: Promise<boolean>; waitForLogin: boolean }) {
  // with a token the cookie must exist before the first request; a reload's session is checked in
  // parallel with the first page's requests (reads need no CSRF token; a 401 shows the sign-in page)
  const [ready, setReady] = useState(!props.waitForLogin);
  const conn = useStore(connection);
  const err = useStore(lastError);
  const route = useRoute();
  useEffect(() => { void props.ready.then(() => setReady(true)); }, []);
  const page = route[0] ?? 'containers';
  return (
    <>
      <a class="skip" href="#main">Skip to content</a>
      <header class="top">
        <span class="brand">berth</span>
        <nav aria-label="Pages"><ul>
          {PAGES.map(([k, label]) => <li key={k}><a href={href(k)} aria-current={page === k ? 'page' : undefined}>{label}</a></li>)}
        </ul></nav>
      </header>
      {conn === 'lost' && <div class="banner" role="alert" data-testid="connection-lost">The connection to the daemon is lost; reconnecting…</div>}
      {err && <div class="error-bar" role="alert" data-testid="error-bar"><span>{err}</span><button type="button" aria-label="Dismiss the error" onClick={() => lastError.set(null)}>×</button></div>}
      <main id="main" tabIndex={-1}>
        {conn === 'login' ? <LoginNeeded /> : ready ? <Page route={route} /> : <p>Signing in…</p>}
      </main>
    </>
  );
}

function LoginNeeded() {
  return (
    <section class="panel" data-testid="login-needed">
      <h2>Sign-in needed</h2>
      <p>This page needs a session. Run <code>berth ui</code> on the host and open the address it prints: it carries a one-time token.</p>
    </section>
  );
}

const token = takeToken();
render(<App ready={login(token)} waitForLogin={token !== null} />, document.getElementById('app')!);
