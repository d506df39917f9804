// Servers: configured MCP servers with live state, add / edit / remove / restart / import, ready examples when none
// is configured, and for the selected server the Inspector: its generated API (tools with "Try it", and the files),
// resources, prompts and log.
import { useState, type FormEvent } from 'react';
import type { MethodOutput } from '../../../shared/contract';
import { ServerRootEntry, type ServerConfig } from '../../../shared/types';
import { ErrorNote } from '../components/ErrorNote';
import { FormDialog } from '../components/FormDialog';
import { ModalDialog } from '../components/ModalDialog';
import { ApiFilesPanel, PromptsPanel, ResourcesPanel, ServerLogPanel } from '../components/ServerInspector';
import { StatusBadge } from '../components/StatusBadge';
import { useClient, useQuery } from '../hooks';
import { ToolPanel } from './ToolPanel';

type Entry = MethodOutput<'servers.list'>['servers'][number];
type Tab = 'tools' | 'files' | 'resources' | 'prompts' | 'log';
const TABS: Array<{ id: Tab; label: string }> = [
  { id: 'tools', label: 'Tools' },
  { id: 'files', label: 'Files' },
  { id: 'resources', label: 'Resources' },
  { id: 'prompts', label: 'Prompts' },
  { id: 'log', label: 'Log' },
];

/** Ready examples offered while no server is configured; `folder` asks the person for a path first. */
const EXAMPLES: Array<{ name: string; label: string; description: string; config: (folder: string) => ServerConfig; folder?: boolean }> = [
  {
    name: 'filesystem',
    label: 'Files in a folder',
    description: 'Read and write files in one folder you choose (@modelcontextprotocol/server-filesystem).',
    folder: true,
    config: (folder) => ({ command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', folder] }),
  },
  {
    name: 'memory',
    label: 'Memory',
    description: 'A knowledge graph of entities and relations kept across runs (@modelcontextprotocol/server-memory).',
    config: () => ({ command: 'npx', args: ['-y', '@modelcontextprotocol/server-memory'] }),
  },
  {
    name: 'everything',
    label: 'Everything (demo)',
    description: 'The MCP reference server: tools, resources, prompts, progress and questions to try the app with.',
    config: () => ({ command: 'npx', args: ['-y', '@modelcontextprotocol/server-everything'] }),
  },
];

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function ServersView(props: { selected?: string; tool?: string; navigate: (to: string) => void }) {
  const client = useClient();
  const list = useQuery('servers.list', {}, ['servers.state', 'servers.config']);
  const tree = useQuery('api.tree', {}, ['servers.state', 'api.changed']);
  const [dialog, setDialog] = useState<{ kind: 'add'; initial?: { name: string; config: ServerConfig } } | { kind: 'edit'; entry: Entry } | { kind: 'import' } | { kind: 'folder' } | null>(null);
  const [tab, setTab] = useState<Tab>('tools');
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
  const selectedEntry = servers.find((s) => s.name === props.selected);
  const done = () => (setDialog(null), list.reload(), tree.reload());

  return (
    <section aria-labelledby="servers-title" className="view servers-view">
      <div className="servers-list-pane">
        <div className="pane-head">
          <h1 id="servers-title">Servers</h1>
          <div className="toolbar">
            <button onClick={() => setDialog({ kind: 'add' })}>Add server</button>
            <button onClick={() => setDialog({ kind: 'import' })}>Import config</button>
          </div>
        </div>
        <ErrorNote error={list.error} />
        <ErrorNote error={actionError} />
        {list.data?.configProblem && (
          <p role="alert" aria-label="mcp.json problem" className="error">
            {list.data.configProblem}
          </p>
        )}
        {list.data && servers.length === 0 && (
          <div className="empty server-examples" aria-label="Example servers">
            <p>No MCP servers configured yet. Start with one of these, add your own, or import the config of Claude Desktop, Cursor or VS Code.</p>
            <ul>
              {EXAMPLES.map((example) => (
                <li key={example.name}>
                  <button
                    type="button"
                    onClick={() => (example.folder ? setDialog({ kind: 'folder' }) : setDialog({ kind: 'add', initial: { name: example.name, config: example.config('') } }))}
                  >
                    {example.label}
                  </button>
                  <span className="muted"> {example.description}</span>
                </li>
              ))}
            </ul>
          </div>
        )}
        <ul className="server-list" aria-label="Configured servers">
          {servers.map((s) => (
            <li key={s.name} className={props.selected === s.name ? 'selected' : ''}>
              <div className="server-row">
                <a href={`#/servers/${encodeURIComponent(s.name)}`} aria-current={props.selected === s.name ? 'true' : undefined}>
                  <strong>{s.name}</strong>
                </a>
                <StatusBadge status={s.state.status} />
                <span className="muted">
                  {s.state.transport} · {plural(s.state.toolCount, 'tool')}
                  {s.state.restarts ? ` · ${plural(s.state.restarts, 'restart')}` : ''}
                </span>
              </div>
              <code className="server-summary" title={s.summary}>
                {s.summary}
              </code>
              {s.state.offeredRoots && (
                <details className="server-roots">
                  <summary>
                    {s.state.offeredRoots.roots.length === 0 ? 'Offered no roots' : `Offered ${plural(s.state.offeredRoots.roots.length, 'root')}`} (
                    {s.state.offeredRoots.from === 'mcp.json' ? 'from mcp.json' : "the agent's"})
                  </summary>
                  <ul aria-label={`Roots offered to ${s.name}`}>
                    {s.state.offeredRoots.roots.map((root) => (
                      <li key={root.uri}>
                        <code>{root.uri}</code>
                        {root.name ? <span className="muted"> {root.name}</span> : null}
                      </li>
                    ))}
                  </ul>
                </details>
              )}
              {s.state.status === 'starting' && <progress aria-label={`${s.name} is starting`} />}
              {s.state.status === 'failed' && (s.cause || s.state.error) && (
                <div className="error server-error">
                  <p className="server-cause">{s.cause ?? s.state.error}</p>
                  {s.cause && s.state.error && (
                    <details>
                      <summary>Details</summary>
                      <p>{s.state.error}</p>
                    </details>
                  )}
                </div>
              )}
              <div className="row-actions">
                <button onClick={() => setDialog({ kind: 'edit', entry: s })} aria-label={`Edit ${s.name}`}>
                  Edit
                </button>
                <button onClick={() => act('Restarting', () => client.call('servers.restart', { name: s.name }))} aria-label={`Restart ${s.name}`}>
                  Restart
                </button>
                <button
                  onClick={() => {
                    setTab('log');
                    props.navigate(`/servers/${encodeURIComponent(s.name)}`);
                  }}
                  aria-label={`Log of ${s.name}`}
                >
                  Log
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
        {!props.selected && <p className="empty">Pick a server to see its generated API, resources, prompts and log.</p>}
        {props.selected && selectedEntry && (
          <>
            <div role="tablist" aria-label={`Inspect ${props.selected}`} className="tabs">
              {TABS.map((t) => (
                <button key={t.id} role="tab" aria-selected={tab === t.id} onClick={() => setTab(t.id)}>
                  {t.label}
                </button>
              ))}
            </div>
            {tab === 'resources' && <ResourcesPanel key={props.selected} server={props.selected} />}
            {tab === 'prompts' && <PromptsPanel key={props.selected} server={props.selected} />}
            {tab === 'log' && <ServerLogPanel key={props.selected} server={props.selected} />}
            {(tab === 'tools' || tab === 'files') && tree.error && <ErrorNote error={tree.error} what="API tree" />}
            {(tab === 'tools' || tab === 'files') && tree.data && !selectedTree && <p className="empty">No generated API for {props.selected} yet (it appears once the server is ready).</p>}
            {tab === 'files' && selectedTree && <ApiFilesPanel key={props.selected} server={selectedTree.server} dir={selectedTree.dir} tools={selectedTree.tools} />}
          </>
        )}
        {tab === 'tools' && selectedTree && selectedEntry && (
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
      {dialog?.kind === 'add' && <ServerDialog initial={dialog.initial} onClose={() => setDialog(null)} onDone={done} />}
      {dialog?.kind === 'edit' && <ServerDialog editing={dialog.entry} onClose={() => setDialog(null)} onDone={done} />}
      {dialog?.kind === 'folder' && <FolderDialog onClose={() => setDialog(null)} onPicked={(folder) => setDialog({ kind: 'add', initial: { name: 'filesystem', config: EXAMPLES[0].config(folder) } })} />}
      {dialog?.kind === 'import' && <ImportDialog onClose={() => setDialog(null)} onDone={() => (list.reload(), tree.reload())} />}
    </section>
  );
}

function FolderDialog(props: { onClose: () => void; onPicked: (folder: string) => void }) {
  const [folder, setFolder] = useState('');
  return (
    <FormDialog title="Files in a folder" submitLabel="Next" onClose={props.onClose} onSubmit={async () => props.onPicked(folder.trim())} className="stack">
      <label>
        Folder the server may read and write
        <input autoFocus required value={folder} onChange={(e) => setFolder(e.target.value)} placeholder="/home/me/notes" spellCheck={false} />
      </label>
    </FormDialog>
  );
}

/** `KEY=value` lines to a record; the first `=` splits (values may contain `=`). */
function parsePairs(text: string, separator: '=' | ':', what: string): Record<string, string> | undefined {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  if (lines.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const line of lines) {
    const at = line.indexOf(separator);
    if (at <= 0) throw new Error(`${what}: "${line}" is not KEY${separator === '=' ? '=' : ': '}value`);
    out[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return out;
}
const pairsText = (record: Record<string, string> | undefined, separator: string) =>
  Object.entries(record ?? {})
    .map(([k, v]) => `${k}${separator}${v}`)
    .join('\n');

/** Fields of a config the dialog does not show (cwd, disabled, oauth, an SSE type): an edit that keeps the transport keeps them. */
function untouchedFields(config: ServerConfig | undefined, kind: 'stdio' | 'http'): Record<string, unknown> {
  if (!config || 'command' in config !== (kind === 'stdio')) return {};
  const shown = new Set(['command', 'args', 'env', 'url', 'headers', 'startupTimeoutMs', 'roots']);
  return Object.fromEntries(Object.entries(config).filter(([key]) => !shown.has(key)));
}

/**
 * The roots the dialog saves: undefined when the server gets the host's (the agent's, under the gateway), else the
 * entries as typed (`${env:NAME}` kept as written), blank ones dropped, each checked as mcp.json checks it.
 */
function rootsToSave(own: boolean, entries: string[]): string[] | undefined {
  if (!own) return undefined;
  const roots = entries.map((entry) => entry.trim()).filter(Boolean);
  roots.forEach((root, i) => {
    const checked = ServerRootEntry.safeParse(root);
    if (!checked.success) throw new Error(`Root ${i + 1} (${root}): ${checked.error.issues[0]?.message ?? 'not a valid root'}`);
  });
  return roots;
}

/** Adds a server, or edits one (name fixed); values shown masked as [redacted …] keep their secret when left as they are. */
function ServerDialog(props: { editing?: Entry; initial?: { name: string; config: ServerConfig }; onClose: () => void; onDone: () => void }) {
  const client = useClient();
  const start = props.editing ?? props.initial;
  const config = start?.config;
  const stdio = config ? 'command' in config : true;
  const [name, setName] = useState(start?.name ?? '');
  const [kind, setKind] = useState<'stdio' | 'http'>(stdio ? 'stdio' : 'http');
  const [command, setCommand] = useState(config && 'command' in config ? config.command : '');
  const [args, setArgs] = useState(config && 'command' in config ? (config.args ?? []).join('\n') : '');
  const [env, setEnv] = useState(config && 'command' in config ? pairsText(config.env, '=') : '');
  const [url, setUrl] = useState(config && 'url' in config ? config.url : '');
  const [headers, setHeaders] = useState(config && 'url' in config ? pairsText(config.headers, ': ') : '');
  const [timeout, setTimeoutSeconds] = useState(config?.startupTimeoutMs ? String(config.startupTimeoutMs / 1000) : '');
  const [ownRoots, setOwnRoots] = useState(config?.roots !== undefined);
  const [roots, setRoots] = useState<string[]>(config?.roots ?? []);
  const submit = async () => {
    const seconds = timeout.trim() ? Number(timeout) : undefined;
    if (seconds !== undefined && !(seconds > 0 && seconds <= 600)) throw new Error('Startup timeout: a number of seconds from 1 to 600.');
    const startupTimeoutMs = seconds !== undefined ? { startupTimeoutMs: Math.round(seconds * 1000) } : {};
    const saved = rootsToSave(ownRoots, roots);
    const kept = { ...untouchedFields(config, kind), ...startupTimeoutMs, ...(saved ? { roots: saved } : {}) };
    const next: ServerConfig =
      kind === 'stdio'
        ? {
            command: command.trim(),
            args: args
              .split('\n')
              .map((a) => a.trim())
              .filter(Boolean),
            ...(parsePairs(env, '=', 'Environment') ? { env: parsePairs(env, '=', 'Environment') } : {}),
            ...kept,
          }
        : { type: 'http' as const, url: url.trim(), ...(parsePairs(headers, ':', 'Headers') ? { headers: parsePairs(headers, ':', 'Headers') } : {}), ...kept };
    if (props.editing) await client.call('servers.update', { name: props.editing.name, config: next });
    else await client.call('servers.add', { name: name.trim(), config: next });
    props.onDone();
  };
  return (
    <FormDialog title={props.editing ? `Edit ${props.editing.name}` : 'Add server'} submitLabel={props.editing ? 'Save' : 'Add'} onClose={props.onClose} onSubmit={submit} className="stack">
      <label>
        Name
        <input autoFocus={!props.editing} required readOnly={Boolean(props.editing)} value={name} onChange={(e) => setName(e.target.value)} />
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
            <textarea rows={3} value={args} onChange={(e) => setArgs(e.target.value)} spellCheck={false} />
          </label>
          <label>
            Environment variables (KEY=value per line; {'${env:VAR}'} reads yours)
            <textarea rows={2} value={env} onChange={(e) => setEnv(e.target.value)} spellCheck={false} placeholder={'GITHUB_TOKEN=${env:GITHUB_TOKEN}'} />
          </label>
        </>
      ) : (
        <>
          <label>
            URL
            <input required type="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://…/mcp" />
          </label>
          <label>
            Headers (Header: value per line; {'${env:VAR}'} reads yours)
            <textarea rows={2} value={headers} onChange={(e) => setHeaders(e.target.value)} spellCheck={false} placeholder={'Authorization: Bearer ${env:API_TOKEN}'} />
          </label>
        </>
      )}
      <label>
        Startup timeout (seconds, default 30)
        <input inputMode="decimal" value={timeout} onChange={(e) => setTimeoutSeconds(e.target.value)} />
      </label>
      <fieldset className="server-roots-editor">
        <legend>Roots</legend>
        <label>
          <input type="checkbox" checked={ownRoots} onChange={(e) => setOwnRoots(e.target.checked)} /> Offer these folders as its roots (otherwise, under the gateway,
          the agent&apos;s)
        </label>
        {ownRoots && (
          <>
            <ul aria-label="Roots to offer">
              {roots.map((root, i) => (
                <li key={i}>
                  <input
                    aria-label={`Root ${i + 1}`}
                    value={root}
                    onChange={(e) => setRoots(roots.map((other, j) => (j === i ? e.target.value : other)))}
                    placeholder={'/home/me/project or ${env:HOME}/notes'}
                    spellCheck={false}
                  />
                  <button type="button" onClick={() => setRoots(roots.filter((_, j) => j !== i))} aria-label={`Remove root ${i + 1}`}>
                    Remove
                  </button>
                </li>
              ))}
            </ul>
            {roots.length === 0 && <p className="muted">No folder: the server is offered none.</p>}
            <button type="button" onClick={() => setRoots([...roots, ''])}>
              Add root
            </button>
          </>
        )}
      </fieldset>
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
