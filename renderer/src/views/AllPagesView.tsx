// All pages: every page of the graph with a filter, sorting by name, last change or backlinks, and the
// namespace tree (Projects/Alpha under Projects) as Logseq shows it.
import { useMemo, useState } from 'react';
import type { PageListEntry } from '../../../shared/contract';
import { ErrorNote } from '../components/ErrorNote';
import { pageHref } from '../components/logseq/LogseqText';
import { useQuery } from '../hooks';

type Sort = 'name' | 'updated' | 'backlinks';
interface NamespaceNode {
  segment: string;
  page?: PageListEntry;
  children: Map<string, NamespaceNode>;
}

export function AllPagesView() {
  const list = useQuery('pages.list', {}, ['graph.changed']);
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<Sort>('name');
  const [tree, setTree] = useState(false);
  const [journals, setJournals] = useState(false);
  const pages = useMemo(() => {
    const wanted = filter.trim().toLowerCase();
    const shown = (list.data?.pages ?? []).filter(
      (page) => (journals || page.kind === 'page') && (!wanted || page.name.includes(wanted) || page.aliases.some((alias) => alias.toLowerCase().includes(wanted))),
    );
    const byName = (a: PageListEntry, b: PageListEntry) => a.title.localeCompare(b.title, undefined, { sensitivity: 'base' });
    return shown.sort(sort === 'updated' ? (a, b) => b.mtimeMs - a.mtimeMs || byName(a, b) : sort === 'backlinks' ? (a, b) => b.backlinks - a.backlinks || byName(a, b) : byName);
  }, [list.data, filter, sort, journals]);

  return (
    <section className="view all-pages" aria-labelledby="all-pages-title">
      <h1 id="all-pages-title">All pages</h1>
      <div className="toolbar">
        <input aria-label="Filter pages" placeholder="Filter by name or alias" value={filter} onChange={(e) => setFilter(e.target.value)} />
        <label className="sort">
          Sort
          <select aria-label="Sort pages" value={sort} onChange={(e) => setSort(e.target.value as Sort)}>
            <option value="name">Name</option>
            <option value="updated">Last changed</option>
            <option value="backlinks">Backlinks</option>
          </select>
        </label>
        <button aria-pressed={tree} onClick={() => setTree(!tree)}>
          Namespace tree
        </button>
        <button aria-pressed={journals} onClick={() => setJournals(!journals)}>
          Include journals
        </button>
        <span className="muted">{pages.length} pages</span>
      </div>
      <ErrorNote error={list.error} />
      {tree ? (
        <NamespaceTree pages={pages} />
      ) : (
        <table className="pages-table" aria-label="Pages">
          <thead>
            <tr>
              <th>Page</th>
              <th>Backlinks</th>
              <th>Last changed</th>
            </tr>
          </thead>
          <tbody>
            {pages.map((page) => (
              <tr key={page.path}>
                <td>
                  <a href={pageHref(page.path)}>{page.title}</a>
                  {page.aliases.length > 0 && <span className="muted"> ({page.aliases.join(', ')})</span>}
                  {page.format === 'org' && <span className="muted"> · org</span>}
                </td>
                <td>{page.backlinks}</td>
                <td className="muted">{new Date(page.mtimeMs).toLocaleDateString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function NamespaceTree(props: { pages: PageListEntry[] }) {
  const root = useMemo(() => {
    const top: NamespaceNode = { segment: '', children: new Map() };
    for (const page of props.pages) {
      let node = top;
      for (const segment of page.title.split('/')) {
        let child = node.children.get(segment.toLowerCase());
        if (!child) node.children.set(segment.toLowerCase(), (child = { segment, children: new Map() }));
        node = child;
      }
      node.page = page;
    }
    return top;
  }, [props.pages]);
  return (
    <ul className="namespace-tree" role="tree" aria-label="Namespace tree">
      {[...root.children.values()].map((node) => (
        <NamespaceItem key={node.segment} node={node} />
      ))}
    </ul>
  );
}

function NamespaceItem(props: { node: NamespaceNode }) {
  const { node } = props;
  return (
    <li role="treeitem" aria-expanded={node.children.size ? true : undefined}>
      {node.page ? <a href={pageHref(node.page.path)}>{node.segment}</a> : <span className="muted">{node.segment}</span>}
      {node.children.size > 0 && (
        <ul role="group">
          {[...node.children.values()].map((child) => (
            <NamespaceItem key={child.segment} node={child} />
          ))}
        </ul>
      )}
    </li>
  );
}
