// The tool calls of one run in order: server/tool, duration, bytes returned, and the error when a call failed.
import type { ToolCallEvent } from '../../../shared/types';

export function ToolCallTimeline(props: { calls: ToolCallEvent[]; title?: string; headingId?: string }) {
  return (
    <section aria-labelledby={props.headingId ?? 'calls-title'} className="timeline">
      <h2 id={props.headingId ?? 'calls-title'}>{props.title ?? 'Tool calls'}</h2>
      {props.calls.length === 0 ? (
        <p className="empty">No tool calls yet.</p>
      ) : (
        <ol aria-label="Tool calls">
          {props.calls.map((call) => (
            <li key={call.id} className={call.ok === false ? 'failed' : call.ok ? 'ok' : 'pending'}>
              <code>
                {call.server}/{call.tool}
              </code>
              <span className="muted">
                {' '}
                {call.durationMs === undefined ? 'running…' : `${Math.round(call.durationMs)} ms`}
                {call.bytesOut !== undefined && ` · ${call.bytesOut.toLocaleString()} B`}
              </span>
              {call.error && <div className="error">{call.error}</div>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
