// The app shell: navigation between the areas, the global search box, the approval banner, and the status bar.
import { useEffect, useState } from 'react';
import { useClient, useQuery, useRoute } from './hooks';
import { SkillsView } from './views/SkillsView';
import { ServersView } from './views/ServersView';
import { ConsoleView } from './views/ConsoleView';
import { JournalView } from './views/JournalView';
import { SearchPalette } from './views/SearchPalette';
import { BlockRouteView, NamedPageView, PageView } from './views/PageView';
import { AllPagesView } from './views/AllPagesView';
import { JournalsView } from './views/JournalsView';
import { SettingsView } from './views/SettingsView';
import { WelcomeView } from './views/WelcomeView';
import { consoleSession } from './views/consoleSession';
import { ApprovalBanner, ApprovalsStatus } from './components/ApprovalBanner';
import { ElicitationDialog } from './components/ElicitationDialog';
import { SamplingDialog } from './components/SamplingDialog';
import type { ConnectionState } from './client/client';

const AREAS = [
  { id: 'skills', label: 'Skills', key: '1' },
  { id: 'servers', label: 'Servers', key: '2' },
  { id: 'console', label: 'Console', key: '3' },
  { id: 'journal', label: 'Journal', key: '4' },
  { id: 'journals', label: 'Journals', key: '5' },
  { id: 'pages', label: 'All pages', key: '6' },
] as const;

export function App() {
  const [route, navigate] = useRoute();
  const area = route[0] ?? 'skills';
  const [searchOpen, setSearchOpen] = useState(false);
  useFirstStart(navigate);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'k') {
        event.preventDefault();
        setSearchOpen(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand" aria-label="Skillgraph">
          ◆ Skillgraph
        </span>
        <nav aria-label="Areas">
          {AREAS.map((a) => (
            <a key={a.id} href={`#/${a.id}`} className={area === a.id ? 'active' : ''} aria-current={area === a.id ? 'page' : undefined}>
              {a.label}
            </a>
          ))}
        </nav>
        <button className="search-trigger" onClick={() => setSearchOpen(true)} aria-label="Search (Ctrl+K)">
          <span>Search skills, pages, tools…</span>
          <kbd>Ctrl K</kbd>
        </button>
        <a href="#/settings" className={`settings-link ${area === 'settings' ? 'active' : ''}`} aria-current={area === 'settings' ? 'page' : undefined}>
          Settings
        </a>
      </header>
      <ApprovalBanner />
      <main className="content">
        {area === 'skills' && <SkillsView selected={route[1]} mode={route[2]} navigate={navigate} />}
        {area === 'servers' && <ServersView selected={route[1]} tool={route[2]} navigate={navigate} />}
        {area === 'console' && <ConsoleView navigate={navigate} section={route[1]} runId={route[2]} />}
        {area === 'journal' && <JournalView navigate={navigate} />}
        {area === 'page' && <PageView key={route.slice(1).join('/')} path={route.slice(1).join('/')} />}
        {area === 'name' && route[1] && <NamedPageView key={route[1]} name={route[1]} />}
        {area === 'block' && route[1] && <BlockRouteView key={route[1]} uuid={route[1]} />}
        {area === 'journals' && <JournalsView />}
        {area === 'pages' && <AllPagesView />}
        {area === 'settings' && <SettingsView />}
        {area === 'welcome' && <WelcomeView />}
      </main>
      <StatusBar />
      <ElicitationDialog />
      <SamplingDialog />
      {searchOpen && <SearchPalette onClose={() => setSearchOpen(false)} navigate={navigate} />}
    </div>
  );
}

/** A first start (the graph was just created) opens on the Welcome page; the Console's starter imports from a configured server. */
function useFirstStart(navigate: (to: string) => void) {
  const status = useQuery('app.status', {});
  const tree = useQuery('api.tree', {}, ['servers.state', 'api.changed']);
  const [welcomed, setWelcomed] = useState(false);
  useEffect(() => {
    if (welcomed || !status.data) return;
    setWelcomed(true);
    // Read now, not at render: a person who already went somewhere stays there.
    const atRoot = window.location.hash.replace(/^#\/?/, '') === '';
    if (atRoot && status.data.createdGraph) navigate('welcome');
  }, [status.data, welcomed, navigate]);
  useEffect(() => {
    const server = tree.data?.servers.find((s) => s.tools.some((t) => t.functionName));
    const tool = server?.tools.find((t) => t.functionName);
    if (server && tool) consoleSession.offerStarter({ server: server.server, dir: server.dir, identifier: tool.identifier, functionName: tool.functionName!, tool: tool.tool });
  }, [tree.data]);
}

function StatusBar() {
  const client = useClient();
  const status = useQuery('app.status', {}, ['servers.state', 'api.changed', 'index.progress', 'graph.changed', 'skills.changed', 'app.problem']);
  const [connection, setConnection] = useState<ConnectionState>('connecting');
  useEffect(() => client.onConnection(setConnection), [client]);
  const s = status.data;
  return (
    <footer className="statusbar" aria-label="Status">
      {status.error && <span className="error">{status.error}</span>}
      {s && (
        <>
          <span title={s.graphDir} data-testid="status-graph">
            Graph: {s.graphDir}
          </span>
          <span data-testid="status-servers" className={s.servers.failed ? 'warn' : ''}>
            Servers: {s.servers.ready}/{s.servers.total} ready{s.servers.failed ? `, ${s.servers.failed} failed` : ''}
          </span>
          <span data-testid="status-backend" title={s.backend.reason}>
            Sandbox: {s.backend.name}
            {s.backend.name === 'e2b' ? (s.backend.available ? ' (E2B reachable)' : ' (E2B not reachable)') : s.backend.available ? '' : ' (unavailable)'}
          </span>
          <ApprovalsStatus />
          {s.problems.length > 0 && (
            <span data-testid="status-problems" className="warn" title={s.problems.map((p) => `${p.at}  ${p.what}: ${p.message}`).join('\n')}>
              {s.problems.length === 1 ? '1 problem' : `${s.problems.length} problems`} in the background (details in the data folder's logs)
            </span>
          )}
          <span data-testid="status-index">
            {s.index.indexing ? 'Indexing…' : `Index: ${s.index.pages} pages, ${s.index.skills} skills, ${s.index.tools} tools`}
          </span>
        </>
      )}
      <span className={`conn ${connection}`} data-testid="status-connection">
        {s?.host === 'electron' ? 'Desktop' : 'Browser mode'} · {connection === 'open' ? 'live' : connection}
      </span>
    </footer>
  );
}
