// Skills: the filterable, sortable list of every skill in the graph (virtualized, so 10,000 stay smooth),
// with the selected skill's detail beside it and an undo bar after a delete.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { Skill } from '../../../shared/types';
import { ErrorNote } from '../components/ErrorNote';
import { IndexProgress } from '../components/IndexProgress';
import { StatusBadge } from '../components/StatusBadge';
import { useClient, useQuery } from '../hooks';
import { SkillDetail } from './SkillDetail';

type Sort = 'name' | 'updated' | 'usage';
interface Filters {
  text: string;
  tag: string;
  language: string;
  status: string;
  source: string;
  server: string;
}
const NO_FILTERS: Filters = { text: '', tag: '', language: '', status: '', source: '', server: '' };

function distinct(values: string[]): string[] {
  return [...new Set(values)].filter(Boolean).sort((a, b) => a.localeCompare(b));
}

function matches(skill: Skill, f: Filters): boolean {
  if (f.tag && !skill.tags.includes(f.tag)) return false;
  if (f.language && skill.language !== f.language) return false;
  if (f.status && skill.status !== f.status) return false;
  if (f.source) {
    const [kind, name] = f.source.split(':');
    if (skill.source.kind !== kind || (name && skill.source.name !== name)) return false;
  }
  if (f.server && !skill.servers.includes(f.server)) return false;
  if (f.text) {
    const t = f.text.toLowerCase();
    if (!skill.name.toLowerCase().includes(t) && !skill.description.toLowerCase().includes(t)) return false;
  }
  return true;
}

function sourceLabel(skill: Skill): string {
  return skill.source.kind === 'agent' ? `agent${skill.source.name ? ` ${skill.source.name}` : ''}` : (skill.source.name ?? 'person');
}

export function SkillsView(props: { selected?: string; mode?: string; navigate: (to: string) => void }) {
  const client = useClient();
  const [sort, setSort] = useState<Sort>('updated');
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [deleted, setDeleted] = useState<{ name: string; recycledPath: string } | null>(null);
  const [undoError, setUndoError] = useState<string>();
  const list = useQuery('skills.list', { sort, limit: 20_000 }, ['skills.changed', 'graph.changed']);
  const skills = list.data?.skills ?? [];

  const options = useMemo(
    () => ({
      tags: distinct(skills.flatMap((s) => s.tags)),
      sources: distinct(skills.map((s) => (s.source.kind === 'agent' ? `agent:${s.source.name ?? ''}` : `person:${s.source.name ?? ''}`))),
      servers: distinct(skills.flatMap((s) => s.servers)),
    }),
    [skills],
  );
  const shown = useMemo(() => skills.filter((s) => matches(s, filters)), [skills, filters]);
  const set = (key: keyof Filters) => (value: string) => setFilters((f) => ({ ...f, [key]: value }));

  const undo = async () => {
    if (!deleted) return;
    try {
      await client.call('skills.restore', { recycledPath: deleted.recycledPath });
      props.navigate(`skills/${encodeURIComponent(deleted.name)}`);
      setDeleted(null);
      setUndoError(undefined);
      list.reload();
    } catch (err) {
      setUndoError((err as Error).message);
    }
  };

  return (
    <section aria-labelledby="skills-title" className={`view skills-view${props.selected ? ' with-detail' : ''}`}>
      <div className="skills-list-pane">
        <h1 id="skills-title">Skills</h1>
        <IndexProgress />
        <div className="filters" role="group" aria-label="Filters">
          <input type="search" aria-label="Filter by name" placeholder="Filter by name…" value={filters.text} onChange={(e) => set('text')(e.target.value)} />
          <FilterSelect label="Tag" value={filters.tag} onChange={set('tag')} options={options.tags} />
          <FilterSelect label="Language" value={filters.language} onChange={set('language')} options={['typescript', 'python']} />
          <FilterSelect label="Status" value={filters.status} onChange={set('status')} options={['draft', 'needs-review', 'approved', 'archived']} />
          <FilterSelect
            label="Source"
            value={filters.source}
            onChange={set('source')}
            options={options.sources}
            format={(s) => {
              const [kind, name] = s.split(':');
              return name ? `${kind}: ${name}` : kind;
            }}
          />
          <FilterSelect label="Server" value={filters.server} onChange={set('server')} options={options.servers} />
          <label className="sort">
            Sort
            <select value={sort} onChange={(e) => setSort(e.target.value as Sort)}>
              <option value="updated">Updated</option>
              <option value="name">Name</option>
              <option value="usage">Usage</option>
            </select>
          </label>
        </div>
        {deleted && (
          <div className="undo-bar" role="status">
            Deleted {deleted.name} (moved to logseq/.recycle).
            <button onClick={undo}>Undo</button>
            <button className="link" aria-label="Dismiss" onClick={() => setDeleted(null)}>
              ×
            </button>
            <ErrorNote error={undoError} what="Undo failed" />
          </div>
        )}
        <ErrorNote error={list.error} />
        {list.loading && !list.data && <p className="empty">Loading skills…</p>}
        {list.data && skills.length === 0 && (
          <p className="empty">No skills yet. Run a script in the Console and press “Save as skill”, or let an agent save one through the gateway.</p>
        )}
        {list.data && skills.length > 0 && (
          <p className="count" aria-live="polite">
            {shown.length === skills.length ? `${skills.length.toLocaleString()} skills` : `${shown.length.toLocaleString()} of ${skills.length.toLocaleString()} skills`}
          </p>
        )}
        {shown.length > 0 && <SkillRows skills={shown} selected={props.selected} />}
      </div>
      {props.selected && (
        <SkillDetail
          key={props.selected}
          name={props.selected}
          editing={props.mode === 'edit'}
          navigate={props.navigate}
          onDeleted={(name, recycledPath) => {
            setDeleted({ name, recycledPath });
            props.navigate('skills');
          }}
        />
      )}
    </section>
  );
}

function FilterSelect(props: { label: string; value: string; options: string[]; onChange: (v: string) => void; format?: (v: string) => string }) {
  return (
    <select aria-label={props.label} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
      <option value="">{`Any ${props.label.toLowerCase()}`}</option>
      {props.options.map((o) => (
        <option key={o} value={o}>
          {props.format ? props.format(o) : o}
        </option>
      ))}
    </select>
  );
}

const ROW_HEIGHT = 56;

function SkillRows(props: { skills: Skill[]; selected?: string }) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: props.skills.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 8 });

  // Arrow keys move focus between rows; the virtualizer brings off-screen rows in first.
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const current = Number((document.activeElement as HTMLElement | null)?.dataset.index ?? -1);
    const next = Math.min(props.skills.length - 1, Math.max(0, current + (event.key === 'ArrowDown' ? 1 : -1)));
    event.preventDefault();
    virtualizer.scrollToIndex(next);
    requestAnimationFrame(() => scroller.current?.querySelector<HTMLElement>(`[data-index="${next}"]`)?.focus());
  };

  return (
    <div ref={scroller} className="skill-rows" onKeyDown={onKeyDown}>
      <ul aria-label="Skills" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) => {
          const skill = props.skills[item.index];
          return (
            <li key={skill.id + skill.path} style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}>
              <a
                href={`#/skills/${encodeURIComponent(skill.name)}`}
                data-index={item.index}
                className={`skill-row${props.selected === skill.name ? ' selected' : ''}`}
                aria-current={props.selected === skill.name ? 'true' : undefined}
              >
                <span className="skill-row-top">
                  <strong className="skill-name">{skill.name}</strong>
                  <StatusBadge status={skill.status} />
                  <span className="lang">{skill.language === 'python' ? 'py' : 'ts'}</span>
                  {skill.source.kind === 'agent' && <span className="agent">{sourceLabel(skill)}</span>}
                  <span className="updated">{skill.updated ?? ''}</span>
                </span>
                <span className="skill-row-desc">
                  {skill.description || <em>No description</em>}
                  {skill.tags.length > 0 && <span className="tags"> · {skill.tags.join(', ')}</span>}
                </span>
              </a>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
