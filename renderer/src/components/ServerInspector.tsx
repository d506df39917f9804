// The MCP Inspector side of one server: its generated API as files, its resources (list, read), its prompts (list,
// get with arguments) and its log (stderr lines and MCP log messages, live).
import { useEffect, useState, type FormEvent } from 'react';
import type { MethodOutput } from '../../../shared/contract';
import { useClient, useQuery } from '../hooks';
import { CodeEditor } from './CodeEditor';
import { ContentBlocks, ResourceContents } from './ContentBlocks';
import { ErrorNote } from './ErrorNote';

type Tools = Array<{ tool: string; identifier: string }>;

export function ApiFilesPanel(props: { server: string; dir: string; tools: Tools }) {
  const files = ['index.ts', 'README.md', '__init__.py', ...props.tools.flatMap((t) => [`${t.identifier}.ts`, `${t.identifier}.py`])];
  const [file, setFile] = useState('index.ts');
  const content = useQuery('api.file', { server: props.server, file });
  const language = file.endsWith('.py') ? 'python' : 'typescript';
  return (
    <div className="api-files">
      <ul className="file-list" aria-label={`Files of servers/${props.dir}`}>
        {files.map((f) => (
          <li key={f}>
            <button type="button" className="link" aria-current={f === file ? 'true' : undefined} onClick={() => setFile(f)}>
              {f}
            </button>
          </li>
        ))}
      </ul>
      <div className="file-view">
        <p className="muted">
          <code>servers/{props.dir}/{file}</code>
        </p>
        <ErrorNote error={content.error} />
        {content.data && (file.endsWith('.md') ? <pre aria-label={`Content of ${file}`}>{content.data.text}</pre> : <CodeEditor key={file} readOnly language={language} label={`Content of ${file}`} value={content.data.text} />)}
      </div>
    </div>
  );
}

export function ResourcesPanel(props: { server: string }) {
  const client = useClient();
  const list = useQuery('servers.resources', { name: props.server });
  const [uri, setUri] = useState('');
  const [read, setRead] = useState<{ uri: string; contents?: unknown[]; error?: string }>();
  const open = (target: string) => {
    setRead({ uri: target });
    client.call('servers.readResource', { name: props.server, uri: target }).then(
      (result) => setRead({ uri: target, contents: result.contents }),
      (err: Error) => setRead({ uri: target, error: err.message }),
    );
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (uri.trim()) open(uri.trim());
  };
  return (
    <div className="inspector-panel">
      <ErrorNote error={list.error} what="Resources" />
      {list.data && list.data.resources.length === 0 && <p className="empty">{props.server} lists no resources.</p>}
      {list.data && list.data.resources.length > 0 && (
        <ul className="resource-list" aria-label={`Resources of ${props.server}`}>
          {list.data.resources.map((r) => (
            <li key={r.uri}>
              <button type="button" className="link" onClick={() => open(r.uri)} title={r.description}>
                {r.title ?? r.name}
              </button>{' '}
              <code className="muted">{r.uri}</code>
              {r.mimeType && <span className="muted"> · {r.mimeType}</span>}
            </li>
          ))}
        </ul>
      )}
      {list.data && list.data.templates.length > 0 && (
        <>
          <h4>Templates</h4>
          <ul aria-label={`Resource templates of ${props.server}`}>
            {list.data.templates.map((t) => (
              <li key={t.uriTemplate}>
                <button type="button" className="link" onClick={() => setUri(t.uriTemplate)} title={t.description}>
                  {t.name}
                </button>{' '}
                <code className="muted">{t.uriTemplate}</code>
              </li>
            ))}
          </ul>
        </>
      )}
      <form onSubmit={submit} className="inline-form">
        <label>
          Resource URI
          <input value={uri} onChange={(e) => setUri(e.target.value)} placeholder="demo://resource/static/document/…" spellCheck={false} />
        </label>
        <button type="submit" disabled={!uri.trim()}>
          Read
        </button>
      </form>
      {read && (
        <section aria-label="Resource contents" className="resource-read">
          <h4>{read.uri}</h4>
          <ErrorNote error={read.error} />
          {!read.contents && !read.error && <p className="muted">Reading…</p>}
          {read.contents?.map((c, i) => <ResourceContents key={i} contents={c as never} />)}
        </section>
      )}
    </div>
  );
}

type Prompt = MethodOutput<'servers.prompts'>['prompts'][number];

export function PromptsPanel(props: { server: string }) {
  const list = useQuery('servers.prompts', { name: props.server });
  const [selected, setSelected] = useState<string>();
  const prompt = list.data?.prompts.find((p) => p.name === selected);
  return (
    <div className="inspector-panel">
      <ErrorNote error={list.error} what="Prompts" />
      {list.data && list.data.prompts.length === 0 && <p className="empty">{props.server} offers no prompts.</p>}
      <ul className="prompt-list" aria-label={`Prompts of ${props.server}`}>
        {list.data?.prompts.map((p) => (
          <li key={p.name}>
            <button type="button" className="link" aria-current={p.name === selected ? 'true' : undefined} onClick={() => setSelected(p.name)}>
              {p.title ?? p.name}
            </button>
            {p.description && <span className="muted"> · {p.description}</span>}
          </li>
        ))}
      </ul>
      {prompt && <PromptForm key={prompt.name} server={props.server} prompt={prompt} />}
    </div>
  );
}

function PromptForm(props: { server: string; prompt: Prompt }) {
  const client = useClient();
  const [values, setValues] = useState<Record<string, string>>({});
  const [result, setResult] = useState<MethodOutput<'servers.getPrompt'>>();
  const [error, setError] = useState<string>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const missing = props.prompt.arguments.find((a) => a.required && !values[a.name]?.trim());
    if (missing) return setError(`${missing.name} is required`);
    const args = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ''));
    try {
      setError(undefined);
      setResult(await client.call('servers.getPrompt', { name: props.server, prompt: props.prompt.name, args }));
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <form onSubmit={submit} className="stack prompt-form" aria-label={`Prompt ${props.prompt.name}`}>
      {props.prompt.arguments.map((a) => (
        <label key={a.name}>
          {a.name}
          {a.required ? ' *' : ''}
          <input value={values[a.name] ?? ''} onChange={(e) => setValues((v) => ({ ...v, [a.name]: e.target.value }))} />
          {a.description && <small className="hint">{a.description}</small>}
        </label>
      ))}
      <ErrorNote error={error} />
      <button type="submit" className="primary">
        Get {props.prompt.name}
      </button>
      {result && (
        <section aria-label="Prompt messages">
          {result.description && <p className="muted">{result.description}</p>}
          {result.messages.map((m, i) => {
            const message = m as { role?: string; content?: unknown };
            return (
              <div key={i} className="prompt-message">
                <strong>{message.role}</strong>
                <ContentBlocks blocks={[message.content]} />
              </div>
            );
          })}
        </section>
      )}
    </form>
  );
}

type LogLine = MethodOutput<'servers.log'>['lines'][number];

export function ServerLogPanel(props: { server: string }) {
  const client = useClient();
  const initial = useQuery('servers.log', { name: props.server });
  const [live, setLive] = useState<LogLine[]>([]);
  useEffect(() => {
    setLive([]);
    return client.on('servers.log', (line) => {
      if (line.server === props.server) setLive((lines) => [...lines.slice(-499), line]);
    });
  }, [client, props.server]);
  const seen = initial.data?.lines.at(-1)?.at ?? 0;
  const lines = [...(initial.data?.lines ?? []), ...live.filter((l) => l.at > seen)];
  return (
    <div className="inspector-panel">
      <ErrorNote error={initial.error} what="Log" />
      {initial.data && lines.length === 0 && <p className="empty">{props.server} has written nothing to its log yet.</p>}
      <ol className="server-log" aria-label={`Log of ${props.server}`}>
        {lines.map((l, i) => (
          <li key={i} className={`log-${l.level}`}>
            <time dateTime={new Date(l.at).toISOString()}>{new Date(l.at).toLocaleTimeString()}</time> <span className="log-level">{l.level}</span>
            {l.logger && <span className="muted"> {l.logger}</span>} <span className="log-text">{l.text}</span>
          </li>
        ))}
      </ol>
    </div>
  );
}
