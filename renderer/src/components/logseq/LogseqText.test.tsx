// The Logseq text renderer, rendered for real with react-dom/server: Logseq syntax becomes links, callouts and
// chips; hostile input (raw HTML, javascript: links, unclosed blocks) never becomes live markup.
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { LogseqText, splitSegments } from './LogseqText';
import { splitLogseqText } from './remark-logseq';

const html = (text: string) => renderToStaticMarkup(<LogseqText text={text} />);

describe('Logseq text', () => {
  it('renders page refs, tags and multi-word tags as in-app links', () => {
    const out = html('see [[Target Page]], #reading and #[[Multi Word]] and [label]([[Other]])');
    expect(out).toContain('<a class="page-ref" href="#/name/Target%20Page" data-ref="Target Page">Target Page</a>');
    expect(out).toContain('<a class="tag" href="#/name/reading" data-ref="reading">#reading</a>');
    expect(out).toContain('href="#/name/Multi%20Word"');
    expect(out).toContain('<a href="#/name/Other">label</a>');
    expect(out).not.toContain('[[');
  });

  it('leaves code alone', () => {
    const out = html('`[[not a link]]` and\n```\n#notatag [[nor this]]\n```');
    expect(out).not.toContain('page-ref');
    expect(out).toContain('[[not a link]]');
    expect(out).toContain('#notatag [[nor this]]');
  });

  it('turns #+BEGIN_NOTE … #+END_NOTE into a callout, and an unclosed one stays text', () => {
    expect(html('#+BEGIN_NOTE\nRead **this**\n#+END_NOTE')).toMatch(/<aside class="callout callout-note" role="note" aria-label="note"><div class="callout-label">Note<\/div>.*<strong>this<\/strong>/);
    expect(splitSegments('#+BEGIN_TIP\nno end')).toEqual([{ kind: 'markdown', text: '#+BEGIN_TIP\nno end' }]);
    expect(splitSegments('a\n#+begin_src js\nx()\n#+end_src\nb').map((s) => s.kind)).toEqual(['markdown', 'block', 'markdown']);
  });

  it('never makes raw HTML or javascript: links live', () => {
    const out = html('<script>alert(1)</script><img src=x onerror=alert(1)>\n\n[click](javascript:alert(1)) and <b onclick="x">b</b>');
    expect(out).not.toMatch(/<script|<img|<b |href="javascript/i);
    // Shown as the text it is, not dropped.
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(out).toContain('&lt;b onclick=&quot;x&quot;&gt;');
    expect(out).toContain('<span class="unsafe-link">click</span>');
  });

  it('splits block refs, embeds, queries and priorities out of text', () => {
    expect(splitLogseqText('a ((6650a1b2-1111-4000-8000-000000000001)) {{embed [[P]]}} {{query (task TODO)}} [#A]').filter((n) => n.type !== 'text').map((n) => (n as { data: { hName: string } }).data.hName)).toEqual([
      'block-ref',
      'page-embed',
      'logseq-query',
      'priority-chip',
    ]);
  });
});
