// The tool calls of one run in order: server/tool, duration, bytes returned, a task's status (a call that runs as an
// MCP task), the error when a call failed; each row expands to the arguments and a preview of the result (its size,
// whether it was cut), both copyable.
import { useState } from 'react';
import { TOOL_CALL_PREVIEW_CHARS, type ToolCallEvent } from '../../../shared/types';
import { formatBytes } from './ContentBlocks';

function pretty(json: string | undefined, cut?: boolean): string {
  if (json === undefined) return '';
  if (cut) return json;
  try {
    return JSON.stringify(JSON.parse(json), null, 2);
  } catch {
    return json; // not JSON (a cut or plain-text preview): shown as it is
  }
}

function CopyButton(props: { text: string; label: string }) {
  const [done, setDone] = useState<string>();
  return (
    <button
      type="button"
      onClick={() =>
        navigator.clipboard.writeText(props.text).then(
          () => setDone('Copied'),
          (err: Error) => setDone(`Copy failed: ${err.message}`),
        )
      }
    >
      {done ?? props.label}
    </button>
  );
}

function CallDetails({ call }: { call: ToolCallEvent }) {
  const argsCut = (call.argsPreview?.length ?? 0) >= TOOL_CALL_PREVIEW_CHARS;
  return (
    <div className="call-details">
      <p className="muted">
        Started {new Date(call.startedAt).toLocaleTimeString()} · sent {formatBytes(call.bytesIn)}
        {call.bytesOut !== undefined && ` · received ${formatBytes(call.bytesOut)}`}
        {call.durationMs !== undefined && ` · ${Math.round(call.durationMs)} ms`}
      </p>
      <h4>Arguments{argsCut ? ` (first ${TOOL_CALL_PREVIEW_CHARS.toLocaleString()} characters)` : ''}</h4>
      <pre aria-label="Arguments">{pretty(call.argsPreview, argsCut) || '(not recorded)'}</pre>
      {call.argsPreview && <CopyButton text={call.argsPreview} label="Copy arguments" />}
      {call.ok && (
        <>
          <h4>
            Result{call.resultTruncated ? ` (first ${TOOL_CALL_PREVIEW_CHARS.toLocaleString()} characters of ${formatBytes(call.bytesOut ?? 0)}; the code got all of it)` : ''}
          </h4>
          <pre aria-label="Result preview">{pretty(call.resultPreview, call.resultTruncated) || '(not recorded)'}</pre>
          {call.resultPreview && <CopyButton text={call.resultPreview} label="Copy result" />}
        </>
      )}
    </div>
  );
}

export function ToolCallTimeline(props: { calls: ToolCallEvent[]; title?: string; headingId?: string }) {
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());
  const toggle = (id: number) =>
    setOpen((current) => {
      const next = new Set(current);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  return (
    <section aria-labelledby={props.headingId ?? 'calls-title'} className="timeline">
      <h2 id={props.headingId ?? 'calls-title'}>{props.title ?? 'Tool calls'}</h2>
      {props.calls.length === 0 ? (
        <p className="empty">No tool calls yet.</p>
      ) : (
        <ol aria-label="Tool calls">
          {props.calls.map((call) => (
            <li key={call.id} className={call.ok === false ? 'failed' : call.ok ? 'ok' : 'pending'}>
              <button type="button" className="link call-toggle" aria-expanded={open.has(call.id)} onClick={() => toggle(call.id)}>
                <code>
                  {call.server}/{call.tool}
                </code>
              </button>
              <span className="muted">
                {' '}
                {call.durationMs === undefined ? 'running…' : `${Math.round(call.durationMs)} ms`}
                {call.bytesOut !== undefined && ` · ${formatBytes(call.bytesOut)}`}
                {call.task && ` · task ${call.task.status.replace('_', ' ')}${call.task.statusMessage ? `: ${call.task.statusMessage}` : ''}`}
              </span>
              {call.error && <div className="error">{call.error}</div>}
              {open.has(call.id) && <CallDetails call={call} />}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
