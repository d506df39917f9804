// Journal: the days of journal entries about skills, newest first. Agent-created skills stand out with their
// agent, run and servers, and can be approved, edited or rejected right here.
import { useMemo, useState } from 'react';
import type { JournalEntry } from '../../../shared/contract';
import { ErrorNote } from '../components/ErrorNote';
import { StatusBadge } from '../components/StatusBadge';
import { useClient, useQuery } from '../hooks';

export function JournalView(props: { navigate: (to: string) => void }) {
  const list = useQuery('journal.list', { days: 365 }, ['graph.changed', 'skills.changed']);
  const days = useMemo(() => {
    const byDay = new Map<string, JournalEntry[]>();
    for (const entry of list.data?.entries ?? []) {
      const day = byDay.get(entry.date) ?? [];
      day.push(entry);
      byDay.set(entry.date, day);
    }
    return [...byDay.entries()].sort((a, b) => b[0].localeCompare(a[0]));
  }, [list.data]);

  return (
    <section aria-labelledby="journal-title" className="view journal-view">
      <h1 id="journal-title">Journal</h1>
      <ErrorNote error={list.error} />
      {list.loading && !list.data && <p className="empty">Loading the journal…</p>}
      {list.data && days.length === 0 && <p className="empty">No skill events in the journals yet.</p>}
      {days.map(([date, entries]) => (
        <section key={date} aria-label={date} className="journal-day">
          <h2>
            <a href={`#/page/${entries[0].journalPath}`}>{date}</a>
          </h2>
          <ul>
            {entries.map((entry, i) => (
              <JournalItem key={`${entry.skill}-${i}`} entry={entry} onChanged={list.reload} navigate={props.navigate} />
            ))}
          </ul>
        </section>
      ))}
    </section>
  );
}

function timeOfDay(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

function JournalItem(props: { entry: JournalEntry; onChanged: () => void; navigate: (to: string) => void }) {
  const client = useClient();
  const { entry } = props;
  const [error, setError] = useState<string>();
  const byAgent = entry.actor.kind === 'agent';
  const setStatus = async (status: 'approved' | 'archived') => {
    try {
      await client.call('skills.setStatus', { name: entry.skill, status });
      setError(undefined);
      props.onChanged();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const exists = entry.skillStatus !== undefined;
  return (
    <li className={`journal-entry${byAgent ? ' by-agent' : ''}`} aria-label={`${entry.action} ${entry.skill}`}>
      <div className="entry-line">
        {entry.at && (
          <time className="muted" dateTime={entry.at}>
            {timeOfDay(entry.at)}{' '}
          </time>
        )}
        <strong>{entry.action}</strong>{' '}
        {exists ? <a href={`#/skills/${encodeURIComponent(entry.skill)}`}>{entry.skill}</a> : <span>{entry.skill}</span>}
        {entry.skillStatus && <StatusBadge status={entry.skillStatus} />}
        <span className={byAgent ? 'agent' : 'muted'}> by {byAgent ? `agent ${entry.actor.name ?? ''}` : (entry.actor.name ?? 'you')}</span>
      </div>
      {(entry.run || entry.servers.length > 0) && (
        <div className="muted entry-meta">
          {entry.run && <span>run {entry.run}</span>}
          {entry.servers.length > 0 && <span> · servers: {entry.servers.join(', ')}</span>}
        </div>
      )}
      {entry.text && <div className="entry-text">{entry.text}</div>}
      {exists && (
        <div className="row-actions">
          {entry.skillStatus !== 'approved' && (
            <button className="primary" onClick={() => setStatus('approved')} aria-label={`Approve ${entry.skill}`}>
              Approve
            </button>
          )}
          <button onClick={() => props.navigate(`skills/${encodeURIComponent(entry.skill)}/edit`)} aria-label={`Edit ${entry.skill}`}>
            Edit
          </button>
          {entry.skillStatus !== 'archived' && (
            <button onClick={() => setStatus('archived')} aria-label={`Reject ${entry.skill}`}>
              Reject
            </button>
          )}
        </div>
      )}
      <ErrorNote error={error} />
    </li>
  );
}
