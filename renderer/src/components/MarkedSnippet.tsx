// A search snippet whose matches the index wraps in \u0002…\u0003: rendered as <mark> elements built by React,
// so the snippet's text never becomes HTML.
export function splitSnippet(snippet: string): Array<{ text: string; match: boolean }> {
  const parts: Array<{ text: string; match: boolean }> = [];
  const re = /\u0002([^\u0003]*)\u0003/g;
  let last = 0;
  for (let m = re.exec(snippet); m; m = re.exec(snippet)) {
    if (m.index > last) parts.push({ text: snippet.slice(last, m.index), match: false });
    parts.push({ text: m[1], match: true });
    last = m.index + m[0].length;
  }
  if (last < snippet.length) parts.push({ text: snippet.slice(last).replace(/[\u0002\u0003]/g, ''), match: false });
  return parts;
}

export function MarkedSnippet(props: { snippet: string }) {
  return (
    <span className="snippet">
      {splitSnippet(props.snippet).map((part, i) => (part.match ? <mark key={i}>{part.text}</mark> : <span key={i}>{part.text}</span>))}
    </span>
  );
}
