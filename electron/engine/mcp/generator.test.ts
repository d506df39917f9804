// The generated API tree from the real npm servers: it type-checks, the Python compiles and imports, output is
// byte-identical for the same catalog, and a changed catalog rewrites only what changed.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureConfig, pyCompileTree, realServerConfigs, typecheckTree } from './fixtures/real-servers';
import { generateApiTree, renderApiTree, schemaHash } from './generator';
import { McpPool } from './pool';

let workDir: string;
let catalog: Map<string, Tool[]>;
let malformedTools: Tool[];

beforeAll(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), 'skillgraph-gen-'));
  const pool = new McpPool({ configs: { ...realServerConfigs(workDir), malformed: fixtureConfig('malformed') } });
  try {
    const all = await pool.catalog();
    malformedTools = all.get('malformed')!;
    all.delete('malformed');
    catalog = all;
  } finally {
    await pool.close();
  }
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

async function freshDir(name: string): Promise<string> {
  return mkdtemp(path.join(workDir, `${name}-`));
}

describe('generateApiTree on the real servers', () => {
  it('writes files that type-check, Python that compiles and imports, and docs for every tool', async () => {
    const out = await freshDir('tree');
    const result = await generateApiTree(out, catalog);
    const toolCount = [...catalog.values()].reduce((sum, tools) => sum + tools.length, 0);
    expect(result.docs).toHaveLength(toolCount);
    expect(result.written).toContain('servers/everything/get_structured_content.ts');
    expect(result.written).toContain('servers/_bridge.ts');
    expect(result.written).toContain('servers/__init__.py');

    // A consumer using the API correctly type-checks; a misuse is caught (the check can fail).
    await writeFile(
      path.join(out, 'usage.ts'),
      [
        "import { everything, memory } from './servers';",
        "import { readTextFile } from './servers/filesystem';",
        'export async function ok(): Promise<number> {',
        "  const weather = await everything.getStructuredContent({ location: 'Chicago' });",
        "  await memory.createEntities({ entities: [{ name: 'a', entityType: 'b', observations: [] }] });",
        "  await readTextFile({ path: '/tmp/x' });",
        '  return weather.temperature;',
        '}',
        '',
      ].join('\n'),
    );
    expect(typecheckTree(out)).toEqual([]);
    await writeFile(path.join(out, 'misuse.ts'), "import { everything } from './servers';\nvoid everything.getStructuredContent({ location: 'Paris' });\n");
    expect(typecheckTree(out).join('\n')).toMatch(/misuse\.ts:2: .*"Paris"/);

    const python = await pyCompileTree(path.join(out, 'servers'));
    expect(python.errors).toBe('');
    expect(python.files).toBeGreaterThan(toolCount);
    const { stdout } = await promisify(execFile)(
      'python3',
      ['-c', 'import servers.memory as m, servers.everything as e, servers.filesystem as f; print(m.read_graph.__name__, e.get_structured_content.__name__, len(f.__all__))'],
      { cwd: out },
    );
    expect(stdout.trim()).toBe(`read_graph get_structured_content ${catalog.get('filesystem')!.length * 3}`);
  });

  it('maps names that are not identifiers and shows the mapping', async () => {
    const { files, docs } = renderApiTree(catalog);
    const doc = docs.find((item) => item.tool === 'get-structured-content')!;
    expect(doc.identifier).toBe('get_structured_content');
    expect(doc.signature).toBe('function getStructuredContent(input: GetStructuredContentInput): Promise<GetStructuredContentOutput>');
    expect(doc.schemaHash).toMatch(/^[0-9a-f]{64}$/);
    expect(files.get('servers/everything/README.md')).toContain('- `get_structured_content.ts` `getStructuredContent()` (tool `get-structured-content`)');
    expect(files.get('servers/everything/get_structured_content.ts')).toContain('callMCPTool<GetStructuredContentOutput>("everything", "get-structured-content", input)');
    expect(files.get('servers/everything/get_structured_content.py')).toContain('await call_mcp_tool("everything", "get-structured-content", dict(args))');
    expect(JSON.parse(files.get('servers/everything/schema-hashes.json')!)['get-structured-content']).toBe(doc.schemaHash);
    expect(files.get('servers/README.md')).toMatch(/- `memory\/` — \d+ tools/);
    expect(files.get('servers/README.md')).toContain('throws `McpToolError`');
  });

  it('is byte-identical for the same catalog, whatever the order tools arrive in', async () => {
    const shuffled = new Map([...catalog].reverse().map(([server, tools]) => [server, [...tools].reverse()]));
    const a = renderApiTree(catalog).files;
    const b = renderApiTree(shuffled).files;
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [file, content] of a) expect(b.get(file), file).toBe(content);
  });

  it('rewrites only what changed and deletes removed tools and servers', async () => {
    const out = await freshDir('incremental');
    const first = await generateApiTree(out, catalog);
    const again = await generateApiTree(out, catalog);
    expect(again.written).toEqual([]);
    expect(again.unchanged).toBe(first.written.length);

    const untouched = path.join(out, 'servers/memory/read_graph.ts');
    const before = (await stat(untouched)).mtimeMs;
    const memory = catalog.get('memory')!;
    const changed = new Map(catalog);
    changed.set(
      'memory',
      memory
        .filter((tool) => tool.name !== 'delete_relations')
        .map((tool) => (tool.name === 'search_nodes' ? { ...tool, description: 'Search nodes (changed)' } : tool)),
    );
    changed.delete('everything');
    const update = await generateApiTree(out, changed);
    expect(update.written).toEqual(['servers/README.md', 'servers/__init__.py', 'servers/index.ts', 'servers/memory/README.md', 'servers/memory/__init__.py', 'servers/memory/index.ts', 'servers/memory/schema-hashes.json', 'servers/memory/search_nodes.py', 'servers/memory/search_nodes.ts']);
    expect(update.removed).toEqual(['servers/everything/', 'servers/memory/delete_relations.py', 'servers/memory/delete_relations.ts']);
    expect((await stat(untouched)).mtimeMs).toBe(before);
    const hashes = JSON.parse(await readFile(path.join(out, 'servers/memory/schema-hashes.json'), 'utf8'));
    expect(hashes.search_nodes).toBe(schemaHash({ ...memory.find((tool) => tool.name === 'search_nodes')!, description: 'Search nodes (changed)' }));
    expect(hashes.delete_relations).toBeUndefined();
    expect(typecheckTree(out)).toEqual([]);
  });

  it('generates compilable code for tools whose schemas are nonsense inside a valid envelope', async () => {
    const out = await freshDir('malformed');
    await generateApiTree(out, new Map([['malformed', malformedTools]]));
    expect(typecheckTree(out)).toEqual([]);
    expect((await pyCompileTree(path.join(out, 'servers'))).errors).toBe('');
    const source = await readFile(path.join(out, 'servers/malformed/dangling_ref.ts'), 'utf8');
    expect(source).toContain('unknown /* unresolved $ref #/$defs/Missing */');
  });
});

describe('generateApiTree regeneration on list_changed', () => {
  it('adds and deletes the files of tools a running server adds and removes', async () => {
    const out = await freshDir('dynamic');
    const pool = new McpPool({ configs: { dyn: fixtureConfig('dynamic') } });
    try {
      const changed = new Promise<string>((resolve) => pool.once('toolsChanged', resolve));
      await generateApiTree(out, await pool.catalog());
      await pool.callTool('dyn', 'add_tool', { name: 'triple-it' });
      await changed;
      const added = await generateApiTree(out, await pool.catalog());
      expect(added.written).toEqual(expect.arrayContaining(['servers/dyn/triple_it.ts', 'servers/dyn/triple_it.py']));
      expect(added.written.filter((file) => /\/(add_tool|crash|fail|sleep)\./.test(file))).toEqual([]);

      const removedEvent = new Promise<string>((resolve) => pool.once('toolsChanged', resolve));
      await pool.callTool('dyn', 'remove_tool', { name: 'triple-it' });
      await removedEvent;
      const removed = await generateApiTree(out, await pool.catalog());
      expect(removed.removed).toEqual(['servers/dyn/triple_it.py', 'servers/dyn/triple_it.ts']);
    } finally {
      await pool.close();
    }
  });
});
