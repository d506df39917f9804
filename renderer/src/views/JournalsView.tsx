// Journals: the journal pages themselves, newest first, each rendered as its outline; skill events (blocks
// with type:: skill-event) stand out inside them. The Journal area lists the skill events alone.
import { useMemo, useState } from 'react';
import { ErrorNote } from '../components/ErrorNote';
import { BlockTree, pageHref } from '../components/logseq/LogseqText';
import { useQuery } from '../hooks';

const PAGE_SIZE = 10;

export function JournalsView() {
  const list = useQuery('pages.list', {}, ['graph.changed']);
  const [shown, setShown] = useState(PAGE_SIZE);
  const journals = useMemo(
    () => (list.data?.pages ?? []).filter((page) => page.kind === 'journal').sort((a, b) => (b.journalDate ?? '').localeCompare(a.journalDate ?? '')),
    [list.data],
  );
  return (
    <section className="view journals-view" aria-labelledby="journals-title">
      <h1 id="journals-title">Journals</h1>
      <ErrorNote error={list.error} />
      {list.data && journals.length === 0 && <p className="empty">No journal pages in this graph yet.</p>}
      {journals.slice(0, shown).map((page) => (
        <JournalDay key={page.path} path={page.path} title={page.title} />
      ))}
      {journals.length > shown && <button onClick={() => setShown(shown + PAGE_SIZE)}>Older journals</button>}
    </section>
  );
}

function JournalDay(props: { path: string; title: string }) {
  const page = useQuery('pages.get', { path: props.path }, ['graph.changed']);
  return (
    <article className="journal-page" aria-label={props.title}>
      <h2>
        <a href={pageHref(props.path)}>{props.title}</a>
      </h2>
      <ErrorNote error={page.error} />
      {page.data && <BlockTree blocks={page.data.blocks} />}
    </article>
  );
}
