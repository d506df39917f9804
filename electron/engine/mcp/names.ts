// Maps MCP server and tool names to identifiers used in the generated API tree (file stems, TypeScript and
// Python function names, type names), predictably and collision-free, so the mapping can be shown to people.
import { createHash } from 'node:crypto';
import anyAscii from 'any-ascii';
import { JS_RESERVED, PY_RESERVED, pyFunctionName, tsFunctionName } from '../../../shared/identifiers';

/** Stems that would clash with the files every generated folder already has. */
const RESERVED_STEMS = new Set(['index', '__init__', '_bridge', 'readme', 'schema_hashes']);

/** How one MCP name appears in the generated tree. */
export interface ToolIdentifier {
  /** File stem: `get_user` for `get-user.ts` / `get_user.py`; also the Python module name. */
  stem: string;
  /** TypeScript function name: `getUser`. */
  fn: string;
  /** Python function name: `get_user`. */
  pyFn: string;
  /** Prefix of the generated types: `GetUser` gives `GetUserInput` / `GetUserOutput`. */
  typeName: string;
}

/**
 * Longest file stem: a file name (stem, a numeric suffix, `.py`) stays far below the 255 bytes file systems
 * allow, and a function name stays readable. A longer name keeps its start and gets a hash of the whole name.
 */
export const STEM_CHARS_MAX = 64;
const HASH_CHARS = 8;

function shortHash(name: string): string {
  return createHash('sha256').update(name).digest('hex').slice(0, HASH_CHARS);
}

function baseStem(name: string): string {
  // Transliterated (`пользователь` -> `polzovatel`, `查找` -> `ChaZhao`), so a non-Latin name reads as itself.
  let stem = anyAscii(name.normalize('NFKC')).replace(/'/g, '').replace(/[^A-Za-z0-9_]+/g, ' ').trim().replace(/ /g, '_');
  // A name with nothing to transliterate (emoji, symbols) gets a stable name from its hash, not a position.
  if (!stem) stem = name ? `tool_${shortHash(name)}` : 'tool';
  if (stem.length > STEM_CHARS_MAX) stem = `${stem.slice(0, STEM_CHARS_MAX - HASH_CHARS - 1).replace(/_+$/, '')}_${shortHash(name)}`;
  if (/^[0-9]/.test(stem)) stem = `_${stem}`;
  while (RESERVED_STEMS.has(stem.toLowerCase()) || PY_RESERVED.has(stem) || JS_RESERVED.has(stem)) stem = `${stem}_`;
  return stem;
}

function withSuffix(id: ToolIdentifier, n: number): ToolIdentifier {
  if (n === 1) return id;
  return { stem: `${id.stem}_${n}`, fn: `${id.fn}${n}`, pyFn: `${id.pyFn}_${n}`, typeName: `${id.typeName}${n}` };
}

/** The identifiers for one name, before collisions with its siblings are resolved. */
export function toolIdentifier(name: string): ToolIdentifier {
  const stem = baseStem(name);
  const fn = tsFunctionName(stem);
  const bare = fn.replace(/^_+/, '');
  const typeName = /^[0-9]/.test(bare) ? `T${bare}` : bare.charAt(0).toUpperCase() + bare.slice(1);
  return { stem, fn, pyFn: pyFunctionName(stem), typeName };
}

/**
 * Identifiers for sibling names (the tools of one server, or all servers). Names are taken in sorted order;
 * a later name whose stem (case-insensitively, for macOS and Windows file systems), function or type name is
 * already taken gets the next free numeric suffix, so the result depends only on the set of names.
 */
export function assignIdentifiers(names: Iterable<string>): Map<string, ToolIdentifier> {
  const taken = new Set<string>();
  const result = new Map<string, ToolIdentifier>();
  for (const name of [...new Set(names)].sort(compareCodeUnits)) {
    const base = toolIdentifier(name);
    for (let n = 1; ; n++) {
      const id = withSuffix(base, n);
      const keys = [`s:${id.stem.toLowerCase()}`, `f:${id.fn}`, `p:${id.pyFn}`, `t:${id.typeName.toLowerCase()}`];
      if (keys.some((key) => taken.has(key))) continue;
      keys.forEach((key) => taken.add(key));
      result.set(name, id);
      break;
    }
  }
  return result;
}

/** Folder names under `servers/` for the configured server names (`my-server` -> `my_server`). */
export function serverDirectories(names: Iterable<string>): Map<string, string> {
  const dirs = new Map<string, string>();
  for (const [name, id] of assignIdentifiers(names)) dirs.set(name, id.stem);
  return dirs;
}

/** Locale-free ordering so generated output is identical on every machine. */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
