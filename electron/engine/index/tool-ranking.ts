// Ranks MCP tools for search_tools: an agent describes a task in its own words ("save some text to a file") and the
// right tool should come first. Scores every tool doc in memory over its name, server, description (first sentence
// weighs more), parameter names, descriptions and allowed values, with light stemming and synonyms of common verbs and
// nouns. A tool of a server the query names ("on Slack") counts more, and so does one whose server's tools together
// know the query's words (a "pods" query fits Kubernetes). A deprecated tool (annotation or explicit marker) yields its
// place to every other match.
import type { ToolDoc } from '../../../shared/types';
import { describesDeprecated } from '../mcp/deprecation';
import { isObject } from '../mcp/schema-common';

/** Words that carry no meaning in a task description. */
const STOPWORDS = new Set(
  ('a an and any are as at be by can do does for from give has have how i in into is it its me my of on one or our please some ' +
    'that the their them then there these this those to tool tools use using via want was we where who will with ' +
    'would you your am so up out about been need needs since take').split(' '),
);

/**
 * Words of one meaning, as agents and servers say them. A query word also finds its group's other words, at a
 * discount, so "remove a folder" reaches `delete_directory` while a tool saying "remove" itself still wins.
 */
const SYNONYM_GROUPS = [
  'search find look lookup query locate seek match grep',
  'get fetch retrieve read show view load obtain return see',
  'list enumerate browse all every exist show',
  'multiple several many batch bulk',
  'create make new add insert register generate',
  'write save store put persist remember record',
  'update change modify edit set patch alter replace',
  'delete remove erase forget drop destroy clear',
  'undo revert reset rollback restore',
  'send post publish notify tell',
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
  'complete finish done close resolve',
  'mute silence',
  'issue ticket bug',
  'task todo',
  'event meeting appointment',
  'repository repo',
  'database db',
  'near nearby local',
];

/**
 * A question about what there is ("what files are in…", "which channels exist") asks for a listing, but so weakly that
 * any word of the question itself says more.
 */
const QUESTION_WORDS = new Map([
  ['what', ['list']],
  ['which', ['list']],
  ['when', ['time', 'date']],
]);
const QUESTION_WEIGHT = 0.3;

/** A past participle in a task ("what I changed", "last modified") describes what was done, it does not ask for it. */
function describesPast(token: string): boolean {
  const lower = token.toLowerCase();
  return lower.length > 4 && lower.endsWith('ed') && !lower.endsWith('eed');
}

/**
 * How much more a tool of a server the query names counts ("… on Slack", "in Postgres"): this much when no other
 * server's tools use the naming word, less the more do ("fetch", "time" and "memory" are ordinary words too).
 */
const NAMED_SERVER_BOOST = 4;
/** How much a server whose tools, together, speak of all the query's words lifts each of its tools. */
const SERVER_FIT_WEIGHT = 1;

/** Discount of a synonym against the word itself. */
const SYNONYM_WEIGHT = 0.6;
/** A match scoring below this share of the best one is dropped. */
const WEAKEST_SHARE = 0.1;
/** Field weights: a word in the tool's name says most about what it does. */
const WEIGHTS = { name: 3, lead: 1.6, server: 1.2, params: 1, values: 0.8, body: 0.6, paramDocs: 0.4 } as const;
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
  // A verb's noun: "reaction", "connection", "deletions" meet "react", "connect", "delet(e)".
  if (word.endsWith('ions') && word.length > 8) return word.slice(0, -4);
  if (word.endsWith('ion') && word.length > 7) return word.slice(0, -3);
  if (/(sses|xes|ches|shes|zes)$/.test(word)) return word.slice(0, -2);
  if (word.endsWith('s') && !word.endsWith('ss') && !word.endsWith('us')) return word.slice(0, -1);
  return word;
}

/**
 * The other stem a word may share with its family when `stem` took away more than a suffix: "created", "creating",
 * "creation" -> creat, which must meet "create"; "modified" -> modifi, which must meet "modify".
 */
export function stemAlternate(word: string, stemmed = stem(word)): string | undefined {
  if (word.endsWith('ied') && word.length > 4) return `${word.slice(0, -3)}y`;
  if (stemmed !== word && /(ed|ing|ions?)$/.test(word) && !stemmed.endsWith('e')) return `${stemmed}e`;
  return undefined;
}

/** Lower-case words of a text before stemming, identifiers split (`readTextFile`, `read_text-file` -> read, text, file). */
function plainWords(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word && !STOPWORDS.has(word));
}

/** Lower-case stemmed words of a text, identifiers split (`readTextFile`, `read_text-file` -> read, text, file). */
export function words(text: string): string[] {
  return plainWords(text).map(stem);
}

/** A doc's words with their stem alternates, so whichever form a query uses finds them. */
function termsOf(text: string): string[] {
  return plainWords(text).flatMap((word) => {
    const stemmed = stem(word);
    const alternate = stemAlternate(word, stemmed);
    return alternate ? [stemmed, alternate] : [stemmed];
  });
}

/**
 * Product names written in mixed case in prose ("GitHub", "MongoDB", "YouTube") as one lower-case word each, beside
 * the parts `words` splits them into: a query saying "GitHub" means the product, not "git" and "hub".
 */
export function productWords(text: string): string[] {
  return (text.match(/\b[A-Za-z]*[a-z][A-Z][A-Za-z]*\b/g) ?? []).map((word) => stem(word.toLowerCase()));
}

/**
 * A query's words: a mixed-case word some tool's text spells the same way stays whole, any other is split like an
 * identifier (`readTextFile` -> read, text, file).
 */
function queryWordsOf(query: string, known: (word: string) => boolean): { queryWords: string[]; described: Set<string>; alternates: Map<string, string> } {
  const out: string[] = [];
  const described = new Set<string>();
  const alternates = new Map<string, string>();
  for (const token of query.split(/[^\p{L}\p{N}]+/u).filter(Boolean)) {
    const whole = productWords(token)[0];
    if (whole !== undefined && known(whole)) {
      out.push(whole);
      continue;
    }
    for (const word of plainWords(token)) {
      const stemmed = stem(word);
      out.push(stemmed);
      const alternate = stemAlternate(word, stemmed);
      if (alternate) alternates.set(stemmed, alternate);
      if (describesPast(word)) described.add(stemmed);
    }
  }
  return { queryWords: [...new Set(out)], described, alternates };
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

/** The string values a schema allows (`enum`, `const`), its own and its items'. */
function allowedValues(schema: unknown): string[] {
  if (!isObject(schema)) return [];
  const own = [...(Array.isArray(schema.enum) ? schema.enum : []), ...('const' in schema ? [schema.const] : [])].filter((v): v is string => typeof v === 'string');
  const alternatives = [schema.anyOf, schema.oneOf].flatMap((list) => (Array.isArray(list) ? list.flatMap(allowedValues) : []));
  return [...own, ...alternatives, ...allowedValues(schema.items)];
}

/**
 * Parameter names, their descriptions, and the values they allow: a `mode` of soft/mixed/hard or a `subCommand` of
 * restart/undo says what a tool can do as plainly as its description.
 */
function parameterText(schema: unknown): { names: string; docs: string; values: string } {
  const properties = isObject(schema) && isObject(schema.properties) ? schema.properties : {};
  const names: string[] = [];
  const docs: string[] = [];
  const values: string[] = [];
  for (const [key, value] of Object.entries(properties)) {
    names.push(key);
    if (isObject(value) && typeof value.description === 'string') docs.push(value.description);
    values.push(...allowedValues(value));
  }
  return { names: names.join(' '), docs: docs.join(' '), values: values.join(' ') };
}

/** A server's name as one word: "google-calendar" -> googlecalendar, as a query may write it. */
function serverWhole(server: string): string {
  return stem(server.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ''));
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
      name: new Set(termsOf(`${doc.tool} ${doc.identifier}`)),
      lead: new Set([...termsOf(lead), ...productWords(lead)]),
      server: new Set([...words(doc.server), serverWhole(doc.server)]),
      params: new Set(termsOf(params.names)),
      values: new Set(termsOf(params.values)),
      body: new Set([...termsOf(description), ...productWords(description)]),
      paramDocs: new Set([...termsOf(params.docs), ...productWords(params.docs)]),
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
function wordScore(tool: IndexedTool, forms: readonly string[], synonyms: readonly string[], idf: (w: string) => number): number {
  let best = 0;
  const ownIdf = Math.max(...forms.map(idf));
  const variants = [
    ...forms.map((form) => [form, 1] as const),
    ...synonyms.map((s) => [s, SYNONYM_WEIGHT] as const),
    ...forms.flatMap((form) => QUESTION_WORDS.get(form) ?? []).map((hint) => [hint, QUESTION_WEIGHT] as const),
  ];
  for (const [variant, factor] of variants) {
    for (const field of Object.keys(WEIGHTS) as Field[]) {
      // A synonym is worth what the asked word is: a rare synonym ("insert" for "create") is no rarer a match.
      if (tool.fields[field].has(variant)) best = Math.max(best, WEIGHTS[field] * factor * (factor < 1 ? Math.min(idf(variant), ownIdf) : idf(variant)));
    }
  }
  return best;
}

interface ServerProfile {
  /** Every word any of its tools has, in any field. */
  vocabulary: Set<string>;
  /** Its name as one word, and its name's words when it has several. */
  whole: string;
  nameWords: string[];
}

/** What a query needs to know of the whole catalog: built once per catalog, not once per query. */
interface CatalogStats {
  /** Word -> how many tools have it in some field. */
  toolFrequency: Map<string, number>;
  profiles: Map<string, ServerProfile>;
  /** Word -> the servers with a tool whose name has it. */
  nameOwners: Map<string, Set<string>>;
}

let lastCatalog: { key: string; stats: CatalogStats } | undefined;

function catalogStats(docs: readonly ToolDoc[], tools: readonly IndexedTool[]): CatalogStats {
  const key = docs.map((doc) => `${doc.server}\u0000${doc.tool}\u0000${doc.schemaHash}\u0000${doc.description.length}`).join('\u0001');
  if (lastCatalog?.key === key) return lastCatalog.stats;
  const toolFrequency = new Map<string, number>();
  const nameOwners = new Map<string, Set<string>>();
  for (const tool of tools) {
    const all = new Set<string>();
    for (const field of Object.values(tool.fields)) for (const word of field) all.add(word);
    for (const word of all) toolFrequency.set(word, (toolFrequency.get(word) ?? 0) + 1);
    for (const word of tool.fields.name) {
      const owners = nameOwners.get(word) ?? new Set<string>();
      owners.add(tool.doc.server);
      nameOwners.set(word, owners);
    }
  }
  const stats = { toolFrequency, profiles: serverProfiles(tools), nameOwners };
  lastCatalog = { key, stats };
  return stats;
}

function serverProfiles(tools: readonly IndexedTool[]): Map<string, ServerProfile> {
  const profiles = new Map<string, ServerProfile>();
  for (const tool of tools) {
    let profile = profiles.get(tool.doc.server);
    if (!profile) {
      const nameWords = words(tool.doc.server);
      profile = { vocabulary: new Set(), whole: serverWhole(tool.doc.server), nameWords: nameWords.length > 1 ? nameWords : [] };
      profiles.set(tool.doc.server, profile);
    }
    for (const field of Object.values(tool.fields)) for (const word of field) profile.vocabulary.add(word);
  }
  return profiles;
}

/**
 * The servers a query names, each with the word that names it. A server is named by its whole name, by all its name's
 * words, or by one word of its name that no other server's name or tool name uses ("calendar" for google-calendar,
 * not "search" for brave-search).
 */
function namedServers({ profiles, nameOwners }: CatalogStats, queryWords: readonly string[]): Map<string, string> {
  const named = new Map<string, string>();
  for (const [server, profile] of profiles) {
    const { whole, nameWords: parts } = profile;
    if (queryWords.includes(whole)) named.set(server, whole);
    else if (parts.length > 0 && parts.every((word) => queryWords.includes(word))) named.set(server, parts[0]!);
    else {
      const distinctive = parts.find(
        (word) =>
          queryWords.includes(word) &&
          ![...profiles].some(([other, p]) => other !== server && p.nameWords.includes(word)) &&
          ![...(nameOwners.get(word) ?? [])].some((owner) => owner !== server),
      );
      if (distinctive) named.set(server, distinctive);
    }
  }
  return named;
}

/**
 * The tools that match the query, best first, at most `limit`. A tool must match at least one query word (or a
 * synonym); ties keep a stable order by server and tool. Deprecated tools come after all others.
 */
export function rankTools(docs: readonly ToolDoc[], query: string, limit: number): ToolDoc[] {
  const tools = indexOf(docs);
  if (!tools.length) return [];
  const stats = catalogStats(docs, tools);
  const { queryWords, described, alternates } = queryWordsOf(query, (word) => stats.toolFrequency.has(word));
  // Synonyms of the words that ask for something; a described word ("changed") only matches itself.
  const formsOf = (word: string): string[] => [word, ...(alternates.has(word) ? [alternates.get(word)!] : [])];
  const synonymsOf = (word: string): string[] => (described.has(word) ? [] : formsOf(word).flatMap((form) => SYNONYMS.get(form) ?? []));
  if (!queryWords.length) return [];
  const documentFrequency = (word: string): number => stats.toolFrequency.get(word) ?? 0;
  const idf = (word: string) => Math.log(1 + (tools.length - documentFrequency(word) + 0.5) / (documentFrequency(word) + 0.5));
  // Words no tool knows ("milk", "Lyon") say nothing about which tool fits; coverage counts the others.
  const knownWords = Math.max(1, queryWords.filter((word) => formsOf(word).some((form) => documentFrequency(form) > 0) || synonymsOf(word).some((s) => documentFrequency(s) > 0)).length);
  const { profiles } = stats;
  const named = namedServers(stats, queryWords);
  // A server fits a query when its tools, together, know the query's words ("pods" and "deployment" are Kubernetes'
  // words even where the one tool that restarts says neither); words most servers know weigh little.
  const serverIdfOf = (word: string): number => {
    const n = [...profiles.values()].filter((profile) => formsOf(word).some((form) => profile.vocabulary.has(form))).length;
    return n === 0 ? 0 : Math.log(1 + (profiles.size - n + 0.5) / (n + 0.5));
  };
  const serverIdf = new Map(queryWords.map((word) => [word, serverIdfOf(word)] as const));
  // A word only the named server uses has the highest server idf there can be: n = 1.
  const soleIdf = Math.log(1 + (profiles.size - 0.5) / 1.5);
  const namedBoost = new Map([...named].map(([server, word]) => [server, 1 + (NAMED_SERVER_BOOST - 1) * Math.min(1, (serverIdf.get(word) ?? serverIdfOf(word)) / soleIdf)]));
  const fitTotal = [...serverIdf.values()].reduce((a, b) => a + b, 0);
  const fit = new Map(
    [...profiles].map(([server, profile]) => [
      server,
      fitTotal === 0 ? 0 : queryWords.reduce((sum, word) => sum + (formsOf(word).some((form) => profile.vocabulary.has(form)) ? serverIdf.get(word)! : 0), 0) / fitTotal,
    ]),
  );
  const scored = tools
    .map((tool) => {
      const perWord = queryWords.map((word) => wordScore(tool, formsOf(word), synonymsOf(word), idf));
      const matched = perWord.filter((score) => score > 0).length;
      if (matched === 0) return { tool, score: 0 };
      // Covering more of the query beats one strong word; a name the query spells out entirely is the best sign.
      const coverage = matched / knownWords;
      const nameCovered = tool.nameWords.filter((word) => queryWords.some((q) => formsOf(q).includes(word) || synonymsOf(q).includes(word))).length / Math.max(1, tool.nameWords.length);
      // Tool names are mostly verb_noun: the query asking for that action ("look up" for find_records) is a strong sign.
      const action = tool.nameWords[0];
      const actionAsked = action !== undefined && queryWords.some((word) => !described.has(word) && (formsOf(word).includes(action) || synonymsOf(word).includes(action)));
      const sum = perWord.reduce((a, b) => a + b, 0);
      const serverFactor = (1 + SERVER_FIT_WEIGHT * (fit.get(tool.doc.server) ?? 0)) * (namedBoost.get(tool.doc.server) ?? 1);
      const final = sum * (0.5 + coverage) * (1 + 0.5 * nameCovered) * (actionAsked ? 1.3 : 1) * serverFactor;
      return { tool, score: final };
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
