// Cold start of the built `skillgraph` command, whole process, as a terminal and an agent's host meet it: each command
// spawned N times as a new process; prints median wall time, peak RSS of the process tree (polled from /proc) and the
// ratio to a bare `node -e 0` measured in the same run, on an empty graph and on a generated 10,000-page / 1,000-skill
// graph, with 36 configured copies of a real MCP server. Asserts nothing.
// Run: npx tsx bench/coldstart.bench.ts   (COLDSTART_RUNS=n for more runs; builds dist/ first)
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { seededRandom, skillMarkdown } from '../electron/engine/index/test-fixtures';
import { treeRss } from './process-tree';

const ROOT = path.resolve(import.meta.dirname, '..');
const RUNS = Number(process.env.COLDSTART_RUNS ?? 5);
const BIN = path.join(ROOT, 'bin', 'skillgraph.js');
const PAGES = 10_000;
const SKILLS = 1_000;
const SERVERS = 36;


function treeCount(pid: number): number {
  let count = 0;
  try {
    for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
      for (const child of fs.readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)) count += 1 + treeCount(Number(child));
    }
  } catch {
    // gone
  }
  return count;
}

interface Sample {
  ms: number;
  rss: number;
}

/** Spawns one process; `until` (for the gateway) decides when it counts as done from its stdout. */
function once(args: string[], opts: { stdin?: string; until?: (stdout: string) => boolean; cwd?: string } = {}): Promise<Sample & { children: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd: opts.cwd ?? ROOT, stdio: ['pipe', 'pipe', 'ignore'] });
    let peak = 0;
    let out = '';
    let children = 0;
    const poll = setInterval(() => (peak = Math.max(peak, treeRss(child.pid!))), 10);
    const finish = (ms: number) => {
      clearInterval(poll);
      resolve({ ms, rss: peak, children });
    };
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (opts.until?.(out)) {
        const ms = performance.now() - started;
        peak = Math.max(peak, treeRss(child.pid!));
        children = treeCount(child.pid!);
        child.stdin.end();
        child.once('exit', () => finish(ms));
      }
    });
    child.on('error', reject);
    if (!opts.until) child.once('exit', () => finish(performance.now() - started));
    if (opts.stdin !== undefined) child.stdin.write(opts.stdin);
    if (!opts.until) child.stdin.end();
  });
}

/**
 * One gateway process: spawn, handshake, then `execute_code` hello twice. Times: spawn → first answer (the whole cold
 * path an agent waits for), the first call alone (sent after tools/list) and the second call.
 */
function gatewayExecute(args: string[]): Promise<{ spawnToFirst: number; first: number; second: number; rss: number; ok: boolean }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'ignore'] });
    let peak = 0;
    const poll = setInterval(() => (peak = Math.max(peak, treeRss(child.pid!))), 10);
    const call = (id: number) =>
      child.stdin.write(JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'execute_code', arguments: { code: "console.log('hello')" } } }) + '\n');
    const sent = new Map<number, number>();
    const answered = new Map<number, number>();
    let ok = true;
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        const message = JSON.parse(line) as { id?: number; result?: { isError?: boolean; content?: Array<{ text?: string }> } };
        if (message.id === undefined) continue;
        answered.set(message.id, performance.now());
        if (message.id >= 3) ok &&= !message.result?.isError && JSON.stringify(message.result?.content ?? '').includes('hello');
        if (message.id === 2 || message.id === 3) {
          sent.set(message.id + 1, performance.now());
          call(message.id + 1);
        }
        if (message.id === 4) {
          peak = Math.max(peak, treeRss(child.pid!));
          child.stdin.end();
          child.once('exit', () => {
            clearInterval(poll);
            resolve({ spawnToFirst: answered.get(3)! - started, first: answered.get(3)! - sent.get(3)!, second: answered.get(4)! - sent.get(4)!, rss: peak, ok });
          });
        }
      }
    });
    child.on('error', reject);
    child.stdin.write(HANDSHAKE);
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function measure(args: string[], opts: Parameters<typeof once>[1] = {}, runs = RUNS): Promise<Sample & { children: number }> {
  const samples = [];
  for (let i = 0; i < runs; i++) samples.push(await once(args, opts));
  return { ms: median(samples.map((s) => s.ms)), rss: Math.max(...samples.map((s) => s.rss)), children: Math.max(...samples.map((s) => s.children)) };
}

const HANDSHAKE =
  [
    { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '1' } } },
    { jsonrpc: '2.0', method: 'notifications/initialized' },
    { jsonrpc: '2.0', id: 2, method: 'tools/list' },
  ]
    .map((m) => JSON.stringify(m))
    .join('\n') + '\n';

function makeData(dir: string, count = SERVERS): string {
  const data = path.join(dir, 'data');
  fs.mkdirSync(data, { recursive: true });
  const memory = path.join(ROOT, 'node_modules/@modelcontextprotocol/server-memory/dist/index.js');
  const everything = path.join(ROOT, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
  const servers: Record<string, unknown> = {};
  for (let i = 0; i < count; i++) {
    servers[`srv${i}`] = i % 2 ? { command: process.execPath, args: [memory], env: { MEMORY_FILE_PATH: path.join(dir, `m${i}.json`) } } : { command: process.execPath, args: [everything, 'stdio'] };
  }
  fs.writeFileSync(path.join(data, 'mcp.json'), JSON.stringify({ mcpServers: servers }));
  return data;
}

function makeBigGraph(graph: string): void {
  fs.cpSync(path.join(ROOT, 'logseq-template'), graph, { recursive: true });
  const random = seededRandom(14);
  const WORDS = 'alpha beta gamma delta harbour crane ledger invoice ticket release deploy metric alert sprint customer region revenue backlog incident review'.split(' ');
  const words = (n: number) => Array.from({ length: n }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');
  for (let i = 0; i < SKILLS; i++) {
    const name = `skill_${i}`;
    fs.writeFileSync(path.join(graph, 'pages', `Skills___${name}.md`), skillMarkdown({ name, description: words(8), tags: ['ops'], code: `export async function skill${i}() {\n  return '${words(3)}';\n}` }));
  }
  for (let i = 0; i < PAGES - SKILLS - 2; i++) {
    const blocks = Array.from({ length: 8 }, () => `- ${words(12)}`).join('\n');
    fs.writeFileSync(path.join(graph, 'pages', `Note ${i}.md`), `tags:: ${WORDS[i % WORDS.length]}\n\n${blocks}\n`);
  }
}

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MB`;

async function main(): Promise<void> {
  spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs'), '--quiet'], { stdio: 'inherit', cwd: ROOT });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-coldstart-'));
  try {
    const emptyGraph = path.join(dir, 'empty-graph');
    const bigGraph = path.join(dir, 'big-graph');
    const emptyData = makeData(path.join(dir, 'e'));
    const bigData = makeData(path.join(dir, 'b'));
    fs.cpSync(path.join(ROOT, 'logseq-template'), emptyGraph, { recursive: true });
    makeBigGraph(bigGraph);
    const hello = path.join(dir, 'hello.ts');
    fs.writeFileSync(hello, "console.log('hello');\n");
    const on = (graph: string, data: string) => ['--graph', graph, '--data', data];

    const baseline = await measure(['-e', '0']);
    const rows: Array<[string, Sample & { children?: number }, string?]> = [];
    const row = (label: string, sample: Sample & { children?: number }, note?: string) => {
      rows.push([label, sample, note]);
      console.log(`${label.padEnd(52)} ${sample.ms.toFixed(0).padStart(6)} ms  ${mb(sample.rss).padStart(7)}  ${(sample.ms / baseline.ms).toFixed(1).padStart(5)}×${note ? `  ${note}` : ''}`);
    };
    console.log(`Runs per command: ${RUNS} (median wall time; peak RSS of the process tree; ratio to node -e 0)\n`);
    row('node -e 0', baseline);
    row('skillgraph --help', await measure([BIN, '--help']));

    // The first index of each graph (a cold build) is measured on its own; the searches after it find the index fresh.
    const rebuildArgs = [BIN, 'index', '--rebuild', ...on(bigGraph, bigData)];
    const rebuild = await measure(rebuildArgs, {}, Math.min(RUNS, 3));
    row(`index --rebuild, ${PAGES} pages`, rebuild, `${((PAGES / rebuild.ms) * 1000).toFixed(0)} pages/s whole process`);
    await once([BIN, 'search', 'x', ...on(emptyGraph, emptyData)]);
    row('search "harbour crane", empty graph', await measure([BIN, 'search', 'harbour crane', ...on(emptyGraph, emptyData)]));
    row(`search "harbour crane", ${PAGES} pages, index fresh`, await measure([BIN, 'search', 'harbour crane', ...on(bigGraph, bigData)]));
    const edited = path.join(bigGraph, 'pages', 'Note 42.md');
    const searchAfterEdit = [];
    for (let i = 0; i < RUNS; i++) {
      fs.appendFileSync(edited, `- edit ${i}\n`);
      searchAfterEdit.push(await once([BIN, 'search', 'harbour crane', ...on(bigGraph, bigData)]));
    }
    row(`search, ${PAGES} pages, one page edited before each`, { ms: median(searchAfterEdit.map((s) => s.ms)), rss: Math.max(...searchAfterEdit.map((s) => s.rss)) });
    row(`skills list, ${PAGES} pages / ${SKILLS} skills`, await measure([BIN, 'skills', 'list', ...on(bigGraph, bigData)]));

    const untilToolsList = (out: string) => out.includes('"id":2');
    const gwEmpty = await measure([BIN, 'mcp', ...on(emptyGraph, emptyData)], { stdin: HANDSHAKE, until: untilToolsList });
    row(`gateway spawn → initialize → tools/list, ${SERVERS} servers, empty`, gwEmpty, `${gwEmpty.children} child processes at tools/list`);
    const gwBig = await measure([BIN, 'mcp', ...on(bigGraph, bigData)], { stdin: HANDSHAKE, until: untilToolsList });
    row(`gateway spawn → initialize → tools/list, ${SERVERS} servers, ${PAGES} pages`, gwBig, `${gwBig.children} child processes at tools/list`);

    const calls = [];
    for (let i = 0; i < Math.min(RUNS, 3); i++) calls.push(await gatewayExecute([BIN, 'mcp', ...on(bigGraph, bigData)]));
    const gatewayRows = (label: string, samples: Array<Awaited<ReturnType<typeof gatewayExecute>>>) => {
      const failed = samples.some((c) => !c.ok) ? '  (some calls did not print hello)' : '';
      const rss = Math.max(...samples.map((c) => c.rss));
      row(`gateway spawn → first execute_code hello, ${label}`, { ms: median(samples.map((c) => c.spawnToFirst)), rss }, `whole process${failed}`);
      row(`gateway first execute_code hello (after tools/list), ${label}`, { ms: median(samples.map((c) => c.first)), rss });
      row(`gateway second execute_code hello, ${label}`, { ms: median(samples.map((c) => c.second)), rss });
    };
    // The first gateway of a data folder generates every server never generated (here all 36), the later ones do not.
    gatewayRows(`${PAGES} pages, ${SERVERS} servers`, calls);
    // The same graph with no server configured: what the graph, the index and the skills cost the first call.
    const plainData = makeData(path.join(dir, 'p'), 0);
    await once([BIN, 'index', ...on(bigGraph, plainData)]);
    const plain = [];
    for (let i = 0; i < Math.min(RUNS, 3); i++) plain.push(await gatewayExecute([BIN, 'mcp', ...on(bigGraph, plainData)]));
    gatewayRows(`${PAGES} pages, no servers`, plain);

    const runs = Math.min(RUNS, 3);
    // Code never checked before (a new line each time): the type-check loads the compiler and builds the program.
    const fresh = path.join(dir, 'fresh.ts');
    const freshRuns = [];
    for (let i = 0; i < runs; i++) {
      fs.writeFileSync(fresh, `console.log('hello ${i}');\n`);
      freshRuns.push(await once([BIN, 'run', fresh, ...on(emptyGraph, emptyData)]));
    }
    row('run new code (type-check not recorded), empty graph', { ms: median(freshRuns.map((s) => s.ms)), rss: Math.max(...freshRuns.map((s) => s.rss)) }, 'compiler loaded');
    // The same file again: its pass is in <data>/cache/typecheck-passed.json after the first run, so no compiler.
    row('run hello.ts, empty graph', await measure([BIN, 'run', hello, ...on(emptyGraph, emptyData)], {}, runs));
    row(`run hello.ts, ${PAGES} pages / ${SKILLS} skills`, await measure([BIN, 'run', hello, ...on(bigGraph, bigData)], {}, runs));
    row(`status, ${PAGES} pages / ${SKILLS} skills`, await measure([BIN, 'status', ...on(bigGraph, bigData)]));
    row(`skills show skill_42, ${PAGES} pages / ${SKILLS} skills`, await measure([BIN, 'skills', 'show', 'skill_42', ...on(bigGraph, bigData)]));
    row(`runs list, ${PAGES} pages`, await measure([BIN, 'runs', 'list', ...on(bigGraph, bigData)]));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
