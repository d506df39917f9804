// How search results read: titles that are the query (or start with it) rank before bm25's order, and
// snippets are plain text, without Logseq's and Markdown's markup ([[ ]], ##, **, ((uuid)), key:: lines).

/** ORDER BY terms (and their parameters) putting exact, then prefix, title matches first. */
export function titleFirstOrder(query: string): { sql: string; params: string[] } {
  const wanted = query.trim().replace(/^"|"$/g, '').trim();
  if (!wanted) return { sql: '', params: [] };
  const like = `${wanted.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
  return { sql: "CASE WHEN d.title = ? COLLATE NOCASE THEN 0 WHEN d.title LIKE ? ESCAPE '\\' THEN 1 ELSE 2 END, ", params: [wanted, like] };
}

/** The words of Markdown/Logseq text as a reader sees them. */
export function plainText(text: string): string {
  return text
    .replace(/^[ \t]*[A-Za-z0-9_][\w\-.]*::.*$/gm, '')
    .replace(/^[ \t]*#\+(BEGIN|END)_\w+.*$/gim, '')
    .replace(/^[ \t]*(`{3,}|~{3,}).*$/gm, '')
    .replace(/\{\{(embed|query)\s+([\s\S]*?)\}\}/g, '$2')
    .replace(/\(\(([0-9a-fA-F-]{8,})\)\)/g, '')
    .replace(/#\[\[([^\]]+)\]\]/g, '#$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[\[([^\]]+)\]\]/g, '$1')
    .replace(/^[ \t]*#{1,6}[ \t]+/gm, '')
    .replace(/\*\*|__|~~|`/g, '')
    .replace(/(^|[\s(])[*_](?=\S)|(?<=\S)[*_](?=$|[\s).,;:!?])/g, '$1')
    .replace(/\n{2,}/g, '\n')
    .trim();
}
