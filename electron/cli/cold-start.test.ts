// Cold start as an agent and a terminal meet it: `skillgraph mcp` lists its tools without starting any configured MCP
// server; `skillgraph search`, `run` and `skills show` see pages edited while no Skillgraph process ran, and `run`
// trusts a fresh index (no page file read, no unchanged skill written again).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterEach, describe, expect, it } from 'vitest';
import { countTokens } from '../engine/gateway/token-count';

const root = path.resolve(import.meta.dirname, '..', '..');
const tsxCli = path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const cliEntry = path.join(root, 'electron', 'cli', 'main.ts');
const memoryServer = path.join(root, 'node_modules/@modelcontextprotocol/server-memory/dist/index.js');
const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempRoot(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-cold-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Command lines of every process below `pid` (Linux /proc), to see what the gateway has started. */
function descendants(pid: number): string[] {
  const found: string[] = [];
  const visit = (parent: number) => {
    let tasks: string[];
    try {
      tasks = fs.readdirSync(`/proc/${parent}/task`);
    } catch {
      return;
    }
    for (const task of tasks) {
      const children = fs.readFileSync(`/proc/${parent}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
      for (const child of children) {
        found.push(fs.readFileSync(`/proc/${child}/cmdline`, 'utf8').replace(/\0/g, ' ').trim());
        visit(child);
      }
    }
  };
  visit(pid);
  return found;
}

const cli = promisify(execFile);

/** Modules the heavy-modules loader keeps off the start of every command (esbuild too, but tsx, which runs the CLI
 *  from source here, loads it for itself). */
const HEAVY_MODULES = ['typescript', 'gpt-tokenizer', 'e2b', 'libphonenumber-js'];

/**
 * Runs a CLI command in a new process and answers every module file it loaded: CommonJS ones from require.cache as
 * the process exits, ES modules from a module load hook (e2b, say, has both builds; either way counts).
 */
function moduleRecorder(dir: string, graph: string, data: string): (args: string[]) => Promise<string> {
  const run = commandRecorder(dir, graph, data);
  return async (args) => {
    const outcome = await run(args);
    if (outcome.exitCode !== 0) throw new Error(`skillgraph ${args.join(' ')} failed (${outcome.exitCode}): ${outcome.stderr}`);
    return outcome.modules;
  };
}

/** moduleRecorder's process, with what it printed and its exit code (a failing command is an answer too). */
function commandRecorder(dir: string, graph: string, data: string): (args: string[]) => Promise<{ modules: string; stdout: string; stderr: string; exitCode: number }> {
  const loadedList = path.join(dir, 'loaded.txt');
  const hooks = path.join(dir, 'record-hooks.mjs');
  const preload = path.join(dir, 'record-loaded.mjs');
  fs.writeFileSync(hooks, `import fs from 'node:fs';\nexport async function load(url, context, next) {\n  fs.appendFileSync(${JSON.stringify(loadedList)}, url + '\\n');\n  return next(url, context);\n}\n`);
  fs.writeFileSync(
    preload,
    // The main thread's modules only: a worker thread (the ledger's token counter) loads what it loads off that thread.
    `import { createRequire, register } from 'node:module';\nimport fs from 'node:fs';\nimport { isMainThread } from 'node:worker_threads';\nif (isMainThread) {\n  register(${JSON.stringify(pathToFileURL(hooks).href)});\n  const require = createRequire(import.meta.url);\n  process.on('exit', () => fs.appendFileSync(${JSON.stringify(loadedList)}, Object.keys(require.cache).join('\\n') + '\\n'));\n}\n`,
  );
  return async (args) => {
    fs.rmSync(loadedList, { force: true });
    const outcome = await cli(process.execPath, [tsxCli, cliEntry, ...args, '--graph', graph, '--data', data], { cwd: root, env: { ...process.env, NODE_OPTIONS: `--import ${pathToFileURL(preload).href}` } }).then(
      ({ stdout, stderr }) => ({ stdout, stderr, exitCode: 0 }),
      (error: { stdout: string; stderr: string; code: number }) => ({ stdout: error.stdout, stderr: error.stderr, exitCode: error.code }),
    );
    return { ...outcome, modules: fs.readFileSync(loadedList, 'utf8').replaceAll('\\', '/') };
  };
}

describe('cold start', () => {
  it('the gateway answers initialize and tools/list with 12 servers configured and none started', async () => {
    const dir = tempRoot();
    const data = path.join(dir, 'data');
    fs.mkdirSync(data);
    const servers = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`memory${i}`, { command: process.execPath, args: [memoryServer], env: { MEMORY_FILE_PATH: path.join(dir, `m${i}.json`) } }]));
    fs.writeFileSync(path.join(data, 'mcp.json'), JSON.stringify({ mcpServers: servers }));
    const transport = new StdioClientTransport({ command: process.execPath, args: [tsxCli, cliEntry, 'mcp', '--data', data], cwd: root, stderr: 'pipe' });
    const client = new Client({ name: 'cold-start-test', version: '1.0.0' });
    await client.connect(transport);
    cleanups.push(() => client.close());
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(['execute_code', 'list_api', 'read_api', 'save_skill', 'search_skills', 'search_tools']);
    // tsx runs the CLI in a child of its own, with esbuild's transform service beside it (the built CLI has neither);
    // apart from those, nothing: no MCP server, no sandbox runner.
    const below = descendants(transport.pid!);
    expect(below.filter((cmd) => cmd.includes('server-memory'))).toEqual([]);
    expect(below.filter((cmd) => !cmd.includes(cliEntry) && !/esbuild\S* --service/.test(cmd))).toEqual([]);
  });

  it('the gateway\'s first execute_code generates and starts only the server its code imports, of several never generated', async () => {
    const dir = tempRoot();
    const data = path.join(dir, 'data');
    fs.mkdirSync(data);
    const servers = Object.fromEntries(Array.from({ length: 3 }, (_, i) => [`memory${i}`, { command: process.execPath, args: [memoryServer], env: { MEMORY_FILE_PATH: path.join(dir, `m${i}.json`) } }]));
    fs.writeFileSync(path.join(data, 'mcp.json'), JSON.stringify({ mcpServers: servers }));
    await cli(process.execPath, [tsxCli, cliEntry, 'init', '--graph', path.join(dir, 'graph'), '--data', data], { cwd: root });
    const transport = new StdioClientTransport({ command: process.execPath, args: [tsxCli, cliEntry, 'mcp', '--graph', path.join(dir, 'graph'), '--data', data], cwd: root, stderr: 'pipe' });
    const client = new Client({ name: 'cold-start-test', version: '1.0.0' });
    await client.connect(transport);
    cleanups.push(() => client.close());
    const answer = (await client.callTool({ name: 'execute_code', arguments: { code: "import { readGraph } from './servers/memory1';\nconsole.log(JSON.stringify(await readGraph({})));\n" } })) as { isError?: boolean; content: Array<{ text?: string }> };
    expect(answer.isError ?? false).toBe(false);
    expect(answer.content.map((c) => c.text ?? '').join('\n')).toContain('{"entities":[],"relations":[]}');
    // One server process, memory1's (its generation and the call share it); the other two were never started.
    expect(descendants(transport.pid!).filter((cmd) => cmd.includes('server-memory'))).toHaveLength(1);
    expect(fs.readdirSync(path.join(data, 'api', 'servers')).filter((name) => name.startsWith('memory'))).toEqual(['memory1']);
  }, 120_000);

  it('the gateway\'s first execute_code trusts a fresh index (reads no page file), and opens the graph after answering', async () => {
    const dir = tempRoot();
    const graph = path.join(dir, 'graph');
    const data = path.join(dir, 'data');
    await cli(process.execPath, [tsxCli, cliEntry, 'init', '--graph', graph, '--data', data], { cwd: root });
    const fence = '`'.repeat(3);
    const page = path.join(graph, 'pages', 'skills___greet.md');
    const writeAt = (body: string, seconds: number) => {
      fs.writeFileSync(page, `type:: skill\ndescription:: Greets\n\n- ${fence}ts\n  export async function greet() { return '${body}'; }\n  ${fence}\n`);
      fs.utimesSync(page, seconds, seconds);
    };
    writeAt('hello', 1_700_000_000);
    await cli(process.execPath, [tsxCli, cliEntry, 'index', '--graph', graph, '--data', data], { cwd: root });
    // Different bytes under the mtime the index holds: only a gateway that read the page would see them.
    writeAt('unseen', 1_700_000_000);
    const transport = new StdioClientTransport({ command: process.execPath, args: [tsxCli, cliEntry, 'mcp', '--graph', graph, '--data', data], cwd: root, stderr: 'pipe' });
    const client = new Client({ name: 'cold-start-test', version: '1.0.0' });
    await client.connect(transport);
    cleanups.push(() => client.close());
    const execute = async () => {
      const answer = (await client.callTool({ name: 'execute_code', arguments: { code: "import { greet } from './skills/greet';\nconsole.log(await greet());\n" } })) as { content: Array<{ text?: string }> };
      return answer.content.map((c) => c.text ?? '').join('\n');
    };
    expect(await execute()).toMatch(/^hello\n/);
    // After the answer the gateway opens the graph and watches it: an edit now reaches the next run.
    writeAt('edited', 1_700_000_200);
    await expect.poll(execute, { timeout: 60_000, interval: 500 }).toMatch(/^edited\n/);
    // save_skill works on the graph opened meanwhile.
    const saved = (await client.callTool({ name: 'save_skill', arguments: { name: 'count_words', description: 'Counts words', code: 'export async function countWords(text: string) { return text.split(/\\s+/).length; }\n' } })) as { isError?: boolean };
    expect(saved.isError ?? false).toBe(false);
    const pages = fs.readdirSync(path.join(graph, 'pages')).map((name) => fs.readFileSync(path.join(graph, 'pages', name), 'utf8'));
    expect(pages.filter((text) => text.includes('description:: Counts words'))).toHaveLength(1);
  }, 180_000);

  it('status, search and skills list load none of the heavy modules (compiler, tokenizer, E2B SDK, phone metadata); run, which type-checks, starts the native compiler, never loads TypeScript 5.9 and counts its ledger off the main thread', async () => {
    const dir = tempRoot();
    const graph = path.join(dir, 'graph');
    const data = path.join(dir, 'data');
    const loadedBy = moduleRecorder(dir, graph, data);
    const heavy = (modules: string) => Object.fromEntries(HEAVY_MODULES.map((name) => [name, modules.includes(`/node_modules/${name}/`)]));
    await cli(process.execPath, [tsxCli, cliEntry, 'init', '--graph', graph, '--data', data], { cwd: root });
    const none = Object.fromEntries(HEAVY_MODULES.map((name) => [name, false]));
    for (const command of [['status'], ['search', 'anything'], ['skills', 'list']]) {
      expect({ command, ...heavy(await loadedBy(command)) }).toEqual({ command, ...none });
    }
    // Nor the local sandbox runtime: search and skills list do not open the engine, and status checks the sandbox's
    // programs on PATH without it (local-dependencies.ts).
    for (const command of [['search', 'anything'], ['skills', 'list'], ['status']]) {
      expect({ command, sandboxRuntime: (await loadedBy(command)).includes('/node_modules/@anthropic-ai/sandbox-runtime/') }).toEqual({ command, sandboxRuntime: false });
    }
    const hello = path.join(dir, 'hello.ts');
    fs.writeFileSync(hello, 'console.log("hello");\n');
    // A first run of new code is checked by the native compiler's process; the 5.9 compiler (the editor's) stays unloaded.
    // The ledger counts in its worker thread: the main thread never loads the tokenizer, and the entry is still exact.
    const run = await loadedBy(['run', hello]);
    expect({ ...heavy(run), native: run.includes('/node_modules/typescript-native/') }).toMatchObject({ typescript: false, e2b: false, 'gpt-tokenizer': false, native: true });
    const entries = fs.readFileSync(path.join(data, 'ledger.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { origin: string; ledger: { printedTokens: number } });
    expect(entries.map((entry) => [entry.origin, entry.ledger.printedTokens])).toEqual([['cli', countTokens('hello\n')]]);
  }, 240_000); // six CLI processes started through tsx: minutes on a loaded 2-core machine

  it('run keeps a passed type-check on disk: a new process re-running the same code over the same API starts no compiler; changed code or a changed API file is checked again', async () => {
    const dir = tempRoot();
    const graph = path.join(dir, 'graph');
    const data = path.join(dir, 'data');
    const run = commandRecorder(dir, graph, data);
    const compiled = (outcome: { modules: string }) => outcome.modules.includes('/node_modules/typescript-native/');
    await cli(process.execPath, [tsxCli, cliEntry, 'init', '--graph', graph, '--data', data], { cwd: root });
    const fence = '`'.repeat(3);
    const greetPage = path.join(graph, 'pages', 'skills___greet.md');
    const writeSkill = (source: string, seconds: number) => {
      fs.writeFileSync(greetPage, `type:: skill\ndescription:: Greets\n\n- ${fence}ts\n  ${source}\n  ${fence}\n`);
      fs.utimesSync(greetPage, seconds, seconds);
    };
    writeSkill("export async function greet() { return 'hello'; }", 1_700_000_000);
    const script = path.join(dir, 'hello.ts');
    fs.writeFileSync(script, "import { greet } from './skills/greet';\nconsole.log(await greet());\n");

    const first = await run(['run', script]);
    expect([first.stdout, first.exitCode, compiled(first)]).toEqual(['hello\n', 0, true]);
    const again = await run(['run', script]);
    expect([again.stdout, again.exitCode, compiled(again)]).toEqual(['hello\n', 0, false]);

    // The skill (an API file the check read) now wants an argument: the same code is checked again, and fails.
    writeSkill("export async function greet(name: string) { return 'hello ' + name; }", 1_700_000_100);
    const stale = await run(['run', script]);
    expect(compiled(stale)).toBe(true);
    expect(stale.exitCode).not.toBe(0);
    expect(stale.stdout).toBe('');
    expect(stale.stderr).toContain('hello.ts:2:');
    expect(stale.stderr).toContain('Expected 1 arguments, but got 0');
    // ... and a type error is never remembered: the next process reports it again.
    const staleAgain = await run(['run', script]);
    expect([staleAgain.exitCode !== 0, staleAgain.stderr.includes('Expected 1 arguments, but got 0'), compiled(staleAgain)]).toEqual([true, true, true]);

    // Changed code is checked; once it passed, a new process trusts the record again.
    fs.writeFileSync(script, "import { greet } from './skills/greet';\nconsole.log(await greet('you'));\n");
    const fixed = await run(['run', script]);
    expect([fixed.stdout, compiled(fixed)]).toEqual(['hello you\n', true]);
    const fixedAgain = await run(['run', script]);
    expect([fixedAgain.stdout, compiled(fixedAgain)]).toEqual(['hello you\n', false]);
  }, 240_000);

  it('search finds a page edited while no Skillgraph process ran, and forgets one deleted', async () => {
    const dir = tempRoot();
    const graph = path.join(dir, 'graph');
    const data = path.join(dir, 'data');
    const search = async (query: string) => {
      const { stdout } = await cli(process.execPath, [tsxCli, cliEntry, 'search', query, '--json', '--graph', graph, '--data', data], { cwd: root });
      return (JSON.parse(stdout) as { hits: Array<{ title: string }> }).hits.map((hit) => hit.title);
    };
    await cli(process.execPath, [tsxCli, cliEntry, 'init', '--graph', graph, '--data', data], { cwd: root });
    fs.writeFileSync(path.join(graph, 'pages', 'Harbour.md'), '- ships and cranes\n');
    expect(await search('cranes')).toEqual(['Harbour']);

    fs.writeFileSync(path.join(graph, 'pages', 'Harbour.md'), '- lighthouse keepers only\n');
    expect(await search('lighthouse')).toEqual(['Harbour']);
    expect(await search('cranes')).toEqual([]);

    fs.rmSync(path.join(graph, 'pages', 'Harbour.md'));
    expect(await search('lighthouse')).toEqual([]);
  });

  it('run reads no page file when the index is fresh, rewrites no unchanged skill, and uses a skill edited offline', async () => {
    const dir = tempRoot();
    const graph = path.join(dir, 'graph');
    const data = path.join(dir, 'data');
    const skillgraph = (...args: string[]) => cli(process.execPath, [tsxCli, cliEntry, ...args, '--graph', graph, '--data', data], { cwd: root });
    await skillgraph('init');
    const fence = '`'.repeat(3);
    const skillPage = (name: string, body: string) => `type:: skill\ndescription:: Says something\n\n- ${fence}ts\n  export async function ${name}() { return '${body}'; }\n  ${fence}\n`;
    const greetPage = path.join(graph, 'pages', 'skills___greet.md');
    const otherPage = path.join(graph, 'pages', 'skills___farewell.md');
    // Whole-second mtimes, so the test can put a file's indexed mtime back after changing its bytes.
    const writeAt = (file: string, text: string, seconds: number) => {
      fs.writeFileSync(file, text);
      fs.utimesSync(file, seconds, seconds);
    };
    writeAt(greetPage, skillPage('greet', 'hello'), 1_700_000_000);
    writeAt(otherPage, skillPage('farewell', 'bye'), 1_700_000_000);
    const script = path.join(dir, 'hello.ts');
    fs.writeFileSync(script, "import { greet } from './skills/greet';\nimport { farewell } from './skills/farewell';\nconsole.log(await greet(), await farewell());\n");
    const run = async () => (await skillgraph('run', script)).stdout;
    const skillsDir = path.join(data, 'api', 'skills');
    const mtimes = () => Object.fromEntries(fs.readdirSync(skillsDir).map((name) => [name, fs.statSync(path.join(skillsDir, name)).mtimeMs]));

    expect(await run()).toBe('hello bye\n');
    const first = mtimes();

    // Different bytes under the mtime the index holds: a run that trusts the fresh index never opens the file.
    writeAt(otherPage, skillPage('farewell', 'changed unseen'), 1_700_000_000);
    expect(await run()).toBe('hello bye\n');
    expect(mtimes()).toEqual(first);

    // Edited while no Skillgraph process ran: the next run catches up, and writes only that skill's module.
    writeAt(greetPage, skillPage('greet', 'good morning'), 1_700_000_100);
    expect(await run()).toBe('good morning bye\n');
    const third = mtimes();
    expect(Object.keys(third).filter((name) => third[name] !== first[name])).toEqual(['greet.ts']);

    const { stdout } = await skillgraph('runs', 'list', '--json');
    expect((JSON.parse(stdout) as Array<{ origin: string; status: string }>).map((r) => [r.origin, r.status])).toEqual(Array(3).fill(['cli', 'succeeded']));
  }, 180_000);

  it('skills show and status answer a page edited offline from the caught-up index, with the skill\'s journal history', async () => {
    const dir = tempRoot();
    const graph = path.join(dir, 'graph');
    const data = path.join(dir, 'data');
    const skillgraph = async (...args: string[]) => (await cli(process.execPath, [tsxCli, cliEntry, ...args, '--graph', graph, '--data', data], { cwd: root })).stdout;
    await skillgraph('init');
    const code = path.join(dir, 'count.ts');
    fs.writeFileSync(code, 'export async function countLines(text: string) { return text.split("\\n").length; }\n');
    await skillgraph('skills', 'save', 'count_lines', '--file', code, '--description', 'Counts the lines of a text');
    type Detail = { skill: { description: string; status: string; path: string }; markdown: string; history: Array<{ action: string; actor: { kind: string } }> };
    const show = async () => JSON.parse(await skillgraph('skills', 'show', 'count_lines', '--json')) as Detail;

    const saved = await show();
    expect(saved.skill).toMatchObject({ description: 'Counts the lines of a text', status: 'approved' });
    expect(saved.history.map((e) => [e.action, e.actor.kind])).toEqual([['created', 'person']]);

    const page = path.join(graph, saved.skill.path);
    fs.writeFileSync(page, fs.readFileSync(page, 'utf8').replace('Counts the lines of a text', 'Counts lines, edited in Logseq'));
    const edited = await show();
    expect(edited.skill.description).toBe('Counts lines, edited in Logseq');
    expect(edited.markdown).toContain('Counts lines, edited in Logseq');
    expect(edited.history).toEqual(saved.history);

    const status = JSON.parse(await skillgraph('status', '--json')) as { index: { skills: number }; servers: { total: number }; backend: { name: string; available: boolean } };
    expect(status.index.skills).toBe(1);
    // bubblewrap, socat and ripgrep are installed here (the sandbox tests need them): found without the runtime.
    expect(status.backend).toMatchObject({ name: 'local', available: true });
    await expect(skillgraph('skills', 'show', 'no_such_skill')).rejects.toMatchObject({ stderr: expect.stringContaining('no skill named "no_such_skill"') });
  }, 120_000);
});
