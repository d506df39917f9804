// Journal: skill events from the Logseq journals, newest first.
import { useQuery } from '../hooks';

export function JournalView(_props: { navigate: (to: string) => void }) {
  const list = useQuery('journal.list', {}, ['graph.changed', 'skills.changed']);
  return (
    <section aria-labelledby="journal-title" className="view">
      <h1 id="journal-title">Journal</h1>
      {list.error && <p className="error">{list.error}</p>}
      {list.data && list.data.entries.length === 0 && <p className="empty">No skill events in the journals yet.</p>}
      <ul>
        {list.data?.entries.map((e, i) => (
          <li key={i}>
            {e.date} {e.action} {e.skill}
          </li>
        ))}
      </ul>
    </section>
  );
}
