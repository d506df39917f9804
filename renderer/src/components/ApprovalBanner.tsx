// The approval prompt: tool calls of agent runs waiting for the user's Allow or Deny, shown as a non-modal banner
// under the top bar so work elsewhere goes on; Alt+Shift+A moves focus to it, and new requests are announced.
import { useEffect, useRef, useState } from 'react';
import type { MethodOutput } from '../../../shared/contract';
import { useClient, useQuery } from '../hooks';
import { onSettingsChanged } from './settingsSignal';

type Pending = MethodOutput<'approvals.list'>['pending'][number];

export const APPROVALS_SHORTCUT = 'Alt+Shift+A';

function age(requestedAt: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - requestedAt) / 1000));
  return seconds < 60 ? `${seconds} s ago` : `${Math.floor(seconds / 60)} min ago`;
}

export function ApprovalBanner() {
  const approvals = useQuery('approvals.list', {}, ['approvals.changed']);
  const pending = approvals.data?.pending ?? [];
  const region = useRef<HTMLElement>(null);
  const [now, setNow] = useState(Date.now());
  /** Where the user was before jumping to the banner, to go back once nothing is left to decide. */
  const returnFocus = useRef<HTMLElement | null>(null);

  // A decided row disappears with its focused button: keep focus in the banner, or give it back when the banner goes.
  const previousCount = useRef(0);
  useEffect(() => {
    const shrank = pending.length < previousCount.current;
    previousCount.current = pending.length;
    // Only after a decision: a new request never takes focus by itself.
    if (!shrank || document.activeElement !== document.body) return;
    const next = region.current?.querySelector<HTMLElement>('button');
    if (next) next.focus();
    else if (returnFocus.current?.isConnected) returnFocus.current.focus();
    if (!next) returnFocus.current = null;
  }, [pending.length]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.altKey && event.shiftKey && event.code === 'KeyA') {
        event.preventDefault();
        if (!region.current?.contains(document.activeElement)) returnFocus.current = document.activeElement as HTMLElement | null;
        const target = region.current?.querySelector<HTMLElement>('button') ?? region.current;
        target?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  useEffect(() => {
    if (!pending.length) return;
    const timer = setInterval(() => setNow(Date.now()), 5000);
    return () => clearInterval(timer);
  }, [pending.length]);

  return (
    <div className="approvals-slot">
      {/* Always present so screen readers announce requests as they arrive, not only when the region appears. */}
      <p className="visually-hidden" aria-live="polite">
        {pending.length ? `${pending.length} tool call${pending.length === 1 ? '' : 's'} waiting for your approval. Press ${APPROVALS_SHORTCUT} to review.` : ''}
      </p>
      {pending.length > 0 && (
        <section ref={region} className="approvals" aria-labelledby="approvals-title" tabIndex={-1}>
          <h2 id="approvals-title">
            {pending.length === 1 ? 'A run wants to call a writing tool' : `${pending.length} runs want to call writing tools`}
          </h2>
          <ul aria-label="Pending approvals">
            {pending.map((p) => (
              <ApprovalRow key={p.id} approval={p} age={age(p.requestedAt, now)} onDecided={approvals.reload} />
            ))}
          </ul>
          <p className="muted approvals-help">
            Writing tools are those not marked read-only by their server. Change this in <a href="#/settings">Settings</a>. Focus here anytime with <kbd>{APPROVALS_SHORTCUT}</kbd>.
          </p>
        </section>
      )}
    </div>
  );
}

function ApprovalRow(props: { approval: Pending; age: string; onDecided: () => void }) {
  const client = useClient();
  const { approval } = props;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const label = `${approval.server}/${approval.tool}`;

  const decide = async (allow: boolean) => {
    setBusy(true);
    setError(undefined);
    try {
      await client.call('approvals.decide', { id: approval.id, allow });
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
      props.onDecided();
    }
  };

  return (
    <li className="approval" aria-label={`${label} for run ${approval.runId}`}>
      <div className="approval-line">
        <code className="approval-tool">{label}</code>
        <span className="muted">
          run{' '}
          <a href={`#/console/runs/${encodeURIComponent(approval.runId)}`} title="Open the run">
            {approval.runId}
          </a>{' '}
          · {props.age}
        </span>
        <span className="approval-actions">
          <button className="primary" disabled={busy} onClick={() => void decide(true)} aria-label={`Allow ${label}`}>
            Allow
          </button>
          <button className="danger" disabled={busy} onClick={() => void decide(false)} aria-label={`Deny ${label}`}>
            Deny
          </button>
        </span>
      </div>
      <pre className="approval-args" aria-label={`Arguments of ${label}`}>
        {approval.argsPreview}
      </pre>
      {error && (
        <p className="error" role="alert">
          {error.split('\n')[0]}
        </p>
      )}
    </li>
  );
}

/** The status bar's item: whether approval is required and how many calls wait; opens Settings. */
export function ApprovalsStatus() {
  const approvals = useQuery('approvals.list', {}, ['approvals.changed']);
  const { reload } = approvals;
  useEffect(() => onSettingsChanged(reload), [reload]);
  if (!approvals.data) return null;
  const waiting = approvals.data.pending.length;
  return (
    <a href="#/settings" data-testid="status-approvals" className={waiting ? 'warn' : ''} title="Approval settings">
      Approvals: {approvals.data.required ? 'required' : 'off'}
      {waiting > 0 && `, ${waiting} waiting`}
    </a>
  );
}
