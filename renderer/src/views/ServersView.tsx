// Servers: configured MCP servers with their live state.
import { useQuery } from '../hooks';

export function ServersView(_props: { selected?: string; tool?: string; navigate: (to: string) => void }) {
  const list = useQuery('servers.list', {}, ['servers.state']);
  return (
    <section aria-labelledby="servers-title" className="view">
      <h1 id="servers-title">Servers</h1>
      {list.error && <p className="error">{list.error}</p>}
      {list.data && list.data.servers.length === 0 && <p className="empty">No MCP servers configured yet.</p>}
      <ul>
        {list.data?.servers.map((s) => (
          <li key={s.name}>
            {s.name} — {s.state.status}
          </li>
        ))}
      </ul>
    </section>
  );
}
