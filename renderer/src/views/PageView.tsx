// A page or journal of the graph, read-only.
import { useQuery } from '../hooks';

export function PageView(props: { path: string }) {
  const page = useQuery('pages.get', { path: props.path }, ['graph.changed']);
  return (
    <section className="view">
      {page.error && <p className="error">{page.error}</p>}
      {page.data && (
        <>
          <h1>{page.data.title}</h1>
          <pre className="markdown">{page.data.markdown}</pre>
        </>
      )}
    </section>
  );
}
