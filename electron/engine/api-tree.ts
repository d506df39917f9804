// Keeps the generated API tree (<data>/api/servers/...) and the search index's tool docs in step with the
// configured MCP servers: regenerated on demand, when a server reports tools/list_changed, and when the
// configuration changes. A server that fails keeps its last generated files and docs. ("Catalog" means one thing:
// the tools listed from the servers, by server, that a generation writes; this class keeps the tree made of it.)
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ToolDoc } from '../../shared/types';
import type { SearchIndex } from './index/search-index';
import { generateApiTree, type GenerateResult } from './mcp/generator';
import type { McpPool } from './mcp/pool';

export class ApiTree {
  private docs = new Map<string, ToolDoc[]>();
  private running: Promise<GenerateResult> | undefined;
  private queued: Promise<GenerateResult> | undefined;
  /** Servers the queued generation lists ('all' once any caller asked for every server). */
  private queuedOnly: readonly string[] | 'all' | undefined;
  /** Tools of servers that are not up right now, so their part of the tree survives a failure. */
  private lastTools = new Map<string, Tool[]>();
  /** The catalog the last generation wrote, by server. */
  private generated = new Map<string, Tool[]>();

  constructor(
    private readonly pool: McpPool,
    private readonly index: SearchIndex,
    /** Folder holding servers/ (and skills/): the root every run sees. */
    readonly apiDir: string,
  ) {
    // A damaged index is replaced by an empty one; put the tool docs back (a failed server keeps failing visibly in the pool).
    index.onReset(() => void this.refresh().catch(() => undefined));
  }

  /** Tool docs last generated, by server. */
  toolDocs(server?: string): ToolDoc[] {
    if (server) return this.docs.get(server) ?? this.index.toolDocs(server);
    const all = [...this.docs.values()].flat();
    return all.length ? all : this.index.toolDocs();
  }

  /**
   * The tools the last generation wrote, by server: to write the same tree elsewhere (`api generate --out`) without
   * listing every server again, and so without a second wait for one that failed.
   */
  lastCatalog(): Map<string, Tool[]> {
    return new Map(this.generated);
  }

  /** Schema hashes by `server/tool`, what skills pin to. */
  schemaHashes(): Map<string, string> {
    return new Map(this.toolDocs().map((d) => [`${d.server}/${d.tool}`, d.schemaHash]));
  }

  /**
   * Lists tools and regenerates: from every server (starting each as needed), or with `only`, from those servers
   * alone while the others keep their last generation (a server that reported list_changed, or one never generated).
   * A call made while a generation runs gets the next one, which starts when the current ends; calls made meanwhile
   * share it, and it lists every server any of them asked for.
   */
  refresh(only?: readonly string[]): Promise<GenerateResult> {
    if (!this.running) {
      this.running = this.generate(only).finally(() => {
        this.running = undefined;
      });
      return this.running;
    }
    this.queuedOnly = only && this.queuedOnly !== 'all' ? [...new Set([...(this.queuedOnly ?? []), ...only])] : 'all';
    this.queued ??= this.running
      .catch(() => undefined) // the running refresh's failure is its own caller's to report; the queued one runs anyway
      .then(() => {
        const wanted = this.queuedOnly;
        this.queued = undefined;
        this.queuedOnly = undefined;
        return this.refresh(wanted === 'all' ? undefined : wanted);
      });
    return this.queued;
  }

  /**
   * Generates only the configured servers that have no generation yet (no tool docs in the index), so the API tree
   * and search_tools know every server without starting the ones already known. Nothing to do starts nothing. With
   * `only`, just those of them (the servers a run's code imports).
   */
  async refreshUngenerated(only?: readonly string[]): Promise<GenerateResult | undefined> {
    const known = new Set(this.index.toolDocs().map((doc) => doc.server));
    const missing = this.pool
      .states()
      .filter((state) => state.status !== 'stopped' && !known.has(state.name) && (!only || only.includes(state.name)))
      .map((state) => state.name);
    return missing.length ? this.refresh(missing) : undefined;
  }

  private async generate(only?: readonly string[]): Promise<GenerateResult> {
    const listed = only ? await this.listSome(only) : await this.pool.catalog();
    const configured = new Set(this.pool.states().map((s) => s.name));
    const catalog = new Map<string, Tool[]>();
    for (const name of configured) {
      const tools = listed.get(name) ?? this.lastTools.get(name) ?? (await this.toolsOnDisk(name));
      if (tools) catalog.set(name, tools);
    }
    for (const [name, tools] of listed) this.lastTools.set(name, tools);
    const result = await generateApiTree(this.apiDir, catalog);
    this.generated = catalog;
    const byServer = new Map<string, ToolDoc[]>();
    for (const doc of result.docs) byServer.set(doc.server, [...(byServer.get(doc.server) ?? []), doc]);
    for (const name of configured) this.index.upsertToolDocs(name, byServer.get(name) ?? []);
    for (const indexed of new Set(this.index.toolDocs().map((d) => d.server))) if (!configured.has(indexed)) this.index.removeServer(indexed);
    this.docs = byServer;
    return result;
  }

  /** Tools of the named servers; one that fails is reported through its state and keeps its last generation. */
  private async listSome(names: readonly string[]): Promise<Map<string, Tool[]>> {
    const configured = new Set(this.pool.states().map((s) => s.name));
    const wanted = names.filter((name) => configured.has(name));
    const lists = await Promise.all(wanted.map((name) => this.pool.listTools(name).catch(() => undefined))); // a server that fails to list is reported through its pool state and keeps its last generation
    const listed = new Map<string, Tool[]>();
    wanted.forEach((name, i) => {
      const tools = lists[i];
      if (tools) listed.set(name, tools);
    });
    return listed;
  }

  /** Tools recorded by an earlier generation (from the index), for a server that cannot start now. */
  private async toolsOnDisk(server: string): Promise<Tool[] | undefined> {
    const docs = this.index.toolDocs(server);
    if (!docs.length) return undefined;
    return docs.map((d) => ({
      name: d.tool,
      description: d.description,
      inputSchema: (d.inputSchema ?? { type: 'object' }) as Tool['inputSchema'],
      ...(d.outputSchema ? { outputSchema: d.outputSchema as Tool['outputSchema'] } : {}),
      ...(d.readOnly ? { annotations: { readOnlyHint: true } } : {}),
    }));
  }

  /** Reads one generated file, refusing paths that leave the API tree. */
  async readFile(relPath: string): Promise<string> {
    const root = path.resolve(this.apiDir);
    const file = path.resolve(root, relPath);
    if (file !== root && !file.startsWith(root + path.sep)) throw new Error(`${relPath} is outside the API tree.`);
    return fs.readFile(file, 'utf8');
  }
}
