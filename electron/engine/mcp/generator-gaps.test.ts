// The generator on the tool definitions real servers send that used to break it, listed from a real SDK server
// (fixtures/odd-tools-server.mjs) through the pool: each case is checked by what consumes the tree — strict tsc in
// bundler and nodenext mode, python3 importing and calling the modules, TypeScript's own JSDoc parser.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerState } from '../../../shared/types';
import { isDeprecatedTool, rankTools } from '../index/tool-ranking';
import { pyCompileTree, realServerConfigs, typecheckTree } from './fixtures/real-servers';
import { generateApiTree } from './generator';
import { STEM_CHARS_MAX } from './names';
import { McpPool } from './pool';

const oddServer = path.join(path.dirname(new URL(import.meta.url).pathname), 'fixtures/odd-tools-server.mjs');
let workDir: string;
let out: string;
let odd: Tool[];
let oddState: ServerState | undefined;
let result: Awaited<ReturnType<typeof generateApiTree>>;

beforeAll(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), 'skillgraph-gaps-'));
  const pool = new McpPool({ configs: { odd: { command: process.execPath, args: [oddServer] }, memory: realServerConfigs(workDir).memory } });
  try {
    const catalog = await pool.catalog();
    odd = catalog.get('odd')!;
    oddState = pool.states().find((state) => state.name === 'odd');
    out = path.join(workDir, 'api');
    result = await generateApiTree(out, catalog);
  } finally {
    await pool.close();
  }
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

const docOf = (tool: string) => result.docs.find((doc) => doc.server === 'odd' && doc.tool === tool)!;
const source = (tool: string, ext: 'ts' | 'py') => readFile(path.join(out, 'servers/odd', `${docOf(tool).identifier}.${ext}`), 'utf8');
const python = (code: string) => promisify(execFile)('python3', ['-c', code], { cwd: out });

describe('the generator on odd tool definitions', () => {
  it('lists and generates every tool, boolean subschemas included, in a tree strict tsc accepts as bundler and as nodenext ES modules', async () => {
    expect(odd.map((tool) => tool.name)).toHaveLength(14);
    expect(oddState?.error).toBeUndefined();
    expect(await source('accept_anything', 'ts')).toMatch(/extra: unknown;[\s\S]*never\?: never;/);
    expect(typecheckTree(out)).toEqual([]);
    await writeFile(path.join(out, 'package.json'), '{ "type": "module" }\n');
    await writeFile(
      path.join(out, 'usage.ts'),
      "import { odd, memory } from './servers/index.js';\nexport const calls = [odd.setHeaders({ headers: { 'X-Retry': 3 } }), memory.readGraph()];\n",
    );
    expect(typecheckTree(out, 'nodenext')).toEqual([]);
    await writeFile(path.join(out, 'misuse.ts'), "import { odd } from './servers/index.js';\nvoid odd.setHeaders({ headers: { 'X-Retry': 'three' } });\n");
    expect(typecheckTree(out, 'nodenext').join('\n')).toMatch(/misuse\.ts:2: /);
    await rm(path.join(out, 'misuse.ts'));
    expect((await pyCompileTree(path.join(out, 'servers'))).errors).toBe('');
  });

  it('shortens a 300-character name with a hash, keeping two names with the same start apart', () => {
    const long = result.docs.filter((doc) => doc.tool.length >= 300);
    expect(long).toHaveLength(2);
    for (const doc of long) {
      expect(doc.identifier.length).toBeLessThanOrEqual(STEM_CHARS_MAX);
      expect(doc.identifier).toMatch(/^fetch_very_long_segment_.*_[0-9a-f]{8}$/);
    }
    expect(new Set(long.map((doc) => doc.identifier)).size).toBe(2);
    expect(result.written).toContain(`servers/odd/${long[0].identifier}.ts`);
  });

  it('never lets a Python tool named after a builtin shadow what its module calls', async () => {
    // `Dict` sorts first and takes `dict_`; `dict` gets the next free name.
    expect([docOf('Dict').identifier, docOf('dict').identifier]).toEqual(['Dict_', 'dict__2']);
    const { stdout } = await python(
      [
        'import asyncio, importlib',
        'async def fake(server, tool, args): return [server, tool, args]',
        'for module, fn in (("Dict_", "dict_"), ("dict__2", "dict__2")):',
        '    m = importlib.import_module("servers.odd." + module)',
        '    m.call_mcp_tool = fake',
        '    print(asyncio.run(getattr(m, fn)({"key": "k"})))',
      ].join('\n'),
    );
    expect(stdout.trim().split('\n')).toEqual(["['odd', 'Dict', {'key': 'k'}]", "['odd', 'dict', {'key': 'k'}]"]);
  });

  it('transliterates non-Latin names, and gives a name with nothing to transliterate a stable hash name', () => {
    expect(docOf('получить_пользователя').identifier).toBe('poluchit_polzovatelya');
    expect(docOf('查找用户').identifier).toBe('ChaZhaoYongHu');
    expect(docOf('🔥').identifier).toBe('fire');
    expect(docOf('\uE000\uE001').identifier).toMatch(/^tool_[0-9a-f]{8}$/);
  });

  it('keeps value constraints in the doc comments and escapes @ so JSDoc keeps the description whole', async () => {
    const file = await source('list_items', 'ts');
    expect(file).toContain('@minimum 1');
    expect(file).toContain('@maximum 100');
    expect(file).toContain('@pattern ^[A-Z]+$');
    expect(file).toMatch(/@minLength 3[\s\S]*@maxLength 8/);
    expect(file).toMatch(/@minItems 1[\s\S]*@uniqueItems/);
    const parsed = ts.createSourceFile('list_items.ts', file, ts.ScriptTarget.ES2022, true);
    const tags = new Set<string>();
    const texts: string[] = [];
    const visit = (node: ts.Node) => {
      for (const doc of ts.getJSDocCommentsAndTags(node)) {
        if (ts.isJSDoc(doc)) texts.push(ts.getTextOfJSDocComment(doc.comment) ?? '');
        for (const tag of (ts.isJSDoc(doc) ? doc.tags : undefined) ?? []) tags.add(tag.tagName.text);
      }
      ts.forEachChild(node, visit);
    };
    visit(parsed);
    expect(tags.has('odata')).toBe(false);
    expect(tags.has('example')).toBe(false);
    expect(texts.some((text) => text.includes('Pass the \\@odata.nextLink of the previous page'))).toBe(true);
    expect(await source('list_items', 'py')).toContain('#: @maximum 100');
    // The app's "Try it" form validates against the schema it gets, which keeps every constraint.
    expect((docOf('list_items').inputSchema as { properties: { top: unknown } }).properties.top).toEqual({ type: 'integer', minimum: 1, maximum: 100, description: 'Items per page.' });
  });

  it('types patternProperties under additionalProperties:false, and merges a multi-member allOf into one Python TypedDict', async () => {
    expect(await source('set_headers', 'ts')).toContain('headers: Record<string, number>;');
    expect(await source('set_headers', 'py')).toContain('headers: Dict[str, int]');
    const py = await source('create_account', 'py');
    expect(py).toMatch(/class CreateAccountInput\(TypedDict\):\n    email: str\n    age: NotRequired\[int\]\n    plan: Literal\["free", "pro"\]\n/);
    const { stdout } = await python('import importlib; m = importlib.import_module("servers.odd.create_account"); print(sorted(m.CreateAccountInput.__annotations__))');
    expect(stdout.trim()).toBe("['age', 'email', 'plan']");
  });

  it('marks a tool deprecated by its annotation, not one that mentions the word, and ranks it after the others', async () => {
    expect(docOf('old_search').description).toBe('Deprecated. Search the old index.');
    expect(await source('old_search', 'ts')).toMatch(/ \* @deprecated\n \*\/\nexport async function oldSearch/);
    expect(isDeprecatedTool(docOf('new_search'))).toBe(false);
    const oddDocs = result.docs.filter((doc) => doc.server === 'odd');
    const ranked = rankTools(oddDocs, 'search old index', 5).map((doc) => doc.tool);
    expect(ranked[0]).toBe('new_search');
    expect(ranked.at(-1)).toBe('old_search');
  });
});
