// Global search (Ctrl/Cmd+K) over skills, pages, journals and tool docs.
import { useState } from 'react';
import { useQuery } from '../hooks';

export function SearchPalette(props: { onClose: () => void; navigate: (to: string) => void }) {
  const [query, setQuery] = useState('');
  const results = useQuery('search.query', { query, limit: 20 });
  return (
    <div className="palette-backdrop" onClick={props.onClose}>
      <div className="palette" role="dialog" aria-label="Search" onClick={(e) => e.stopPropagation()}>
        <input autoFocus value={query} onChange={(e) => setQuery(e.target.value)} placeholder="Search…" onKeyDown={(e) => e.key === 'Escape' && props.onClose()} />
        {results.error && <p className="error">{results.error}</p>}
        <ul>
          {results.data?.hits.map((h) => (
            <li key={h.kind + h.key}>
              {h.kind}: {h.title}
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
