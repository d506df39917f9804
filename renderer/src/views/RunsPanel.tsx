// Run history with the context ledger: recent runs from the app, the CLI and agents (the gateway), each with how many
// tokens of tool results its code received against how many it printed back, and one run opened with its output.
import { outputCutNotice } from '../../../shared/output-notice';
import { useEffect, useMemo, useState } from 'react';
import type { RunDetail } from '../../../shared/contract';
import type { RunSummary } from '../../../shared/types';
import { ErrorNote } from '../components/ErrorNote';
import { StatusBadge } from '../components/StatusBadge';
import { ToolCallTimeline } from '../components/ToolCallTimeline';
import { localTime, plural, timeAgo } from '../components/humanize';
import { useClient, useQuery } from '../hooks';
import { isRunning } from './consoleSession';

const ORIGINS = ['all', 'app', 'cli', 'gateway'] as const;
type OriginFilter = (typeof ORIGINS)[number];
const ORIGIN_LABEL: Record<RunSummary['origin'], string> = { app: 'App', cli: 'CLI', gateway: 'Agent (gateway)' };
/** Gateway runs happen in another process (`skillgraph mcp`), whose events never reach this window: look again now and then. */
const POLL_MS = 2500;
/** What the detail shows of each stream; the full log stays on disk. */
const DETAIL_CHARS = 200 * 1024;

const tokens = (n: number | undefined) => (n === undefined ? '—' : n.toLocaleString());

function duration(ms: number | undefined): string {
  if (ms === undefined) return '—';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}


/** Calls `reload` every POLL_MS while the page is visible. */
function usePolling(reload: () => void, enabled = true) {
  useEffect(() => {
    if (!enabled) return;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') reload();
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [reload, enabled]);
}

export function RunsPanel(props: { selected?: string; navigate: (to: string) => void }) {
  const runs = useQuery('runs.list', { limit: 200 }, ['run.status', 'ledger.updated', 'approvals.changed']);
  const [origin, setOrigin] = useState<OriginFilter>('all');
  usePolling(runs.reload);
  const shown = useMemo(() => (runs.data?.runs ?? []).filter((r) => origin === 'all' || r.origin === origin), [runs.data, origin]);
  const kept = shown.reduce((sum, r) => sum + (r.ledger?.savedTokens ?? 0), 0);

  return (
    <div className={`runs-panel ${props.selected ? 'with-detail' : ''}`}>
      <section aria-labelledby="runs-title" className="runs-list-pane">
        <div className="pane-head">
          <h2 id="runs-title">Recent runs</h2>
          <label className="sort">
            Origin
            <select value={origin} onChange={(e) => setOrigin(e.target.value as OriginFilter)}>
              {ORIGINS.map((o) => (
                <option key={o} value={o}>
                  {o === 'all' ? 'All' : ORIGIN_LABEL[o]}
                </option>
              ))}
            </select>
          </label>
        </div>
        <ErrorNote error={runs.error} what="Loading runs" />
        <p className="count" data-testid="runs-total">
          {plural(shown.length, 'run')}
          {kept > 0 && ` · ${kept.toLocaleString()} tokens of tool results kept out of the model's context`}
        </p>
        {runs.data && shown.length === 0 ? (
          <p className="empty">
            {origin === 'all'
              ? 'No runs yet. Runs from the Console, `skillgraph run` and agents using the gateway appear here.'
              : `No runs from ${ORIGIN_LABEL[origin]} among the recent ones.`}
          </p>
        ) : (
          <div className="runs-table-wrap">
            <table className="runs-table" aria-label="Recent runs">
              <thead>
                <tr>
                  <th scope="col">Run</th>
                  <th scope="col">Origin</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="optional">
                    Started
                  </th>
                  <th scope="col" className="num">
                    Duration
                  </th>
                  <th scope="col" className="num">
                    Tool calls
                  </th>
                  <th scope="col" className="num" title="Tokens of tool results the code received (what direct tool calling would put in context)">
                    Tool results
                  </th>
                  <th scope="col" className="num optional" title="Tokens of what the run printed back">
                    Printed
                  </th>
                  <th scope="col" className="num">
                    Kept out
                  </th>
                </tr>
              </thead>
              <tbody>
                {shown.map((run) => (
                  <tr key={run.id} className={run.id === props.selected ? 'selected' : ''} aria-current={run.id === props.selected ? 'true' : undefined}>
                    <th scope="row">
                      <a href={`#/console/runs/${encodeURIComponent(run.id)}`} title={`Run ${run.id}`} className="run-label">
                        {run.title ? <code>{run.title}</code> : <code>{run.id}</code>}
                      </a>
                      {run.title && <span className="muted run-id"> {run.id}</span>}
                      <span className="muted session optional"> {run.session}</span>
                    </th>
                    <td className={`origin origin-${run.origin}`}>{ORIGIN_LABEL[run.origin]}</td>
                    <td>
                      <StatusBadge status={run.status} />
                    </td>
                    <td className="optional">
                      <time dateTime={new Date(run.startedAt).toISOString()} title={localTime(run.startedAt)}>
                        {timeAgo(run.startedAt)}
                      </time>
                    </td>
                    <td className="num">{duration(run.durationMs)}</td>
                    <td className="num">{run.toolCalls}</td>
                    <td className="num">{tokens(run.ledger?.toolResultTokens)}</td>
                    <td className="num optional">{tokens(run.ledger?.printedTokens)}</td>
                    <td className="num">{tokens(run.ledger?.savedTokens)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {props.selected && <RunDetailPane runId={props.selected} onClose={() => props.navigate('console/runs')} />}
    </div>
  );
}

function RunDetailPane(props: { runId: string; onClose: () => void }) {
  const client = useClient();
  const detail = useQuery('runs.get', { runId: props.runId });
  const { reload } = detail;
  const running = detail.data ? isRunning(detail.data.status) : false;
  usePolling(reload, running);
  useEffect(() => {
    const mine = (runId: string) => runId === props.runId && reload();
    const offs = [client.on('run.status', (s) => mine(s.id)), client.on('ledger.updated', (l) => mine(l.runId))];
    return () => offs.forEach((off) => off());
  }, [client, props.runId, reload]);

  return (
    <section aria-labelledby="run-detail-title" className="run-detail">
      <div className="pane-head">
        <h2 id="run-detail-title">
          Run <code>{props.runId}</code>
        </h2>
        <button onClick={props.onClose} aria-label="Close run">
          Close
        </button>
      </div>
      <ErrorNote error={detail.error} what="Loading the run" />
      {detail.data && <RunDetailBody run={detail.data} />}
    </section>
  );
}

function RunDetailBody({ run }: { run: RunDetail }) {
  return (
    <>
      <dl className="properties" aria-label="Run facts">
        <dt>Status</dt>
        <dd>
          <StatusBadge status={run.status} />
          {run.exitCode !== undefined && run.exitCode !== null && <span className="muted"> exit {run.exitCode}</span>}
        </dd>
        <dt>Origin</dt>
        <dd>{ORIGIN_LABEL[run.origin]}</dd>
        <dt>Session</dt>
        <dd>{run.session}</dd>
        <dt>Language</dt>
        <dd>
          {run.language} on {run.backend}
          {run.sandboxId && <span className="muted"> (sandbox {run.sandboxId})</span>}
        </dd>
        {run.fallbackReason && (
          <>
            <dt>Ran locally because</dt>
            <dd data-testid="run-fallback">{run.fallbackReason}</dd>
          </>
        )}
        <dt>Started</dt>
        <dd>
          {timeAgo(run.startedAt)} <span className="muted">({localTime(run.startedAt)})</span>
        </dd>
        <dt>Duration</dt>
        <dd>{duration(run.durationMs)}</dd>
        <dt>Tool calls</dt>
        <dd>{run.toolCalls}</dd>
        {run.notice && (
          <>
            <dt>Notice</dt>
            <dd className="warn">{run.notice}</dd>
          </>
        )}
        <dt>Log</dt>
        <dd>
          <code>{run.logPath}</code>
        </dd>
      </dl>
      <section className="run-code" aria-labelledby="run-code-title">
        <h3 id="run-code-title">Code ({run.language})</h3>
        {run.code !== undefined ? (
          <pre aria-label="Code that ran" tabIndex={0}>
            {run.code}
          </pre>
        ) : (
          <p className="muted">This run's code was not kept (runs before this version, or still running).</p>
        )}
      </section>
      <Ledger run={run} />
      {run.toolCallEvents.length > 0 && <ToolCallTimeline calls={run.toolCallEvents} headingId="run-calls-title" />}
      {run.diagnostics.length > 0 && (
        <ul className="diagnostics" aria-label="Type errors">
          {run.diagnostics.map((d, i) => (
            <li key={i} className="error">
              Line {d.line}:{d.column} {d.message}
            </li>
          ))}
        </ul>
      )}
      <StreamText label="Run output" text={run.stdout} empty="The run printed nothing." logPath={run.logPath} />
      {run.stderr && <StreamText label="Run errors" text={run.stderr} className="stderr" logPath={run.logPath} />}
    </>
  );
}

function Ledger({ run }: { run: RunDetail }) {
  const ledger = run.ledger;
  if (!ledger) return <p className="muted">{isRunning(run.status) ? 'The context ledger is written when the run ends.' : 'No context ledger for this run.'}</p>;
  return (
    <section aria-labelledby="ledger-title" className="ledger">
      <h3 id="ledger-title">Context ledger</h3>
      <p>
        The code received <strong>{ledger.toolResultTokens.toLocaleString()}</strong> tokens of tool results and printed{' '}
        <strong>{ledger.printedTokens.toLocaleString()}</strong> back: <strong data-testid="ledger-saved">{ledger.savedTokens.toLocaleString()}</strong> tokens kept
        out of the model's context.
      </p>
    </section>
  );
}

function StreamText(props: { label: string; text: string; empty?: string; className?: string; logPath?: string }) {
  const cut = props.text.length > DETAIL_CHARS;
  const text = cut ? props.text.slice(-DETAIL_CHARS) : props.text;
  return (
    <section className="run-stream">
      <h3>{props.label}</h3>
      {cut && (
        <p className="notice" role="status">
          {outputCutNotice({ notShown: props.text.length - DETAIL_CHARS, last: DETAIL_CHARS, logPath: props.logPath })}
        </p>
      )}
      {text ? (
        <pre className={`output-text ${props.className ?? ''}`} aria-label={props.label} tabIndex={0}>
          {text}
        </pre>
      ) : (
        <p className="empty">{props.empty}</p>
      )}
    </section>
  );
}
