// A page or journal of the graph, read-only, as Logseq shows it: a title bar (aliases, file, Open in Logseq),
// page properties, the block outline, then linked and unlinked references.
import { useState } from 'react';
import type { ReferenceGroup } from '../../../shared/contract';
import { ErrorNote } from '../components/ErrorNote';
import { BlockTree, LogseqText, PageLink, PropertiesTable, pageHref } from '../components/logseq/LogseqText';
import { useQuery } from '../hooks';

export function PageView(props: { path: string; highlight?: string }) {
  const page = useQuery('pages.get', { path: props.path }, ['graph.changed']);
  const data = page.data;
  return (
    <section className="view page-view" aria-labelledby="page-title">
      <ErrorNote error={page.error} />
      {data && (
        <>
          <header className="page-titlebar">
            <h1 id="page-title">{data.title}</h1>
            <a className="button" href={data.logseqUrl}>
              Open in Logseq
            </a>
          </header>
          <p className="muted page-meta">
            {data.kind}
            {data.format === 'org' ? ' · org' : ''} · <code data-testid="page-path">{data.path}</code>
            {data.aliases.length > 0 && (
              <span className="aliases" data-testid="page-aliases">
                {' '}
                · aliases:{' '}
                {data.aliases.map((alias, i) => (
                  <span key={alias}>
                    {i > 0 && ', '}
                    <PageLink name={alias} />
                  </span>
                ))}
              </span>
            )}
          </p>
          {data.warnings.map((w) => (
            <p key={w} className="warn">
              {w}
            </p>
          ))}
          <PropertiesTable properties={data.properties} />
          <BlockTree blocks={data.blocks} highlight={props.highlight} />
          {data.blocks.length === 0 && Object.keys(data.properties).length === 0 && <p className="empty">This page is empty.</p>}
          <References name={data.name} />
        </>
      )}
    </section>
  );
}

/** A `[[name]]` link's destination: the page (followed through aliases), or a page Logseq has not created yet. */
export function NamedPageView(props: { name: string }) {
  const resolved = useQuery('pages.resolve', { name: props.name }, ['graph.changed']);
  if (resolved.error) return <ErrorNote error={resolved.error} />;
  if (!resolved.data) return null;
  if (resolved.data.page) return <PageView path={resolved.data.page.path} />;
  return (
    <section className="view page-view" aria-labelledby="page-title">
      <h1 id="page-title">{props.name}</h1>
      <p className="empty">No file for this page yet: Logseq creates it when you write on it.</p>
      <References name={resolved.data.name} />
    </section>
  );
}

/** Where a ((uuid)) reference opens: its page, with the block highlighted. */
export function BlockRouteView(props: { uuid: string }) {
  const block = useQuery('blocks.get', { uuid: props.uuid });
  if (block.error) return <ErrorNote error={block.error} />;
  return block.data ? <PageView path={block.data.page.path} highlight={block.data.uuid} /> : null;
}

function References(props: { name: string }) {
  const [showUnlinked, setShowUnlinked] = useState(false);
  const refs = useQuery('pages.references', { name: props.name, unlinked: showUnlinked }, ['graph.changed']);
  const linked = refs.data?.linked ?? [];
  const count = (groups: ReferenceGroup[]) => groups.reduce((n, group) => n + group.blocks.length, 0);
  return (
    <>
      <section className="references" aria-label="Linked references">
        <h2>
          {count(linked)} Linked reference{count(linked) === 1 ? '' : 's'}
        </h2>
        <ErrorNote error={refs.error} />
        <ReferenceGroups groups={linked} />
      </section>
      <section className="references unlinked" aria-label="Unlinked references">
        <h2>
          <button className="link" aria-expanded={showUnlinked} onClick={() => setShowUnlinked(!showUnlinked)}>
            {showUnlinked && refs.data?.unlinked ? `${count(refs.data.unlinked)} Unlinked references` : 'Unlinked references'}
          </button>
        </h2>
        {showUnlinked && refs.data?.unlinked && <ReferenceGroups groups={refs.data.unlinked} />}
      </section>
    </>
  );
}

function ReferenceGroups(props: { groups: ReferenceGroup[] }) {
  return (
    <>
      {props.groups.map((group) => (
        <div key={group.page.path} className="ref-group" aria-label={`References on ${group.page.title}`}>
          <a className="ref-page" href={pageHref(group.page.path)}>
            {group.page.title}
          </a>
          <ul>
            {group.blocks.map((block) => (
              <li key={block.ord} className="ref-block">
                {block.marker && <span className={`marker marker-${block.marker.toLowerCase()}`}>{block.marker}</span>}
                <LogseqText text={block.marker ? block.text.replace(new RegExp(`^${block.marker}\\s+`), '') : block.text} />
              </li>
            ))}
          </ul>
        </div>
      ))}
    </>
  );
}
