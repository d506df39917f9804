// Schema pins: which MCP tools a skill's code calls (generated-API imports, callMCPTool / call_mcp_tool), the
// schema hash of each when the skill was saved, and whether the server has changed the tool since.
import type { SkillLanguage, ToolDoc } from '../../../shared/types';
import { assignIdentifiers, serverDirectories } from '../mcp/names';

/** Pins keep a prefix of the sha256 schema hash: unique enough, and short enough to read on a page. */
export const PIN_HASH_LENGTH = 16;

export interface ToolCallRef {
  server: string;
  tool: string;
}

export interface PinStatus {
  /** `server/tool`. */
  tool: string;
  pinned: string;
  current?: string;
  changed: boolean;
}

const TS_CALL = /\bcallMCPTool\s*(?:<[^>]*>)?\s*\(\s*(['"`])([^'"`]+)\1\s*,\s*(['"`])([^'"`]+)\3/g;
const PY_CALL = /\bcall_mcp_tool\s*\(\s*(['"])([^'"]+)\1\s*,\s*(['"])([^'"]+)\3/g;
const TS_IMPORT = /\bimport\s+(?:type\s+)?([\s\S]*?)\s+from\s+(['"])\.{1,2}\/servers\/([^'"/]+)(?:\/([^'"/]+?))?(?:\.[jt]s)?\2/g;
const PY_IMPORT = /^\s*from\s+(?:\.+)?servers\.([A-Za-z0-9_]+)(?:\.([A-Za-z0-9_]+))?\s+import\s+(\([\s\S]*?\)|[^\n]+)/gm;

function importedNames(clause: string): string[] {
  const braces = /\{([\s\S]*)\}/.exec(clause)?.[1] ?? clause.replace(/[()]/g, '');
  return braces
    .split(',')
    .map((part) => part.trim().replace(/^type\s+/, '').split(/\s+as\s+/)[0].trim())
    .filter((part) => /^[A-Za-z_$][\w$]*$/.test(part));
}

/**
 * The tools `code` calls, as `server/tool` of the known tool docs. Imports name generated files
 * (`./servers/<dir>/<stem>`) or a server's index (`./servers/<dir>` with function names); both are mapped
 * back to MCP names through the same identifiers the generator assigned. Direct bridge calls name them as is.
 */
export function detectToolCalls(code: string, language: SkillLanguage, toolDocs: readonly ToolDoc[]): ToolCallRef[] {
  const found = new Map<string, ToolCallRef>();
  const add = (server: string, tool: string) => found.set(`${server}/${tool}`, { server, tool });
  for (const match of code.matchAll(language === 'python' ? PY_CALL : TS_CALL)) add(match[2], match[4]);

  const servers = [...new Set(toolDocs.map((doc) => doc.server))];
  const serverByDir = new Map([...serverDirectories(servers)].map(([server, dir]) => [dir, server]));
  const toolsOf = new Map<string, Map<string, string>>();
  const lookup = (server: string): Map<string, string> => {
    let byName = toolsOf.get(server);
    if (!byName) {
      byName = new Map();
      const ids = assignIdentifiers(toolDocs.filter((doc) => doc.server === server).map((doc) => doc.tool));
      for (const [tool, id] of ids) for (const key of [id.stem, id.fn, id.pyFn]) byName.set(key, tool);
      toolsOf.set(server, byName);
    }
    return byName;
  };
  const fromImport = (dir: string, stem: string | undefined, names: string[]) => {
    const server = serverByDir.get(dir);
    if (!server) return;
    const tools = lookup(server);
    if (stem) {
      const tool = tools.get(stem);
      if (tool) add(server, tool);
      return;
    }
    for (const name of names) {
      const tool = tools.get(name);
      if (tool) add(server, tool);
    }
  };
  if (language === 'python') for (const m of code.matchAll(PY_IMPORT)) fromImport(m[1], m[2], importedNames(m[3]));
  else for (const m of code.matchAll(TS_IMPORT)) fromImport(m[3], m[4], importedNames(m[1]));
  return [...found.values()].sort((a, b) => `${a.server}/${a.tool}`.localeCompare(`${b.server}/${b.tool}`));
}

/** `server/tool` -> pinned hash prefix, for the calls the tool docs know. */
export function pinsFor(calls: readonly ToolCallRef[], toolDocs: readonly ToolDoc[]): Record<string, string> {
  const pins: Record<string, string> = {};
  for (const call of calls) {
    const doc = toolDocs.find((d) => d.server === call.server && d.tool === call.tool);
    if (doc) pins[`${call.server}/${call.tool}`] = doc.schemaHash.slice(0, PIN_HASH_LENGTH);
  }
  return pins;
}

/** The current schema hash of every tool in the tool docs, keyed `server/tool`. */
export function currentHashes(toolDocs: readonly ToolDoc[]): Map<string, string> {
  return new Map(toolDocs.map((doc) => [`${doc.server}/${doc.tool}`, doc.schemaHash]));
}

/**
 * Compares pins with current hashes. A tool that is gone from a server we still know counts as changed; a
 * server we know nothing about (not connected) leaves its pins unjudged.
 */
export function comparePins(pins: Record<string, string>, current: ReadonlyMap<string, string>): PinStatus[] {
  const knownServers = new Set([...current.keys()].map((key) => key.slice(0, key.indexOf('/'))));
  return Object.entries(pins)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([tool, pinned]) => {
      const now = current.get(tool);
      const server = tool.slice(0, tool.indexOf('/'));
      if (now === undefined) return { tool, pinned, changed: knownServers.has(server) };
      return { tool, pinned, current: now.slice(0, Math.max(pinned.length, PIN_HASH_LENGTH)), changed: !now.startsWith(pinned) };
    });
}
