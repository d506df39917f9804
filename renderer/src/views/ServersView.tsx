// Servers: configured MCP servers with live state, add / remove / restart / import, and for the selected
// server the tree of its generated API with each tool's code, types and a "Try it" form.
import { useState, type FormEvent } from 'react';
import { ErrorNote } from '../components/ErrorNote';
import { FormDialog } from '../components/FormDialog';
import { ModalDialog } from '../components/ModalDialog';
import { StatusBadge } from '../components/StatusBadge';
import { useClient, useQuery } from '../hooks';
import { ToolPanel } from './ToolPanel';

export function ServersView(props: { selected?: string; tool?: string; navigate: (to: string) => void }) {
  const client = useClient();
  const list = useQuery('servers.list', {}, ['servers.state']);
  const tree = useQuery('api.tree', {}, ['servers.state']);
  const [dialog, setDialog] = useState<'add' | 'import' | null>(null);
  const [actionError, setActionError] = useState<string>();

  const act = async (what: string, action: () => Promise<unknown>) => {
    setActionError(undefined);
    try {
      await action();
      list.reload();
      tree.reload();
    } catch (err) {
      setActionError(`${what} failed: ${(err as Error).message}`);
    }
  };

  const servers = list.data?.servers ?? [];
  const selectedTree = tree.data?.servers.find((s) => s.server === props.selected);

  return (
    <section aria-labelledby="servers-title" className="view servers-view">
      <div className="servers-list-pane">
        <div className="pane-head">
          <h1 id="servers-title">Servers</h1>
          <div className="toolbar">
            <button onClick={() => setDialog('add')}>Add server</button>
            <button onClick={() => setDialog('import')}>Import config</button>
          </div>
        </div>
        <ErrorNote error={list.error} />
        <ErrorNote error={actionError} />
        {list.data && servers.length === 0 && <p className="empty">No MCP servers configured yet. Add one, or import the config of Claude Desktop, Cursor or VS Code.</p>}
        <ul className="server-list" aria-label="Configured servers">
          {servers.map((s) => (
            <li key={s.name} className={props.selected === s.name ? 'selected' : ''}>
              <div className="server-row">
                <a href={`#/servers/${encodeURIComponent(s.name)}`} aria-current={props.selected === s.name ? 'true' : undefined}>
                  <strong>{s.name}</strong>
                </a>
                <StatusBadge status={s.state.status} />
                <span className="muted">
                  {s.state.transport} · {s.state.toolCount} tools{s.state.restarts ? ` · ${s.state.restarts} restarts` : ''}
                </span>
              </div>
              {s.state.status === 'starting' && <progress aria-label={`${s.name} is starting`} />}
              {s.state.status === 'failed' && s.state.error && <p className="error">{s.state.error}</p>}
              <div className="row-actions">
                <button onClick={() => act('Restarting', () => client.call('servers.restart', { name: s.name }))} aria-label={`Restart ${s.name}`}>
                  Restart
                </button>
                <button
                  className="danger"
                  onClick={() => {
                    if (window.confirm(`Remove the server ${s.name} from mcp.json?`)) void act('Removing', () => client.call('servers.remove', { name: s.name }));
                  }}
                  aria-label={`Remove ${s.name}`}
                >
                  Remove
                </button>
              </div>
            </li>
          ))}
        </ul>
      </div>
      <div className="api-pane">
        {!props.selected && <p className="empty">Pick a server to see its generated API.</p>}
        {props.selected && tree.error && <ErrorNote error={tree.error} what="API tree" />}
        {props.selected && tree.data && !selectedTree && <p className="empty">No generated API for {props.selected} yet (it appears once the server is ready).</p>}
        {selectedTree && (
          <div className="api-tree-layout">
            <nav aria-label={`Tools of ${selectedTree.server}`} className="tool-tree">
              <h2>{selectedTree.server}</h2>
              <p className="muted">
                <code>./servers/{selectedTree.dir}</code>
              </p>
              <ul>
                {selectedTree.tools.map((t) => (
                  <li key={t.tool}>
                    <a
                      href={`#/servers/${encodeURIComponent(selectedTree.server)}/${encodeURIComponent(t.tool)}`}
                      aria-current={props.tool === t.tool ? 'true' : undefined}
                      title={t.description}
                    >
                      {t.tool}
                    </a>
                    {t.readOnly && <span className="muted"> · read-only</span>}
                  </li>
                ))}
              </ul>
            </nav>
            {props.tool ? <ToolPanel key={props.tool} server={selectedTree.server} tool={props.tool} /> : <p className="empty">Pick a tool.</p>}
          </div>
        )}
      </div>
      {dialog === 'add' && <AddServerDialog onClose={() => setDialog(null)} onDone={() => (setDialog(null), list.reload(), tree.reload())} />}
      {dialog === 'import' && <ImportDialog onClose={() => setDialog(null)} onDone={() => (list.reload(), tree.reload())} />}
    </section>
  );
}

function AddServerDialog(props: { onClose: () => void; onDone: () => void }) {
  const client = useClient();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<'stdio' | 'http'>('stdio');
  const [command, setCommand] = useState('');
  const [args, setArgs] = useState('');
  const [url, setUrl] = useState('');
  const submit = async () => {
    const config =
      kind === 'stdio'
        ? {
            command: command.trim(),
            args: args
              .split('\n')
              .map((a) => a.trim())
              .filter(Boolean),
          }
        : { type: 'http' as const, url: url.trim() };
    await client.call('servers.add', { name: name.trim(), config });
    props.onDone();
  };
  return (
    <FormDialog title="Add server" submitLabel="Add" onClose={props.onClose} onSubmit={submit} className="stack">
      <label>
        Name
        <input autoFocus required value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <fieldset>
        <legend>Transport</legend>
        <label>
          <input type="radio" checked={kind === 'stdio'} onChange={() => setKind('stdio')} /> Command (stdio)
        </label>
        <label>
          <input type="radio" checked={kind === 'http'} onChange={() => setKind('http')} /> URL (HTTP)
        </label>
      </fieldset>
      {kind === 'stdio' ? (
        <>
          <label>
            Command
            <input required value={command} onChange={(e) => setCommand(e.target.value)} placeholder="npx" />
          </label>
          <label>
            Arguments (one per line)
            <textarea rows={3} value={args} onChange={(e) => setArgs(e.target.value)} />
          </label>
        </>
      ) : (
        <label>
          URL
          <input required type="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://…/mcp" />
        </label>
      )}
    </FormDialog>
  );
}

function ImportDialog(props: { onClose: () => void; onDone: () => void }) {
  const client = useClient();
  const [json, setJson] = useState('');
  const [error, setError] = useState<string>();
  const [result, setResult] = useState<{ imported: string[]; skipped: Array<{ name: string; reason: string }> }>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      setResult(await client.call('servers.import', { json }));
      setError(undefined);
      props.onDone();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <ModalDialog title="Import configuration" onClose={props.onClose}>
      <form onSubmit={submit} className="stack">
        <label>
          Paste the JSON of a Claude Desktop, Cursor or VS Code MCP config
          <textarea autoFocus rows={10} value={json} onChange={(e) => setJson(e.target.value)} spellCheck={false} placeholder='{ "mcpServers": { … } }' />
        </label>
        <ErrorNote error={error} />
        {result && (
          <div role="status">
            <p>Imported: {result.imported.join(', ') || 'none'}</p>
            {result.skipped.length > 0 && (
              <ul>
                {result.skipped.map((s) => (
                  <li key={s.name} className="warn">
                    Skipped {s.name}: {s.reason}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={props.onClose}>
            {result ? 'Close' : 'Cancel'}
          </button>
          {!result && (
            <button type="submit" className="primary" disabled={!json.trim()}>
              Import
            </button>
          )}
        </div>
      </form>
    </ModalDialog>
  );
}
