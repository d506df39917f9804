// One tool of the generated API: description, generated TypeScript and Python, input and output types, and
// a "Try it" form built from the input schema that calls the tool and shows the result.
import { useState } from 'react';
import { CodeEditor } from '../components/CodeEditor';
import { ErrorNote } from '../components/ErrorNote';
import { Markdown } from '../components/Markdown';
import { SchemaForm } from '../components/SchemaForm';
import { useClient, useQuery } from '../hooks';

type CallResult = { ok: boolean; data: unknown; error?: string; durationMs: number };

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

  if (files.error) return <ErrorNote error={files.error} />;
  if (!files.data) return <p className="empty">Loading {props.tool}…</p>;
  const { doc } = files.data;

  const call = async (args: Record<string, unknown>) => {
    setCalling(true);
    setCallError(undefined);
    try {
      setResult(await client.call('api.call', { server: props.server, tool: props.tool, args }));
    } catch (err) {
      setCallError((err as Error).message);
    } finally {
      setCalling(false);
    }
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
        <ErrorNote error={callError} />
        {result && (
          <div className={`call-result ${result.ok ? 'ok' : 'failed'}`} role="status" aria-label="Result">
            <p>
              {result.ok ? 'Succeeded' : 'Failed'} in {Math.round(result.durationMs)} ms
            </p>
            {result.error && <p className="error">{result.error}</p>}
            {result.data !== undefined && <pre>{pretty(result.data)}</pre>}
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
