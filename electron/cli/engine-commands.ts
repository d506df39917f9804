// CLI commands for search, the index, MCP servers and the generated API tree.
import path from 'node:path';
import fs from 'node:fs/promises';
import type { ServerConfig, SearchKind, ToolDoc } from '../../shared/types';
import { InvalidInputError } from '../../shared/errors';
import type { Engine } from '../engine/engine';
import type { IndexedGraph } from '../engine/indexed-graph';
import type { ImportResult } from '../engine/mcp/config';
import { maskConfigSecrets } from '../engine/mcp/redact';
import { locationsOf, printJsonOr, str, warnOfConfigProblem, type Command } from './command';

const KINDS: SearchKind[] = ['skill', 'page', 'journal', 'tool'];

/** Opens the engine for one command and always closes it. */
export async function withEngine<T>(values: Record<string, unknown>, fn: (engine: Engine) => Promise<T>): Promise<T> {
  const { Engine } = await import('../engine/engine');
  const engine = await Engine.open({ ...locationsOf(values), host: 'cli' });
  try {
    warnOfConfigProblem(engine);
    await engine.indexing;
    return await fn(engine);
  } finally {
    await engine.close();
  }
}

/**
 * Opens the index alone, caught up with the graph on disk (only changed page files are read), for one command:
 * what commands that answer from the index use, so they start no engine, servers or sandbox.
 */
export async function withIndex<T>(values: Record<string, unknown>, fn: (view: IndexedGraph) => Promise<T> | T): Promise<T> {
  const { openIndexedGraph } = await import('../engine/indexed-graph');
  const view = await openIndexedGraph(locationsOf(values));
  try {
    return await fn(view);
  } finally {
    view.close();
  }
}

/** Snippet markers (\u0002…\u0003) shown as bold in a terminal, or plain when piped. */
export function renderSnippet(snippet: string): string {
  const tty = process.stdout.isTTY;
  return snippet.replace(/\u0002/g, tty ? '\x1b[1m' : '').replace(/\u0003/g, tty ? '\x1b[22m' : '');
}

function keyValues(list: unknown, flag: string): Record<string, string> | undefined {
  if (!Array.isArray(list) || !list.length) return undefined;
  const out: Record<string, string> = {};
  for (const item of list as string[]) {
    const eq = item.indexOf('=');
    if (eq < 1) throw new InvalidInputError(`${flag} takes NAME=VALUE, not "${item}".`);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

/** The import's lines about variables: which to set, where each value was, and why a name got a suffix. */
export function describeRequiredEnv(result: ImportResult): string[] {
  if (result.requiredEnv.length === 0) return [];
  const lines = ['Set these environment variables before the servers start (values are not stored in mcp.json):'];
  for (const item of result.requiredEnv) {
    const where = item.source ? `; the imported file had it in ${item.source}` : '';
    const renamed = item.renamedFrom ? `; named per server, because ${item.renamedFrom} already has another value` : '';
    lines.push(`  ${item.variable.padEnd(28)} for ${item.server}${where}${renamed}`);
  }
  return lines;
}

export function describeTool(doc: ToolDoc, detail: 'name' | 'summary' | 'full'): string {
  const name = `${doc.server}/${doc.identifier}${doc.identifier !== doc.tool ? ` (tool "${doc.tool}")` : ''}`;
  if (detail === 'name') return name;
  const summary = doc.description.split('\n')[0];
  if (detail === 'summary') return `${name} — ${summary}`;
  return `${name}\n  ${doc.description.replace(/\n/g, '\n  ')}\n  ${doc.signature}`;
}

export const ENGINE_COMMANDS: Command[] = [
  {
    name: 'search',
    usage: 'search "<query>" [--kind skill|page|journal|tool] [--tag <tag>] [--limit <n>] [--json]',
    summary: 'Search skills, pages, journals and tool docs, offline.',
    options: { kind: { type: 'string', multiple: true }, tag: { type: 'string' }, limit: { type: 'string' } },
    async run({ values, positionals }) {
      const query = positionals.join(' ');
      if (!query.trim()) throw new InvalidInputError('search needs a query, e.g. skillgraph search "error spike".');
      const kinds = (values.kind as string[] | undefined)?.map((k) => {
        if (!KINDS.includes(k as SearchKind)) throw new InvalidInputError(`--kind is one of ${KINDS.join(', ')}, not "${k}".`);
        return k as SearchKind;
      });
      const limit = str(values.limit) ? Number(values.limit) : 20;
      await withIndex(values, ({ index }) => {
        const result = index.search(query, { filters: { kinds, tag: str(values.tag) }, limit });
        printJsonOr(values, result, () =>
          result.hits.length
            ? result.hits.map((h) => `${h.kind.padEnd(7)} ${h.title}\n        ${renderSnippet(h.snippet)}`).join('\n') + `\n${result.total} result(s)`
            : `No results for "${query}".`,
        );
      });
    },
  },
  {
    name: 'index',
    usage: 'index [--rebuild] [--json]',
    summary: 'Show the search index, or rebuild it from the graph (it is a cache: safe to delete).',
    options: { rebuild: { type: 'boolean' } },
    async run({ values }) {
      if (values.rebuild) {
        const started = performance.now();
        const { resolveDataDir } = await import('../engine/locations');
        const { indexPath } = await import('../engine/indexed-graph');
        // A rebuild starts from an empty file (it is a cache): the catch-up then reads every page once, in one transaction.
        const dbPath = indexPath(resolveDataDir(locationsOf(values)));
        for (const suffix of ['', '-wal', '-shm']) await fs.rm(dbPath + suffix, { force: true });
        await withIndex(values, ({ index, catchUp }) => {
          const status = index.status();
          const seconds = (performance.now() - started) / 1000;
          printJsonOr(values, { read: catchUp.read, warnings: catchUp.warnings, durationMs: seconds * 1000, ...status }, () =>
            `Rebuilt the index: ${status.pages} pages, ${status.skills} skills in ${seconds.toFixed(2)}s. Tool docs return with the next \`skillgraph api generate\`.`,
          );
        });
        return;
      }
      await withIndex(values, ({ index }) => {
        const status = index.status();
        printJsonOr(values, { ...status, path: index.dbPath }, () => `Index ${index.dbPath}: ${status.pages} pages, ${status.skills} skills, ${status.tools} tools.`);
      });
    },
  },
  {
    name: 'servers list',
    usage: 'servers list [--json]',
    summary: 'List configured MCP servers (secrets stay as ${env:…} references; literal secret-looking values are masked).',
    async run({ values }) {
      await withEngine(values, async (engine) => {
        const configs = engine.serverConfigs.list();
        const rows = Object.entries(configs).map(([name, config]) => ({ name, config: maskConfigSecrets(config) }));
        printJsonOr(values, rows, () =>
          rows.length
            ? rows.map(({ name, config }) => `${name.padEnd(20)} ${'command' in config ? [config.command, ...(config.args ?? [])].join(' ') : config.url}`).join('\n')
            : 'No MCP servers configured. Add one with `skillgraph servers add <name> -- <command> [args…]` or import a config file.',
        );
      });
    },
  },
  {
    name: 'servers add',
    usage: 'servers add <name> (--url <url> [--header K=V]… | [--env K=V]… -- <command> [args…])',
    summary: 'Add (or replace) an MCP server: a stdio command after --, or a Streamable HTTP URL.',
    options: { url: { type: 'string' }, header: { type: 'string', multiple: true }, env: { type: 'string', multiple: true }, sse: { type: 'boolean' } },
    async run({ values, positionals }) {
      const [name, command, ...args] = positionals;
      if (!name) throw new InvalidInputError('servers add needs a name.');
      let config: ServerConfig;
      if (str(values.url)) config = { url: str(values.url)!, headers: keyValues(values.header, '--header'), ...(values.sse ? { type: 'sse' as const } : {}) };
      else if (command) config = { command, args, env: keyValues(values.env, '--env') };
      else throw new InvalidInputError('Give the server a command after -- (e.g. `-- npx -y @modelcontextprotocol/server-memory`) or a --url.');
      await withEngine(values, async (engine) => {
        await engine.serverConfigs.add(name, JSON.parse(JSON.stringify(config)) as ServerConfig);
        printJsonOr(values, { added: name, config: maskConfigSecrets(config) }, () => `Added server ${name}. Run \`skillgraph api generate\` to generate its API.`);
      });
    },
  },
  {
    name: 'servers remove',
    usage: 'servers remove <name>',
    summary: 'Remove an MCP server.',
    async run({ values, positionals }) {
      const name = positionals[0];
      if (!name) throw new InvalidInputError('servers remove needs the server name.');
      await withEngine(values, async (engine) => {
        if (!(await engine.serverConfigs.remove(name))) throw new InvalidInputError(`No server named ${name} is configured.`);
        printJsonOr(values, { removed: name }, () => `Removed server ${name}.`);
      });
    },
  },
  {
    name: 'servers import',
    usage: 'servers import <file>',
    summary: "Import servers from Claude Desktop's, Cursor's or VS Code's config file.",
    async run({ values, positionals }) {
      const file = positionals[0];
      if (!file) throw new InvalidInputError('servers import needs a file, e.g. ~/.cursor/mcp.json.');
      await withEngine(values, async (engine) => {
        const result = await engine.serverConfigs.importFile(path.resolve(file));
        printJsonOr(values, result, () =>
          [`Imported ${result.imported.length} server(s)${result.imported.length ? ': ' + result.imported.join(', ') : ''}.`, ...result.skipped.map((s) => `Skipped ${s.name}: ${s.reason}`), ...describeRequiredEnv(result)].join('\n'),
        );
      });
    },
  },
  {
    name: 'api generate',
    usage: 'api generate [--out <dir>] [--json]',
    summary: 'Start the configured servers, list their tools and write the API tree (servers/<server>/<tool>.ts|.py).',
    options: { out: { type: 'string' } },
    async run({ values }) {
      return withEngine(values, async (engine) => {
        // No server is known from a malformed mcp.json: generating now would empty the tree (the problem is printed).
        if (engine.serverConfigs.unreadSinceOpen) return 1;
        let result = await engine.apiTree.refresh();
        let out = engine.apiTree.apiDir;
        if (str(values.out)) {
          out = path.resolve(str(values.out)!);
          const { generateApiTree } = await import('../engine/mcp/generator');
          // The tools just listed, written again there: no second attempt (and wait) for a server that failed, and
          // the counts printed are those of the tree in --out.
          result = await generateApiTree(out, engine.apiTree.lastCatalog());
        }
        const states = engine.pool.states();
        const failed = states.filter((s) => s.status === 'failed');
        printJsonOr(values, { out, written: result.written.length, unchanged: result.unchanged, removed: result.removed.length, tools: result.docs.length, servers: states }, () =>
          [
            `API tree in ${path.join(out, 'servers')}: ${result.docs.length} tools, ${result.written.length} files written, ${result.unchanged} unchanged, ${result.removed.length} removed.`,
            ...states.map((s) => `  ${s.name.padEnd(20)} ${s.status}${s.error ? `: ${s.error}` : ` (${s.toolCount} tools)`}`),
          ].join('\n'),
        );
        // A tree missing a server's tools is not a success: scripts and CI must see it.
        if (failed.length === 0) return 0;
        process.stderr.write(`[skillgraph] ${failed.length} server(s) failed: ${failed.map((s) => s.name).join(', ')}\n`);
        return 1;
      });
    },
  },
  {
    name: 'api search',
    usage: 'api search "<query>" [--detail name|summary|full] [--limit <n>] [--json]',
    summary: 'Find tools by what they do, with as much detail as you ask for.',
    options: { detail: { type: 'string' }, limit: { type: 'string' } },
    async run({ values, positionals }) {
      const query = positionals.join(' ');
      const detail = (str(values.detail) ?? 'summary') as 'name' | 'summary' | 'full';
      if (!['name', 'summary', 'full'].includes(detail)) throw new InvalidInputError('--detail is name, summary or full.');
      await withEngine(values, async (engine) => {
        // The ranking search_tools uses, so the CLI finds what an agent would.
        const { rankTools } = await import('../engine/index/tool-ranking');
        const found = rankTools(engine.apiTree.toolDocs(), query, str(values.limit) ? Number(values.limit) : 10);
        printJsonOr(values, found.map((d) => ({ server: d.server, tool: d.tool, identifier: d.identifier, ...(detail !== 'name' ? { description: d.description } : {}), ...(detail === 'full' ? { signature: d.signature } : {}) })), () =>
          found.length ? found.map((d) => describeTool(d, detail)).join('\n') : `No tools match "${query}". Run \`skillgraph api generate\` if servers were added since.`,
        );
      });
    },
  },
];
