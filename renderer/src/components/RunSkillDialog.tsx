// Running a skill calls it: a form from the skill's signature (its parameters and types, read from the code), the
// skill's example beside it, then the run's output and result printed here. The Console's buffer is left alone.
import { useEffect, useRef, useState } from 'react';
import type { Skill } from '../../../shared/types';
import { useClient, useQuery } from '../hooks';
import { isRunning } from '../views/consoleSession';
import { ErrorNote } from './ErrorNote';
import { CloseActions, ModalDialog } from './ModalDialog';
import { SchemaForm } from './SchemaForm';
import { StatusBadge } from './StatusBadge';

type Output = { runId: string; stream: 'stdout' | 'stderr'; chunk: string };

export function RunSkillDialog(props: { skill: Skill; onClose: () => void }) {
  const client = useClient();
  const signature = useQuery('skills.signature', { name: props.skill.name });
  const [run, setRun] = useState<{ runId: string; code: string }>();
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<string>();
  const [output, setOutput] = useState<Output[]>([]);
  const statuses = useRef(new Map<string, string>());
  const [, setStatusTick] = useState(0);

  // Subscribed before any run starts: the first events can arrive before skills.run answers with the run's id.
  useEffect(() => {
    const offOut = client.on('run.output', (o) => setOutput((all) => [...all, o]));
    const offStatus = client.on('run.status', (s) => {
      statuses.current.set(s.id, s.status);
      setStatusTick((n) => n + 1);
    });
    return () => (offOut(), offStatus());
  }, [client]);

  const start = async (args: Record<string, unknown>) => {
    setError(undefined);
    setOutput([]);
    setRun(undefined);
    setStarting(true);
    try {
      setRun(await client.call('skills.run', { name: props.skill.name, args }));
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setStarting(false);
    }
  };
  const status = run ? (statuses.current.get(run.runId) ?? 'running') : starting ? 'queued' : undefined;

  const mine = output.filter((o) => o.runId === run?.runId);
  const stdout = mine.filter((o) => o.stream === 'stdout').map((o) => o.chunk).join('');
  const stderr = mine.filter((o) => o.stream === 'stderr').map((o) => o.chunk).join('');
  const busy = status !== undefined && isRunning(status as never);

  return (
    <ModalDialog title={`Run ${props.skill.name}`} onClose={props.onClose}>
      <div className="run-skill stack">
        <ErrorNote error={signature.error} what="Reading the skill's signature" />
        {signature.data && (
          <p className="muted">
            <code>
              {signature.data.exportName}({signature.data.text})
            </code>
          </p>
        )}
        {props.skill.example.trim() && (
          <details>
            <summary>Example</summary>
            <pre>{props.skill.example.trim()}</pre>
          </details>
        )}
        {signature.data && <SchemaForm schema={signature.data.schema} submitLabel={`Run ${props.skill.name}`} busy={busy} onSubmit={(args) => void start(args)} />}
        <ErrorNote error={error} />
        {run && (
          <section aria-label="Skill result" className="skill-result">
            <p>
              {status && <StatusBadge status={status as never} />} <span className="muted">run {run.runId}</span>{' '}
              <a href={`#/console/runs/${encodeURIComponent(run.runId)}`} onClick={props.onClose}>
                Open the run
              </a>
            </p>
            {stdout ? <pre aria-label="Skill output">{stdout}</pre> : !busy && <p className="muted">The skill printed and returned nothing.</p>}
            {stderr && (
              <pre aria-label="Skill errors" className="stderr">
                {stderr}
              </pre>
            )}
            <details>
              <summary>The code that called it</summary>
              <pre>{run.code}</pre>
            </details>
          </section>
        )}
        <CloseActions onClose={props.onClose} />
      </div>
    </ModalDialog>
  );
}
