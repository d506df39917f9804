// Plain text inside Logseq blocks and property values: the backslash escapes that keep a line of prose from
// turning into a task, a heading, a property, a tag or a code fence in Logseq (mldoc), and reading them back.
//
// mldoc drops a backslash before any ASCII punctuation or letter (`\#` shows `#`, `\TODO` shows `TODO`, `\x`
// shows `x`) except inside inline code, so a literal backslash is written `\\` and every escape below is a
// single backslash in front of the character that would start the syntax.

/** Task markers Logseq 0.10 recognises at the start of a block (mldoc `parse_marker`). */
const MARKERS = /^(?:TODO|DOING|DONE|LATER|NOW|WAITING|WAIT|CANCELED|CANCELLED|IN-PROGRESS|STARTED)(?=[ \t]|$)/;
const PLANNING = /^(?:SCHEDULED|DEADLINE):/;
/** `key:: value` (also `id::`): the key is anything up to `::` without spaces, as mldoc reads properties. */
const PROPERTY_START = /^([^\s:]+):(?=:)/;
/**
 * What opens block syntax at the start of a block: headings and tags, list bullets, quotes, drawers, tables, html,
 * math, page references and priorities, fences. Inline formatting (`**bold**`, `__x__`) is left as Logseq shows it.
 */
const BLOCK_START = /^(?:[#>:|<$[]|[-*+](?=\s|$)|`{3}|~{3})/;
/** Inline code spans as mldoc reads them: a single-backtick span or a double-backtick span (which may hold a backtick). */
const CODE_SPAN = /``[\s\S]+?``|`[^`\n]+`/g;
const ESCAPABLE = /[!-/:-@[-`{-~A-Za-z]/;

function outsideCode(text: string, transform: (plain: string) => string): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(CODE_SPAN)) {
    out += transform(text.slice(last, m.index)) + m[0];
    last = m.index + m[0].length;
  }
  return out + transform(text.slice(last));
}

/**
 * One line of prose as Logseq must read it: as the same plain text, never as block syntax. The line should
 * already be trimmed (leading spaces are not kept by Logseq either); it must not contain a line break.
 */
export function escapeProseLine(line: string): string {
  let text = outsideCode(line, (plain) => plain.replace(/\\/g, '\\\\'));
  if (MARKERS.test(text) || PLANNING.test(text)) text = '\\' + text;
  else if (PROPERTY_START.test(text)) text = text.replace(PROPERTY_START, '$1:\\');
  else if (text.startsWith('$$')) text = '\\$\\' + text.slice(1);
  else if (BLOCK_START.test(text)) text = '\\' + text;
  // A planning line's `<2024-01-05 Fri>` would still be read as a date.
  if (PLANNING.test(text.slice(1))) text = text.replace(/[ \t]<(?=\d)/, (m) => m[0] + '\\<');
  // `[#A]` is a priority and `[[x]]` a page reference at the start; `\[` alone leaves `[#A]` a tag, so escape inside too.
  if (text.startsWith('\\[')) text = text.replace(/^\\\[(\[|#)/, '\\[\\$1');
  return text;
}

/** The text Logseq shows for an escaped line: the inverse of escapeProseLine, and what mldoc does to backslashes. */
export function unescapeProseLine(line: string): string {
  return outsideCode(line, (plain) => plain.replace(/\\([\s\S])/g, (whole, ch: string) => (ESCAPABLE.test(ch) ? ch : whole)));
}
