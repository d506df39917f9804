// The gateway over an engine opened without the graph, as `skillgraph mcp` opens it: at open it starts the
// type-checker (and no MCP server); it never holds the graph in memory for runs, yet a skill edited on disk reaches
// the next run (graph-follower.ts); a new gateway process over unchanged skills stages none; and save_skill, which
// opens the graph, keeps what the user wrote meanwhile. Real engine, real sandbox, real files, a real MCP server.
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../engine';
import { until } from '../test-fixtures';
import { skillMarkdown } from '../index/test-fixtures';
import { gatewayForEngine, graphFollowerOf } from '.';

const root = path.resolve(import.meta.dirname, '..', '..', '..');
const memoryServer = path.join(root, 'node_modules/@modelcontextprotocol/server-memory/dist/index.js');
const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function graphAndData(): { graph: string; data: string } {
  const dir = fs.mkdtempSync(path.join(tmpdir(), 'sg-gw-graph-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const graph = path.join(dir, 'graph');
  const data = path.join(dir, 'data');
  fs.cpSync(path.join(root, 'logseq-template'), graph, { recursive: true });
  fs.mkdirSync(data);
  fs.writeFileSync(path.join(data, 'mcp.json'), JSON.stringify({ mcpServers: { memory: { command: process.execPath, args: [memoryServer], env: { MEMORY_FILE_PATH: path.join(dir, 'm.json') } } } }));
  return { graph, data };
}

function writeSkill(graph: string, name: string, returns: string): void {
  fs.writeFileSync(path.join(graph, 'pages', `Skills___${name}.md`), skillMarkdown({ name, description: `Says ${returns}`, code: `export async function ${name}() {\n  return '${returns}';\n}` }));
}

async function openAsTheGatewayDoes(graph: string, data: string): Promise<Engine> {
  const engine = await Engine.open({ graph, data, host: 'cli', watch: true, loadGraph: false, warmSandbox: false });
  cleanups.push(() => engine.close());
  return engine;
}

const say = (name: string) => ({ code: `import { ${name} } from './skills/${name}';\nconsole.log(await ${name}());`, language: 'typescript' as const });

describe('the gateway without the graph in memory', () => {
  it('starts the type-checker at open, before any call, and no MCP server', async () => {
    const { graph, data } = graphAndData();
    const engine = await openAsTheGatewayDoes(graph, data);
    expect(engine.runs.typeChecker().programsBuilt).toBe(0);
    gatewayForEngine(engine);
    await until('the checker to build its first program', () => engine.runs.typeChecker().programsBuilt > 0, 60_000);
    expect(engine.serverStates().map((s) => [s.name, s.status])).toEqual([['memory', 'idle']]); // never started
  }, 90_000);

  it('runs from the index, follows a skill edited on disk, and a new process over unchanged skills stages none', async () => {
    const { graph, data } = graphAndData();
    writeSkill(graph, 'greet', 'hello');
    const engine = await openAsTheGatewayDoes(graph, data);
    const gateway = gatewayForEngine(engine);
    expect((await gateway.executeCode(say('greet'))).text).toMatch(/^hello\n/);
    const passes = engine.skillStaging!.passesMade;
    expect((await gateway.executeCode(say('greet'))).text).toMatch(/^hello\n/);
    expect(engine.skillStaging!.passesMade).toBe(passes);
    // The user edits the page while the gateway runs: the index catches up from the folder, the next run sees it.
    writeSkill(graph, 'greet', 'edited');
    await until('the index to hold the edit', () => engine.index.skill('greet')?.code.includes('edited'), 30_000);
    expect((await gateway.executeCode(say('greet'))).text).toMatch(/^edited\n/);
    expect(engine.graphLoaded).toBe(false);
    await engine.close();
    // The next gateway process: the skills did not change, so its runs stage none (nor read any).
    const next = await openAsTheGatewayDoes(graph, data);
    const again = gatewayForEngine(next);
    expect((await again.executeCode(say('greet'))).text).toMatch(/^edited\n/);
    expect(next.skillStaging!.passesMade).toBe(0);
  }, 120_000);

  it('save_skill opens the graph and keeps what the user wrote meanwhile on the page it also writes (the journal) and on a page of the same name', async () => {
    const { graph, data } = graphAndData();
    const engine = await openAsTheGatewayDoes(graph, data);
    const gateway = gatewayForEngine(engine);
    expect((await gateway.executeCode({ code: `console.log('first');`, language: 'typescript' })).status).toBe('succeeded');
    const follower = graphFollowerOf(engine)!;
    // The user writes in today's journal and creates a skill page, unseen by any graph in memory.
    const day = new Date();
    const journal = path.join(graph, 'journals', `${day.getFullYear()}_${String(day.getMonth() + 1).padStart(2, '0')}_${String(day.getDate()).padStart(2, '0')}.md`);
    fs.mkdirSync(path.dirname(journal), { recursive: true });
    fs.appendFileSync(journal, '- the user wrote this line just now\n');
    writeSkill(graph, 'taken', 'the user');
    const saved = await gateway.saveSkill({ name: 'count_words', description: 'Counts words', code: 'export async function countWords(text: string) { return text.split(/\\s+/).length; }\n' }, 'test agent');
    expect(saved.status).toBe('draft');
    expect(engine.graphLoaded).toBe(true);
    const journalText = fs.readFileSync(journal, 'utf8');
    expect(journalText).toContain('- the user wrote this line just now');
    expect(journalText).toContain('count_words');
    // The name the user took meanwhile is refused, and their page is as they wrote it.
    const before = fs.readFileSync(path.join(graph, 'pages', 'Skills___taken.md'), 'utf8');
    await expect(gateway.saveSkill({ name: 'taken', description: 'Agent version', code: "export async function taken() { return 'agent'; }\n" }, 'test agent')).rejects.toThrow(/already exists/);
    expect(fs.readFileSync(path.join(graph, 'pages', 'Skills___taken.md'), 'utf8')).toBe(before);
    // The engine's own watcher follows the graph now; the follower stopped.
    const catchUps = follower.catchUpsMade;
    fs.appendFileSync(journal, '- another line\n');
    await until('the graph to see the new line', () => engine.graph.pages().some((page) => page.path.startsWith('journals/') && JSON.stringify(page).includes('another line')), 30_000);
    expect(follower.catchUpsMade).toBe(catchUps);
  }, 120_000);
});
