// One tool of the generated API: description, generated TypeScript and Python, input and output types, and
// a "Try it" form built from the input schema that calls the tool and shows the result (content rendered, progress
// and, for a tool that runs as an MCP task, the task's status while it runs, cancel).
import { useEffect, useState } from 'react';
import { CodeEditor } from '../components/CodeEditor';
import { ContentBlocks, ResourceContents } from '../components/ContentBlocks';
import { ErrorNote } from '../components/ErrorNote';
import { Markdown } from '../components/Markdown';
import { SchemaForm } from '../components/SchemaForm';
import { useClient, useQuery } from '../hooks';

type CallResult = { ok: boolean; data: unknown; error?: string; durationMs: number; content?: unknown[]; structuredContent?: unknown; cancelled?: boolean };
type Progress = { progress: number; total?: number; message?: string };
type TaskStatus = { id: string; status: string; statusMessage?: string };
const TASK_STATUS_LABEL: Record<string, string> = { working: 'Working', input_required: 'Waiting for input', completed: 'Completed', failed: 'Failed', cancelled: 'Cancelled' };

function pretty(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

export function ToolPanel(props: { server: string; tool: string }) {
  const client = useClient();
  const files = useQuery('api.tool', { server: props.server, tool: props.tool });
  const [code, setCode] = useState<'typescript' | 'python'>('typescript');
  const [calling, setCalling] = useState(false);
  const [result, setResult] = useState<CallResult>();
  const [callError, setCallError] = useState<string>();
  const [callId, setCallId] = useState<string>();
  const [progress, setProgress] = useState<Progress>();
  const [task, setTask] = useState<TaskStatus>();
  const [opened, setOpened] = useState<{ uri: string; contents?: unknown[]; error?: string }>();

  useEffect(() => {
    if (!callId) return;
    const stopProgress = client.on('api.progress', (event) => {
      if (event.callId === callId) setProgress(event);
    });
    const stopTask = client.on('api.taskStatus', (event) => {
      if (event.callId === callId) setTask(event.task);
    });
    return () => {
      stopProgress();
      stopTask();
    };
  }, [client, callId]);

  if (files.error) return <ErrorNote error={files.error} />;
  if (!files.data) return <p className="empty">Loading {props.tool}…</p>;
  const { doc } = files.data;

  const call = async (args: Record<string, unknown>) => {
    const id = crypto.randomUUID();
    setCalling(true);
    setCallError(undefined);
    setResult(undefined);
    setProgress(undefined);
    setTask(undefined);
    setCallId(id);
    try {
      setResult(await client.call('api.call', { server: props.server, tool: props.tool, args, callId: id }));
    } catch (err) {
      setCallError((err as Error).message);
    } finally {
      setCalling(false);
      setCallId(undefined);
    }
  };
  const cancel = () => {
    if (callId) client.call('api.cancel', { callId }).catch((err: Error) => setCallError(err.message));
  };
  const openResource = (uri: string) => {
    setOpened({ uri });
    client.call('servers.readResource', { name: props.server, uri }).then(
      (read) => setOpened({ uri, contents: read.contents }),
      (err: Error) => setOpened({ uri, error: err.message }),
    );
  };

  return (
    <article className="tool-panel" aria-labelledby="tool-title">
      <h2 id="tool-title">{doc.tool}</h2>
      <p>
        <code>{doc.signature}</code>
      </p>
      <Markdown source={doc.description} />
      <section aria-labelledby="try-title" className="try-it">
        <h3 id="try-title">Try it</h3>
        <SchemaForm schema={doc.inputSchema} submitLabel={`Call ${doc.tool}`} busy={calling} onSubmit={call} />
        {calling && (
          <div className="call-progress" role="status" aria-label="Call progress">
            <progress max={progress?.total} value={progress?.total ? progress.progress : undefined} aria-label={`Progress of ${doc.tool}`} />
            <span className="muted">
              {progress ? `${progress.progress}${progress.total ? ` of ${progress.total}` : ''}${progress.message ? ` · ${progress.message}` : ''}` : 'Waiting for the server…'}
            </span>
            <button type="button" onClick={cancel}>
              Cancel call
            </button>
            {task && (
              <p className="task-status" aria-label="Task status">
                Task {TASK_STATUS_LABEL[task.status] ?? task.status}
                {task.statusMessage ? `: ${task.statusMessage}` : ''}
              </p>
            )}
          </div>
        )}
        {!calling && task && result && (
          <p className="muted task-status" aria-label="Task status">
            Ran as task {task.id}: {TASK_STATUS_LABEL[task.status] ?? task.status}
            {task.statusMessage ? ` (${task.statusMessage})` : ''}
          </p>
        )}
        <ErrorNote error={callError} />
        {result && (
          <div className={`call-result ${result.ok ? 'ok' : 'failed'}`} role="status" aria-label="Result">
            <p>
              {result.cancelled ? 'Cancelled' : result.ok ? 'Succeeded' : 'Failed'} after {Math.round(result.durationMs)} ms
            </p>
            {result.error && !result.cancelled && <p className="error">{result.error}</p>}
            {result.content && result.content.length > 0 && !(result.error && result.content.every((b) => (b as { type?: string }).type === 'text')) && (
              <ContentBlocks blocks={result.content} onOpenResource={openResource} />
            )}
            {!result.content && result.ok && result.data !== undefined && result.data !== null && <pre>{pretty(result.data)}</pre>}
            {result.structuredContent !== undefined && (
              <details open>
                <summary>Structured content{doc.outputSchema !== undefined ? ' and its output schema' : ''}</summary>
                <pre aria-label="Structured content">{pretty(result.structuredContent)}</pre>
                {doc.outputSchema !== undefined && <pre aria-label="Its schema">{pretty(doc.outputSchema)}</pre>}
              </details>
            )}
          </div>
        )}
        {opened && (
          <div className="opened-resource" aria-label="Opened resource">
            <h4>{opened.uri}</h4>
            <ErrorNote error={opened.error} />
            {opened.contents?.map((c, i) => <ResourceContents key={i} contents={c as never} />)}
          </div>
        )}
      </section>
      <section aria-labelledby="code-title">
        <h3 id="code-title">Generated code</h3>
        <div role="tablist" aria-label="Language" className="tabs">
          <button role="tab" aria-selected={code === 'typescript'} onClick={() => setCode('typescript')}>
            TypeScript
          </button>
          <button role="tab" aria-selected={code === 'python'} onClick={() => setCode('python')}>
            Python
          </button>
        </div>
        <p className="muted">
          <code>{code === 'typescript' ? files.data.tsPath : files.data.pyPath}</code>
        </p>
        <CodeEditor
          key={code}
          readOnly
          language={code}
          label={`Generated ${code === 'typescript' ? 'TypeScript' : 'Python'}`}
          value={code === 'typescript' ? files.data.typescript : files.data.python}
        />
      </section>
      <details>
        <summary>Input schema</summary>
        <pre>{pretty(doc.inputSchema)}</pre>
      </details>
      {doc.outputSchema !== undefined && (
        <details>
          <summary>Output schema</summary>
          <pre>{pretty(doc.outputSchema)}</pre>
        </details>
      )}
    </article>
  );
}
