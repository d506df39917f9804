// API tree benchmark on the real npm servers (everything, filesystem, memory): time to list tools and generate
// the tree, and tokens a model loads upfront (tools/list JSON) versus progressive discovery of one tool.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { encode } from 'gpt-tokenizer';
import { realServerConfigs } from '../electron/engine/mcp/fixtures/real-servers';
import { generateApiTree, renderApiTree } from '../electron/engine/mcp/generator';
import { serverDirectories, assignIdentifiers } from '../electron/engine/mcp/names';
import { McpPool } from '../electron/engine/mcp/pool';

const RENDER_RUNS = 50;

function tokens(text: string): number {
  return encode(text).length;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main(): Promise<void> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'api-bench-'));
  const pool = new McpPool({ configs: realServerConfigs(work) });
  try {
    let started = performance.now();
    const catalog = await pool.catalog();
    const listMs = performance.now() - started;
    const toolCount = [...catalog.values()].reduce((sum, tools) => sum + tools.length, 0);

    const out = path.join(work, 'api');
    started = performance.now();
    const cold = await generateApiTree(out, catalog);
    const coldMs = performance.now() - started;
    started = performance.now();
    const warm = await generateApiTree(out, catalog);
    const warmMs = performance.now() - started;
    const renders: number[] = [];
    for (let i = 0; i < RENDER_RUNS; i++) {
      const t = performance.now();
      renderApiTree(catalog);
      renders.push(performance.now() - t);
    }

    // What a model gets upfront with direct tool calling: every server's tools/list answer.
    const upfront = [...catalog.values()].reduce((sum, tools) => sum + tokens(JSON.stringify({ tools })), 0);

    // Progressive discovery: the server listing, one server's tool listing, one tool file.
    const rootListing = tokens(await readFile(path.join(out, 'servers/README.md'), 'utf8'));
    const dirs = serverDirectories(catalog.keys());
    const perTool: { key: string; total: number }[] = [];
    for (const [server, tools] of catalog) {
      const dir = dirs.get(server)!;
      const listing = tokens(await readFile(path.join(out, 'servers', dir, 'README.md'), 'utf8'));
      for (const [name, id] of assignIdentifiers(tools.map((tool) => tool.name))) {
        const file = tokens(await readFile(path.join(out, 'servers', dir, `${id.stem}.ts`), 'utf8'));
        perTool.push({ key: `${server}/${name}`, total: rootListing + listing + file });
      }
    }
    const example = perTool.find((item) => item.key === 'memory/create_entities') ?? perTool[0];
    const totals = perTool.map((item) => item.total);

    console.log(`api tree benchmark: ${catalog.size} servers, ${toolCount} tools (${[...catalog].map(([s, t]) => `${s} ${t.length}`).join(', ')})`);
    console.log(`  start servers + tools/list (all pages): ${listMs.toFixed(0)} ms`);
    console.log(`  generate tree, cold: ${coldMs.toFixed(1)} ms (${cold.written.length} files written)`);
    console.log(`  regenerate, nothing changed: ${warmMs.toFixed(1)} ms (${warm.written.length} written, ${warm.unchanged} unchanged)`);
    console.log(`  render in memory: median ${median(renders).toFixed(2)} ms over ${RENDER_RUNS} runs`);
    console.log(`  tokens upfront (tools/list JSON of all servers): ${upfront}`);
    console.log(`  tokens progressive, ${example.key} (root listing + server README + tool file): ${example.total}`);
    console.log(`  tokens progressive over all ${perTool.length} tools: min ${Math.min(...totals)}, median ${median(totals)}, max ${Math.max(...totals)}`);
    console.log(`  reduction for ${example.key}: ${((1 - example.total / upfront) * 100).toFixed(1)}%; median tool: ${((1 - median(totals) / upfront) * 100).toFixed(1)}%`);
  } finally {
    await pool.close();
    await rm(work, { recursive: true, force: true });
  }
}

await main();
