// Global search (Ctrl/Cmd+K) over skills, pages, journals and tool docs: results as you type, matches
// highlighted, kind filters, arrow keys to move and Enter to open the result in its view. The keyboard selection
// moves only with the keys (hover just highlights), so Enter opens what the arrows chose.
import { useEffect, useState, type KeyboardEvent } from 'react';
import type { SearchHit, SearchKind } from '../../../shared/types';
import { ErrorNote } from '../components/ErrorNote';
import { MarkedSnippet } from '../components/MarkedSnippet';
import { useQuery } from '../hooks';

const KINDS: Array<{ kind: SearchKind; label: string }> = [
  { kind: 'skill', label: 'Skills' },
  { kind: 'page', label: 'Pages' },
  { kind: 'journal', label: 'Journals' },
  { kind: 'tool', label: 'Tools' },
];

/** Where a result opens: skill -> its detail, page/journal -> the page, tool -> the server's tool. */
export function hitRoute(hit: SearchHit): string {
  if (hit.kind === 'skill') return `skills/${encodeURIComponent(hit.skillName ?? hit.title.split('/').pop()!)}`;
  if (hit.kind === 'tool') {
    const slash = hit.key.indexOf('/');
    return `servers/${encodeURIComponent(hit.key.slice(0, slash))}/${encodeURIComponent(hit.key.slice(slash + 1))}`;
  }
  return `page/${hit.key}`;
}

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

export function SearchPalette(props: { onClose: () => void; navigate: (to: string) => void }) {
  const [query, setQuery] = useState('');
  const [kinds, setKinds] = useState<SearchKind[]>([]);
  const [active, setActive] = useState(0);
  const debounced = useDebounced(query, 80);
  const results = useQuery('search.query', { query: debounced, limit: 30, filters: kinds.length ? { kinds } : undefined });
  const hits = debounced.trim() ? (results.data?.hits ?? []) : [];
  useEffect(() => setActive(0), [debounced, kinds.join(',')]);

  const open = (hit: SearchHit) => {
    props.onClose();
    props.navigate(hitRoute(hit));
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') props.onClose();
    else if (event.key === 'ArrowDown') setActive((i) => Math.min(hits.length - 1, i + 1));
    else if (event.key === 'ArrowUp') setActive((i) => Math.max(0, i - 1));
    else if (event.key === 'Enter' && hits[active]) open(hits[active]);
    else return;
    event.preventDefault();
  };
  const toggle = (kind: SearchKind) => setKinds((k) => (k.includes(kind) ? k.filter((x) => x !== kind) : [...k, kind]));

  return (
    <div className="palette-backdrop" onClick={props.onClose}>
      <div className="palette" role="dialog" aria-label="Search" aria-modal="true" onClick={(e) => e.stopPropagation()} onKeyDown={onKeyDown}>
        <input
          autoFocus
          role="combobox"
          aria-label="Search"
          aria-expanded={hits.length > 0}
          aria-controls="search-results"
          aria-activedescendant={hits[active] ? `hit-${active}` : undefined}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          placeholder="Search skills, pages, journals, tools…"
        />
        <div className="kind-filters" role="group" aria-label="Kinds">
          {KINDS.map(({ kind, label }) => (
            <button key={kind} aria-pressed={kinds.includes(kind)} onClick={() => toggle(kind)}>
              {label}
            </button>
          ))}
        </div>
        <ErrorNote error={debounced.trim() ? results.error : undefined} />
        {debounced.trim() && results.data && hits.length === 0 && <p className="empty">Nothing matches “{debounced}”.</p>}
        {hits.length > 0 && results.data?.allTerms === 0 && <p className="empty">No result has every word; showing results with some of them.</p>}
        <ul id="search-results" role="listbox" aria-label="Results" className="results">
          {hits.map((hit, i) => (
            <li
              key={hit.kind + hit.key}
              id={`hit-${i}`}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'active' : ''}
              onClick={() => open(hit)}
            >
              <span className={`kind kind-${hit.kind}`}>{hit.kind}</span>
              <span className="hit-title">{hit.title}</span>
              {hit.kind === 'tool' && <span className="hit-server muted">{hit.key.slice(0, hit.key.indexOf('/'))}</span>}
              <div className="hit-snippet">
                <MarkedSnippet snippet={hit.snippet} />
              </div>
            </li>
          ))}
        </ul>
        <p className="muted palette-help">↑↓ to move · Enter to open · Esc to close</p>
      </div>
    </div>
  );
}
