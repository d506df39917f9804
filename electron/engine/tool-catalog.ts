// Keeps the generated API tree (<data>/api/servers/...) and the search index's tool docs in step with the
// configured MCP servers: regenerated on demand, when a server reports tools/list_changed, and when the
// configuration changes. A server that fails keeps its last generated files and docs.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ToolDoc } from '../../shared/types';
import type { SearchIndex } from './index/search-index';
import { generateApiTree, type GenerateResult } from './mcp/generator';
import type { McpPool } from './mcp/pool';

export class ToolCatalog {
  private docs = new Map<string, ToolDoc[]>();
  private running: Promise<GenerateResult> | undefined;
  private queued: Promise<GenerateResult> | undefined;
  /** Tools of servers that are not up right now, so their part of the tree survives a failure. */
  private lastTools = new Map<string, Tool[]>();

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

  /** Schema hashes by `server/tool`, what skills pin to. */
  schemaHashes(): Map<string, string> {
    return new Map(this.toolDocs().map((d) => [`${d.server}/${d.tool}`, d.schemaHash]));
  }

  /**
   * Starts every server (as needed), lists tools and regenerates. A call made while a generation runs gets
   * the next one, which starts when the current ends and serves every call made meanwhile.
   */
  refresh(): Promise<GenerateResult> {
    if (!this.running) {
      this.running = this.generate().finally(() => {
        this.running = undefined;
      });
      return this.running;
    }
    this.queued ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.refresh();
      });
    return this.queued;
  }

  private async generate(): Promise<GenerateResult> {
    const listed = await this.pool.catalog();
    const configured = new Set(this.pool.states().map((s) => s.name));
    const catalog = new Map<string, Tool[]>();
    for (const name of configured) {
      const tools = listed.get(name) ?? this.lastTools.get(name) ?? (await this.toolsOnDisk(name));
      if (tools) catalog.set(name, tools);
    }
    for (const [name, tools] of listed) this.lastTools.set(name, tools);
    const result = await generateApiTree(this.apiDir, catalog);
    const byServer = new Map<string, ToolDoc[]>();
    for (const doc of result.docs) byServer.set(doc.server, [...(byServer.get(doc.server) ?? []), doc]);
    for (const name of configured) this.index.upsertToolDocs(name, byServer.get(name) ?? []);
    for (const indexed of new Set(this.index.toolDocs().map((d) => d.server))) if (!configured.has(indexed)) this.index.removeServer(indexed);
    this.docs = byServer;
    return result;
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
