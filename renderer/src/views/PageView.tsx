// A page or journal of the graph, read-only: its Markdown rendered and sanitized, with any parse warnings.
import { ErrorNote } from '../components/ErrorNote';
import { Markdown } from '../components/Markdown';
import { useQuery } from '../hooks';

export function PageView(props: { path: string }) {
  const page = useQuery('pages.get', { path: props.path }, ['graph.changed']);
  return (
    <section className="view page-view" aria-labelledby="page-title">
      <ErrorNote error={page.error} />
      {page.data && (
        <>
          <h1 id="page-title">{page.data.title}</h1>
          <p className="muted">
            {page.data.kind} · <code>{page.data.path}</code>
          </p>
          {page.data.warnings.map((w) => (
            <p key={w} className="warn">
              {w}
            </p>
          ))}
          <Markdown source={page.data.markdown} />
        </>
      )}
    </section>
  );
}
