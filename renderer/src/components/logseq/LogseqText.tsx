// Renders Logseq block text by construction: remark (+ GFM + our Logseq plugin) to hast to React elements,
// never an HTML string. #+BEGIN_X … #+END_X blocks become callouts, quotes, examples or code; page and block
// refs become in-app links; embeds and simple queries load what they show from the engine.
import { Fragment, jsx, jsxs } from 'react/jsx-runtime';
import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import rehypeReact from 'rehype-react';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';
import type { PageBlock } from '../../../../shared/contract';
import { ErrorNote } from '../ErrorNote';
import { useQuery } from '../../hooks';
import { remarkLogseq } from './remark-logseq';

export type Segment = { kind: 'markdown'; text: string } | { kind: 'block'; name: string; arg: string; body: string };

const BEGIN = /^[ \t]*#\+BEGIN_([A-Za-z]+)[ \t]*(.*)$/i;

/** Splits block text into Markdown runs and `#+BEGIN_X … #+END_X` blocks (an unclosed one stays text). */
export function splitSegments(text: string): Segment[] {
  const lines = text.split('\n');
  const out: Segment[] = [];
  let prose: string[] = [];
  const flush = () => {
    if (prose.join('').trim()) out.push({ kind: 'markdown', text: prose.join('\n') });
    prose = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const begin = BEGIN.exec(lines[i]);
    const end = begin ? lines.findIndex((line, j) => j > i && new RegExp(`^[ \\t]*#\\+END_${begin[1]}[ \\t]*$`, 'i').test(line)) : -1;
    if (!begin || end === -1) {
      prose.push(lines[i]);
      continue;
    }
    flush();
    out.push({ kind: 'block', name: begin[1].toUpperCase(), arg: begin[2].trim(), body: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  flush();
  return out;
}

const SAFE_URL = /^(https?:|mailto:|#|\/|\.{0,2}\/)/i;

const COMPONENTS = {
  a: (props: { href?: string; children?: ReactNode }) => {
    const href = props.href ?? '';
    if (!SAFE_URL.test(href)) return <span className="unsafe-link">{props.children}</span>;
    const external = /^(https?:|mailto:)/i.test(href);
    return (
      <a href={href} {...(external ? { target: '_blank', rel: 'noreferrer noopener' } : {})}>
        {props.children}
      </a>
    );
  },
  img: (props: { src?: string; alt?: string }) => (props.src && /^https?:/i.test(props.src) ? <img src={props.src} alt={props.alt ?? ''} /> : <span className="muted">[image: {props.alt || props.src}]</span>),
  'page-ref': (props: { name: string; tag: string }) => <PageLink name={props.name} tag={props.tag === 'true'} />,
  'block-ref': (props: { uuid: string }) => <BlockRef uuid={props.uuid} />,
  'page-embed': (props: { name: string }) => <PageEmbed name={props.name} />,
  'block-embed': (props: { uuid: string }) => <BlockEmbed uuid={props.uuid} />,
  'logseq-query': (props: { query: string }) => <SimpleQuery query={props.query} />,
  'priority-chip': (props: { priority: string }) => <span className={`priority priority-${props.priority.toLowerCase()}`}>{props.priority}</span>,
};

const processor = unified()
  .use(remarkParse)
  .use(remarkGfm)
  .use(remarkLogseq)
  .use(remarkRehype)
  .use(rehypeReact, { Fragment, jsx, jsxs, components: COMPONENTS as never });

function MarkdownRun(props: { text: string }) {
  const element = useMemo(() => processor.processSync(props.text).result as ReactNode, [props.text]);
  return <>{element}</>;
}

const CALLOUTS = new Set(['NOTE', 'TIP', 'IMPORTANT', 'CAUTION', 'WARNING', 'PINNED']);

function SegmentView(props: { segment: Segment }) {
  const { segment } = props;
  if (segment.kind === 'markdown') return <MarkdownRun text={segment.text} />;
  if (CALLOUTS.has(segment.name)) {
    return (
      <aside className={`callout callout-${segment.name.toLowerCase()}`} role="note" aria-label={segment.name.toLowerCase()}>
        <div className="callout-label">{segment.name[0] + segment.name.slice(1).toLowerCase()}</div>
        <LogseqText text={segment.body} />
      </aside>
    );
  }
  if (segment.name === 'QUOTE') return <blockquote><LogseqText text={segment.body} /></blockquote>;
  if (segment.name === 'SRC') return <pre className="src" data-lang={segment.arg}><code>{segment.body}</code></pre>;
  if (segment.name === 'QUERY') return <AdvancedQuery body={segment.body} />;
  return <pre className={`example block-${segment.name.toLowerCase()}`}>{segment.body}</pre>;
}

/** Block text (Markdown with Logseq syntax), rendered. */
export function LogseqText(props: { text: string }) {
  const segments = useMemo(() => splitSegments(props.text), [props.text]);
  return (
    <div className="logseq-text">
      {segments.map((segment, i) => (
        <SegmentView key={i} segment={segment} />
      ))}
    </div>
  );
}

/** The in-app address of a page file: each segment encoded, as useRoute decodes each (file names hold %XX). */
export function pageHref(path: string): string {
  return `#/page/${path.split('/').map(encodeURIComponent).join('/')}`;
}

export function PageLink(props: { name: string; tag?: boolean; children?: ReactNode }) {
  return (
    <a className={props.tag ? 'tag' : 'page-ref'} href={`#/name/${encodeURIComponent(props.name)}`} data-ref={props.name}>
      {props.children ?? (props.tag ? `#${props.name}` : props.name)}
    </a>
  );
}

function BlockRef(props: { uuid: string }) {
  const block = useQuery('blocks.get', { uuid: props.uuid }, ['graph.changed']);
  if (block.error) return <span className="block-ref missing" title={block.error}>(({props.uuid}))</span>;
  const first = block.data?.blocks[0];
  return (
    <a className="block-ref" href={`#/block/${encodeURIComponent(props.uuid)}`} title={block.data ? `On ${block.data.page.title}` : undefined}>
      {first ? withoutMarker(first.text).split('\n')[0] : '…'}
    </a>
  );
}

/** How deep embeds nest: a page embedding itself must not loop. */
const EmbedDepth = createContext(0);
const MAX_EMBED_DEPTH = 3;

function PageEmbed(props: { name: string }) {
  const resolved = useQuery('pages.resolve', { name: props.name });
  const depth = useContext(EmbedDepth);
  const path = resolved.data?.page?.path;
  return (
    <div className="embed page-embed" aria-label={`Embedded page ${props.name}`}>
      <div className="embed-title">
        <PageLink name={props.name} />
      </div>
      {resolved.data && !path && <p className="empty">No page named “{props.name}” yet.</p>}
      {path && depth < MAX_EMBED_DEPTH ? (
        <EmbedDepth.Provider value={depth + 1}>
          <EmbeddedPage path={path} />
        </EmbedDepth.Provider>
      ) : null}
    </div>
  );
}

function EmbeddedPage(props: { path: string }) {
  const page = useQuery('pages.get', { path: props.path }, ['graph.changed']);
  return (
    <>
      <ErrorNote error={page.error} />
      {page.data && <PropertiesTable properties={page.data.properties} />}
      {page.data && <BlockTree blocks={page.data.blocks} />}
    </>
  );
}

function BlockEmbed(props: { uuid: string }) {
  const block = useQuery('blocks.get', { uuid: props.uuid }, ['graph.changed']);
  const depth = useContext(EmbedDepth);
  return (
    <div className="embed block-embed" aria-label="Embedded block">
      <ErrorNote error={block.error} />
      {block.data && depth < MAX_EMBED_DEPTH && (
        <EmbedDepth.Provider value={depth + 1}>
          <BlockTree blocks={block.data.blocks} />
        </EmbedDepth.Provider>
      )}
    </div>
  );
}

function SimpleQuery(props: { query: string }) {
  const result = useQuery('query.simple', { query: props.query }, ['graph.changed']);
  return (
    <section className="query" aria-label={`Query ${props.query}`}>
      <div className="query-title">
        Query <code>{props.query}</code>
        {result.data && <span className="muted"> · {result.data.total} results</span>}
      </div>
      <ErrorNote error={result.error} />
      {result.data && result.data.pages.length > 0 && (
        <ul className="query-pages">
          {result.data.pages.map((page) => (
            <li key={page.path}>
              <a href={pageHref(page.path)}>{page.title}</a>
            </li>
          ))}
        </ul>
      )}
      {result.data?.groups.map((group) => (
        <div key={group.page.path} className="ref-group">
          <a className="ref-page" href={pageHref(group.page.path)}>
            {group.page.title}
          </a>
          <ul>
            {group.blocks.map((block) => (
              <li key={block.ord}>
                <BlockContent block={{ text: block.text, marker: block.marker, properties: {} }} />
              </li>
            ))}
          </ul>
        </div>
      ))}
      {result.data && result.data.total === 0 && result.data.pages.length === 0 && <p className="empty">No results.</p>}
    </section>
  );
}

function AdvancedQuery(props: { body: string }) {
  const title = /:title\s+"([^"]*)"/.exec(props.body)?.[1];
  return (
    <section className="query advanced-query" aria-label="Advanced query">
      <div className="query-title">
        Advanced query{title ? `: ${title}` : ''} <span className="muted">(Datalog; runs in Logseq only)</span>
      </div>
      <pre>{props.body}</pre>
    </section>
  );
}

// ---------------------------------------------------------------------------------------------------------
// Blocks and properties.

const MARKER = /^(#{1,6}[ \t]+)?(TODO|DOING|DONE|LATER|NOW|WAITING|WAIT|CANCELED|CANCELLED|IN-PROGRESS|STARTED)[ \t]+/;
/** Properties Logseq keeps for itself and does not show. */
const HIDDEN_PROPERTIES = new Set(['id', 'collapsed', 'heading', 'title', 'filters', 'icon']);

function withoutMarker(text: string): string {
  return text.replace(MARKER, (_, heading: string | undefined) => heading ?? '');
}

export function PropertiesTable(props: { properties: Record<string, string | string[]> }) {
  const entries = Object.entries(props.properties).filter(([key]) => !HIDDEN_PROPERTIES.has(key));
  if (!entries.length) return null;
  return (
    <table className="page-properties" aria-label="Page properties">
      <tbody>
        {entries.map(([key, value]) => (
          <tr key={key}>
            <th scope="row">{key}</th>
            <td>
              <PropertyValue value={value} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function PropertyValue(props: { value: string | string[] }) {
  if (Array.isArray(props.value)) {
    return (
      <>
        {props.value.map((item, i) => (
          <Fragment key={item}>
            {i > 0 && ', '}
            <PageLink name={item} />
          </Fragment>
        ))}
      </>
    );
  }
  return <InlineText text={props.value} />;
}

function InlineText(props: { text: string }) {
  return <span className="inline-text">{splitInline(props.text)}</span>;
}

/** Property values: links and tags as links, the rest as text (no block-level Markdown in a value). */
function splitInline(text: string): ReactNode[] {
  const parts: ReactNode[] = [];
  let last = 0;
  for (const m of text.matchAll(/#?\[\[([^\]]+)\]\]|(^|\s)#([^\s,#]+)/g)) {
    parts.push(text.slice(last, m.index));
    if (m[1]) parts.push(<PageLink key={m.index} name={m[1]} tag={m[0].startsWith('#')} />);
    else {
      parts.push(m[2]);
      parts.push(<PageLink key={m.index} name={m[3]} tag />);
    }
    last = m.index + m[0].length;
  }
  parts.push(text.slice(last));
  return parts;
}

function BlockContent(props: { block: Pick<PageBlock, 'text' | 'marker' | 'properties'> }) {
  const { block } = props;
  const chips = Object.entries(block.properties).filter(([key]) => !HIDDEN_PROPERTIES.has(key));
  return (
    <div className="block-content">
      {block.marker && <span className={`marker marker-${block.marker.toLowerCase()}`}>{block.marker}</span>}
      <LogseqText text={block.marker ? withoutMarker(block.text) : block.text} />
      {chips.length > 0 && (
        <div className="block-properties" aria-label="Block properties">
          {chips.map(([key, value]) => (
            <span key={key} className="property-chip">
              <span className="property-key">{key}</span> <PropertyValue value={value} />
            </span>
          ))}
        </div>
      )}
    </div>
  );
}

/** Blocks as Logseq's outline: bullets, children under parents, collapsed blocks closed until opened. */
export function BlockTree(props: { blocks: PageBlock[]; highlight?: string }) {
  const children = useMemo(() => {
    const byParent = new Map<number, PageBlock[]>();
    const ords = new Set(props.blocks.map((block) => block.ord));
    for (const block of props.blocks) {
      const parent = ords.has(block.parent) ? block.parent : -1;
      byParent.set(parent, [...(byParent.get(parent) ?? []), block]);
    }
    return byParent;
  }, [props.blocks]);
  if (!props.blocks.length) return null;
  return <BlockList blocks={children.get(-1) ?? []} childrenOf={children} highlight={props.highlight} />;
}

function BlockList(props: { blocks: PageBlock[]; childrenOf: Map<number, PageBlock[]>; highlight?: string }) {
  return (
    <ul className="blocks">
      {props.blocks.map((block) => (
        <BlockItem key={block.ord} block={block} childrenOf={props.childrenOf} highlight={props.highlight} />
      ))}
    </ul>
  );
}

function BlockItem(props: { block: PageBlock; childrenOf: Map<number, PageBlock[]>; highlight?: string }) {
  const { block } = props;
  const kids = props.childrenOf.get(block.ord) ?? [];
  const [open, setOpen] = useState(!block.collapsed);
  const highlighted = props.highlight !== undefined && block.uuid === props.highlight;
  const skillEvent = block.properties.type === 'skill-event';
  return (
    <li
      className={`block${highlighted ? ' highlighted' : ''}${skillEvent ? ' skill-event' : ''}`}
      data-block-uuid={block.uuid}
      ref={highlighted ? (el) => el?.scrollIntoView({ block: 'center' }) : undefined}
    >
      <div className="block-row">
        {kids.length > 0 ? (
          <button className="bullet toggle" aria-expanded={open} aria-label={open ? 'Collapse block' : 'Expand block'} onClick={() => setOpen(!open)}>
            {open ? '▾' : '▸'}
          </button>
        ) : (
          <span className="bullet" aria-hidden="true">•</span>
        )}
        <BlockContent block={block} />
      </div>
      {open && kids.length > 0 && <BlockList blocks={kids} childrenOf={props.childrenOf} highlight={props.highlight} />}
    </li>
  );
}
