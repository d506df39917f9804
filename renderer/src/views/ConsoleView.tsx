// Console: write TypeScript or Python against the generated API, run it in the sandbox, watch output and
// tool calls stream in, see type errors inline, browse the session's workspace, and save the code as a skill;
// its Runs section lists past runs from every origin with their context ledger.
import { useEffect, useMemo, useState } from 'react';
import type { TypeScriptServices } from '../components/typeScriptServices';
import type { RunLanguage } from '../../../shared/types';
import { CodeEditor } from '../components/CodeEditor';
import { ErrorNote } from '../components/ErrorNote';
import { FormDialog } from '../components/FormDialog';
import { CloseActions, ModalDialog } from '../components/ModalDialog';
import { WithLogLink } from '../components/OutputPane';
import { OutputPane } from '../components/OutputPane';
import { StatusBadge } from '../components/StatusBadge';
import { ToolCallTimeline } from '../components/ToolCallTimeline';
import { useClient, useQuery } from '../hooks';
import { consoleFileName, consoleSession, isRunning, useConsoleState } from './consoleSession';

/** How long typing pauses before the code is type-checked again. */
const CHECK_DELAY_MS = 400;
import { RunsPanel } from './RunsPanel';

/** `section` is the route segment after console/: undefined for the editor, 'runs' for the history. */
export function ConsoleView(props: { navigate: (to: string) => void; section?: string; runId?: string }) {
  if (props.section === 'runs') {
    return (
      <section aria-labelledby="console-title" className="view console-view">
        <div className="console-head">
          <h1 id="console-title">Console</h1>
          <ConsoleSections current="runs" />
        </div>
        <RunsPanel selected={props.runId} navigate={props.navigate} />
      </section>
    );
  }
  return <ConsoleEditor navigate={props.navigate} />;
}

function ConsoleSections(props: { current: 'editor' | 'runs' }) {
  return (
    <nav aria-label="Console sections" className="sections">
      <a href="#/console" aria-current={props.current === 'editor' ? 'page' : undefined}>
        Editor
      </a>
      <a href="#/console/runs" aria-current={props.current === 'runs' ? 'page' : undefined}>
        Runs
      </a>
    </nav>
  );
}

function ConsoleEditor(props: { navigate: (to: string) => void }) {
  const client = useClient();
  const state = useConsoleState();
  const tree = useQuery('api.tree', {}, ['servers.state', 'api.changed']);
  const [saving, setSaving] = useState(false);
  useEffect(() => consoleSession.attach(client), [client]);
  const [logOpen, setLogOpen] = useState<string>();
  const [reveal, setReveal] = useState<{ line: number; column?: number; nonce: number }>();
  const typeScript = useMemo<TypeScriptServices>(
    () => ({
      complete: (code, offset) => client.call('editor.complete', { code, offset }),
      hover: (code, offset) => client.call('editor.hover', { code, offset }),
      signature: (code, offset) => client.call('editor.signature', { code, offset }),
    }),
    [client],
  );
  // Diagnostics while typing, from the engine's warm checker, once typing pauses, and again when the API tree changes
  // (an import of a server generated meanwhile resolves now).
  const apiTree = tree.data;
  useEffect(() => {
    if (state.language !== 'typescript') return;
    const code = state.code;
    const timer = setTimeout(() => {
      client.call('editor.diagnostics', { code }).then(
        ({ diagnostics }) => consoleSession.setLiveDiagnostics(code, diagnostics),
        (error: Error) => console.warn('[console] checking the code while typing failed:', error.message),
      );
    }, CHECK_DELAY_MS);
    return () => clearTimeout(timer);
  }, [client, state.code, state.language, apiTree]);
  const fileName = consoleFileName(state.language);
  const jumpTo = (line: number, column?: number) => setReveal({ line, column, nonce: Date.now() });
  const running = isRunning(state.status);
  const run = () => {
    if (!isRunning(consoleSession.state.status)) void consoleSession.run(client);
  };

  return (
    <section aria-labelledby="console-title" className="view console-view">
      <div className="console-head">
        <h1 id="console-title">Console</h1>
        <ConsoleSections current="editor" />
        <label>
          Language
          <select value={state.language} onChange={(e) => consoleSession.setLanguage(e.target.value as RunLanguage)} disabled={running}>
            <option value="typescript">TypeScript</option>
            <option value="javascript">JavaScript</option>
            <option value="python">Python</option>
          </select>
        </label>
        <label>
          Session
          <input
            className="session-name"
            value={state.session}
            onChange={(e) => consoleSession.setSession(e.target.value)}
            pattern="[A-Za-z0-9_-]{1,64}"
            title="letters, digits, - and _"
            disabled={running}
          />
        </label>
        <div className="toolbar" role="toolbar" aria-label="Run controls">
          <button className="primary" onClick={run} disabled={running} title="Ctrl+Enter">
            {running ? 'Running…' : 'Run'}
          </button>
          <button onClick={() => consoleSession.stop(client)} disabled={!running || !state.runId}>
            Stop
          </button>
          <button onClick={() => setSaving(true)} disabled={!state.code.trim()}>
            Save as skill
          </button>
        </div>
        {state.status && <RunStatusLine />}
      </div>
      <ErrorNote error={state.error} what="Run" />
      {tree.error && <p className="muted">Completion from the API tree is unavailable: {tree.error}</p>}
      <div className="console-grid">
        <div className="editor-pane">
          <CodeEditor
            value={state.code}
            language={state.language}
            label="Code"
            onChange={(code) => consoleSession.setCode(code)}
            apiTree={tree.data?.servers}
            diagnostics={state.diagnostics}
            onSubmit={run}
            typeScript={typeScript}
            reveal={reveal}
          />
          <Diagnostics onJump={jumpTo} />
        </div>
        <div className="side-pane">
          <ToolCallTimeline calls={state.toolCalls} />
          <WorkspaceFiles session={state.session} version={state.finishedRuns} />
        </div>
        <div className="output-pane">
          {currentNotices(state.notices).map((notice, i) => (
            <p key={i} className="notice" role="status">
              <WithLogLink text={notice} onOpenLog={state.runId ? () => setLogOpen(state.runId) : undefined} />
            </p>
          ))}
          <OutputPane buffer={consoleSession.output} logHint={state.logPath} fileName={fileName} onPosition={jumpTo} onOpenLog={state.runId ? () => setLogOpen(state.runId) : undefined} />
        </div>
      </div>
      {logOpen && <FullLogDialog runId={logOpen} onClose={() => setLogOpen(undefined)} />}
      {saving && <SaveAsSkillDialog onClose={() => setSaving(false)} navigate={props.navigate} />}
    </section>
  );
}

/** The run's notices, less an earlier "Output cut" one the run's end has replaced with what was really cut. */
function currentNotices(notices: string[]): string[] {
  const lastCut = notices.findLastIndex((notice) => notice.startsWith('Output cut:'));
  return notices.filter((notice, i) => i === lastCut || !notice.startsWith('Output cut:'));
}

function RunStatusLine() {
  const state = useConsoleState();
  const summary = state.summary;
  // Notices the output pane already shows are not repeated here (a run's record joins them all).
  const unshown = (summary?.notice ?? '').split('\n').filter((notice) => notice && !state.notices.includes(notice));
  return (
    <p className="run-status" role="status" aria-label="Run status" title={unshown.join('\n') || undefined}>
      <StatusBadge status={state.status ?? ''} />
      {summary?.durationMs !== undefined && <span> {Math.round(summary.durationMs)} ms</span>}
      {summary && summary.exitCode !== undefined && summary.exitCode !== null && <span> · exit {summary.exitCode}</span>}
      {summary?.ledger && <span> · {summary.ledger.savedTokens.toLocaleString()} tokens kept out of context</span>}
      {unshown.length > 0 && <span className="warn"> · {unshown.join(' · ')}</span>}
    </p>
  );
}

function Diagnostics(props: { onJump: (line: number, column: number) => void }) {
  const { diagnostics } = useConsoleState();
  if (!diagnostics.length) return null;
  return (
    <ul className="diagnostics" aria-label="Type errors">
      {diagnostics.map((d, i) => (
        <li key={i} className="error">
          <button type="button" className="link position" onClick={() => props.onJump(d.line, d.column)}>
            Line {d.line}:{d.column}
          </button>{' '}
          {d.message}
        </li>
      ))}
    </ul>
  );
}

function FullLogDialog(props: { runId: string; onClose: () => void }) {
  const log = useQuery('runs.log', { runId: props.runId });
  return (
    <ModalDialog title={`Full log of run ${props.runId}`} onClose={props.onClose}>
      {log.error && <p className="error">{log.error}</p>}
      {log.data && <p className="muted"><code>{log.data.logPath}</code></p>}
      {log.data && (
        <pre className="output-text full-log" aria-label="Full log" tabIndex={0}>
          {log.data.text}
        </pre>
      )}
      <CloseActions onClose={props.onClose} />
    </ModalDialog>
  );
}

function WorkspaceFiles(props: { session: string; version: number }) {
  const files = useQuery('sessions.files', { session: props.session });
  const { reload } = files;
  useEffect(() => {
    if (props.version > 0) reload();
  }, [props.version, reload]);
  return (
    <section aria-labelledby="files-title" className="workspace">
      <h2 id="files-title">Workspace</h2>
      {files.error && <p className="muted">{files.error}</p>}
      {files.data && files.data.files.length === 0 && <p className="empty">The workspace of “{props.session}” is empty.</p>}
      <ul aria-label="Workspace files">
        {files.data?.files.map((f) => (
          <li key={f.path}>
            <code>{f.path}</code> <span className="muted">{f.size.toLocaleString()} B</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function SaveAsSkillDialog(props: { onClose: () => void; navigate: (to: string) => void }) {
  const client = useClient();
  const state = consoleSession.state;
  const [name, setName] = useState(state.fromSkill?.name ?? '');
  const [description, setDescription] = useState(state.fromSkill?.description ?? '');
  const [tags, setTags] = useState(state.fromSkill?.tags.join(', ') ?? '');
  const servers = useMemo(() => [...new Set(state.toolCalls.map((c) => c.server))], [state.toolCalls]);
  const runSucceeded = state.status === 'succeeded';

  const submit = async () => {
    const skill = await client.call('skills.save', {
      name: name.trim(),
      description: description.trim(),
      code: state.code,
      language: state.language === 'python' ? 'python' : 'typescript',
      tags: tags
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
      runId: runSucceeded ? state.runId : undefined,
      servers: servers.length ? servers : undefined,
    });
    props.onClose();
    props.navigate(`skills/${encodeURIComponent(skill.name)}`);
  };

  return (
    <FormDialog title="Save as skill" submitLabel="Save skill" onClose={props.onClose} onSubmit={submit} className="stack">
      <label>
        Name
        <input autoFocus required value={name} onChange={(e) => setName(e.target.value)} placeholder="snake_case_name" />
      </label>
      <label>
        Description
        <textarea required rows={3} value={description} onChange={(e) => setDescription(e.target.value)} />
      </label>
      <label>
        Tags
        <input value={tags} onChange={(e) => setTags(e.target.value)} placeholder="comma, separated" />
      </label>
      <p className="muted">
        {runSucceeded ? `Linked to run ${state.runId}` : 'Not linked to a run (run it successfully first to record where it came from).'}
        {servers.length > 0 && ` · uses ${servers.join(', ')}`}
      </p>
    </FormDialog>
  );
}
