// Ranks MCP tools for search_tools: an agent describes a task in its own words ("save some text to a file") and the
// right tool should come first. Scores every tool doc in memory over its name, server, description (first sentence
// weighs more) and parameter names and descriptions, with light stemming and synonyms of common verbs and nouns;
// a deprecated tool (annotation or explicit marker) yields its place to every other match.
import type { ToolDoc } from '../../../shared/types';
import { describesDeprecated } from '../mcp/deprecation';
import { isObject } from '../mcp/schema-common';

/** Words that carry no meaning in a task description. */
const STOPWORDS = new Set(
  ('a an and any are as at be by can do does for from give has have how i in into is it its me my of on one or our please some ' +
    'that the their them then there these this those to tool tools use using via want was we when where who will with ' +
    'would you your am so up out about been need needs').split(' '),
);

/**
 * Words of one meaning, as agents and servers say them. A query word also finds its group's other words, at a
 * discount, so "remove a folder" reaches `delete_directory` while a tool saying "remove" itself still wins.
 */
const SYNONYM_GROUPS = [
  'search find look lookup query locate seek match grep',
  'get fetch retrieve read show view load obtain return see',
  // "what files are in…", "which channels exist": a question about what there is asks for a listing.
  'list enumerate browse all every what which exist',
  'multiple several many batch bulk',
  'create make new add insert register',
  'write save store put persist remember record',
  'update change modify edit set patch alter replace',
  'delete remove erase forget drop destroy clear',
  'send post publish notify',
  'move rename relocate',
  'compress zip gzip archive',
  'directory folder dir',
  'file document',
  'message msg chat',
  'channel room',
  'sheet spreadsheet worksheet tab workbook',
  'record row entry',
  'entity node person people thing',
  'relation link relationship connection connect',
  'observation fact',
  'environment env variable',
  'sum add total plus',
  'history recent latest',
  'info metadata detail stat',
  'image picture photo media',
  'run trigger start execute launch',
  'progress status',
];

/** Discount of a synonym against the word itself. */
const SYNONYM_WEIGHT = 0.6;
/** A match scoring below this share of the best one is dropped. */
const WEAKEST_SHARE = 0.1;
/** Field weights: a word in the tool's name says most about what it does. */
const WEIGHTS = { name: 3, lead: 1.6, server: 1.2, params: 1, body: 0.6, paramDocs: 0.4 } as const;
type Field = keyof typeof WEIGHTS;

/** A tool declared deprecated: the generator writes the server's annotation into the doc as a leading marker. */
export function isDeprecatedTool(doc: Pick<ToolDoc, 'description'>): boolean {
  return describesDeprecated(doc.description);
}

/** Crude English stemming, enough that "files", "filed" and "file" meet; applied to query and docs alike. */
export function stem(word: string): string {
  if (word.length <= 3) return word;
  if (word.endsWith('ies') && word.length > 4) return `${word.slice(0, -3)}y`;
  if (word.endsWith('ing') && word.length > 5) return word.slice(0, -3).replace(/(.)\1$/, '$1');
  if (word.endsWith('ed') && word.length > 4) return word.slice(0, -2).replace(/(.)\1$/, '$1');
  if (/(sses|xes|ches|shes|zes)$/.test(word)) return word.slice(0, -2);
  if (word.endsWith('s') && !word.endsWith('ss') && !word.endsWith('us')) return word.slice(0, -1);
  return word;
}

/** Lower-case stemmed words of a text, identifiers split (`readTextFile`, `read_text-file` -> read, text, file). */
export function words(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word && !STOPWORDS.has(word))
    .map(stem);
}

const SYNONYMS = new Map<string, string[]>();
for (const group of SYNONYM_GROUPS) {
  const members = group.split(' ').map(stem);
  for (const member of members) SYNONYMS.set(member, [...new Set([...(SYNONYMS.get(member) ?? []), ...members.filter((m) => m !== member)])]);
}

interface IndexedTool {
  doc: ToolDoc;
  fields: Record<Field, Set<string>>;
  nameWords: string[];
}

function parameterText(schema: unknown): { names: string; docs: string } {
  const properties = isObject(schema) && isObject(schema.properties) ? schema.properties : {};
  const names: string[] = [];
  const docs: string[] = [];
  for (const [key, value] of Object.entries(properties)) {
    names.push(key);
    if (isObject(value) && typeof value.description === 'string') docs.push(value.description);
  }
  return { names: names.join(' '), docs: docs.join(' ') };
}

function indexTool(doc: ToolDoc): IndexedTool {
  const description = doc.description.trim();
  const lead = description.split(/(?<=[.!?])\s|\n/)[0] ?? '';
  const params = parameterText(doc.inputSchema);
  const nameWords = words(`${doc.tool} ${doc.identifier}`);
  return {
    doc,
    nameWords: [...new Set(nameWords)],
    fields: {
      name: new Set(nameWords),
      lead: new Set(words(lead)),
      server: new Set(words(doc.server)),
      params: new Set(words(params.names)),
      body: new Set(words(description)),
      paramDocs: new Set(words(params.docs)),
    },
  };
}

/** Tokenized docs by server, tool and schema hash (which covers the description), so a query re-reads nothing. */
const indexed = new Map<string, IndexedTool>();
const INDEXED_MAX = 20_000;

function indexOf(docs: readonly ToolDoc[]): IndexedTool[] {
  if (indexed.size > INDEXED_MAX) indexed.clear();
  return docs.map((doc) => {
    const key = `${doc.server}\u0000${doc.tool}\u0000${doc.schemaHash}\u0000${doc.description.length}`;
    let tool = indexed.get(key);
    if (!tool || tool.doc.description !== doc.description) {
      tool = indexTool(doc);
      indexed.set(key, tool);
    }
    return { ...tool, doc };
  });
}

/** How much one query word says about a tool: its best field, discounted for a synonym. */
function wordScore(tool: IndexedTool, word: string, idf: (w: string) => number): number {
  let best = 0;
  for (const [variant, factor] of [[word, 1] as const, ...(SYNONYMS.get(word) ?? []).map((s) => [s, SYNONYM_WEIGHT] as const)]) {
    for (const field of Object.keys(WEIGHTS) as Field[]) {
      if (tool.fields[field].has(variant)) best = Math.max(best, WEIGHTS[field] * factor * idf(variant));
    }
  }
  return best;
}

/**
 * The tools that match the query, best first, at most `limit`. A tool must match at least one query word (or a
 * synonym); ties keep a stable order by server and tool. Deprecated tools come after all others.
 */
export function rankTools(docs: readonly ToolDoc[], query: string, limit: number): ToolDoc[] {
  const tools = indexOf(docs);
  const queryWords = [...new Set(words(query))];
  if (!queryWords.length || !tools.length) return [];
  const frequency = new Map<string, number>();
  const documentFrequency = (word: string): number => {
    let n = frequency.get(word);
    if (n === undefined) {
      n = tools.filter((tool) => Object.values(tool.fields).some((field) => field.has(word))).length;
      frequency.set(word, n);
    }
    return n;
  };
  const idf = (word: string) => Math.log(1 + (tools.length - documentFrequency(word) + 0.5) / (documentFrequency(word) + 0.5));
  const scored = tools
    .map((tool) => {
      const perWord = queryWords.map((word) => wordScore(tool, word, idf));
      const matched = perWord.filter((score) => score > 0).length;
      if (matched === 0) return { tool, score: 0 };
      // Covering more of the query beats one strong word; a name the query spells out entirely is the best sign.
      const coverage = matched / queryWords.length;
      const nameCovered = tool.nameWords.filter((word) => queryWords.includes(word) || (SYNONYMS.get(word) ?? []).some((s) => queryWords.includes(s))).length / Math.max(1, tool.nameWords.length);
      // Tool names are mostly verb_noun: the query asking for that action ("look up" for find_records) is a strong sign.
      const action = tool.nameWords[0];
      const actionAsked = action !== undefined && queryWords.some((word) => word === action || (SYNONYMS.get(word) ?? []).includes(action));
      const sum = perWord.reduce((a, b) => a + b, 0);
      return { tool, score: sum * (0.5 + coverage) * (1 + 0.5 * nameCovered) * (actionAsked ? 1.3 : 1) };
    })
    .filter((entry) => entry.score > 0);
  // A synonym of one common word matches half the catalog; such a far weaker match is noise, not a candidate.
  const best = Math.max(0, ...scored.map((entry) => entry.score));
  const candidates = scored.filter((entry) => entry.score >= best * WEAKEST_SHARE);
  candidates.sort(
    (a, b) =>
      Number(isDeprecatedTool(a.tool.doc)) - Number(isDeprecatedTool(b.tool.doc)) ||
      b.score - a.score ||
      (a.tool.doc.server < b.tool.doc.server ? -1 : a.tool.doc.server > b.tool.doc.server ? 1 : 0) ||
      (a.tool.doc.tool < b.tool.doc.tool ? -1 : a.tool.doc.tool > b.tool.doc.tool ? 1 : 0),
  );
  return candidates.slice(0, Math.max(0, limit)).map((entry) => entry.tool.doc);
}
