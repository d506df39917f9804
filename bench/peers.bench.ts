// Peer benchmark: Skillgraph's gateway (`skillgraph mcp`, execute_code over MCP stdio, code in bubblewrap + seccomp)
// against the two best-known code-mode runtimes, all three on the same real server-everything over MCP stdio:
// Cloudflare's @cloudflare/codemode (DynamicWorkerExecutor, run locally in workerd through miniflare) and UTCP's
// @utcp/code-mode (isolated-vm, in a child process under Node >= 22: bench/utcp-peer.mjs). Interleaved round by
// round; prints median / p95 per row, the ratio Skillgraph/peer, the cold spawn → first successful run, and the peak
// RSS of each one's process tree. A peer that cannot run here is named with the reason and the other rows still
// print. Asserts nothing.
// Run: npm run bench -- peers   (PEERS_ROUNDS=n, 30 by default; PEERS=cloudflare,utcp|none; builds dist/ first)
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { build } from 'esbuild';
import { EVERYTHING_SERVER } from '../electron/engine/sandbox/test-fixture';
import { treeRss } from './process-tree';

const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'bin', 'skillgraph.js');
const ROUNDS = Number(process.env.PEERS_ROUNDS ?? 30);
const WARMUPS = 3;

type Row = 'hello' | 'call' | 'hundred';
const ROWS: Record<Row, string> = { hello: 'warm hello (code → printed line)', call: 'one tool call and print', hundred: '100 sequential tool calls' };

interface Peer {
  name: string;
  /** Starts the peer (its processes, its MCP connection) and makes one successful run; resolves with the ms it took. */
  start(): Promise<number>;
  run(row: Row): Promise<void>;
  /** The processes whose memory counts for this peer. */
  pids(): number[];
  stop(): Promise<void>;
}


/** Where the Skillgraph gateway appends each run's phase marks (SKILLGRAPH_RUN_PHASES). */
const PHASES_FILE = (dir: string) => path.join(dir, 'run-phases.jsonl');
/** Which row each measured Skillgraph run was (by its run id, from the answer's footer). */
const rowOfRun = new Map<string, Row>();
/** Set while the rounds measured (not the warm-ups) run. */
let measuring = false;

/**
 * Where one warm Skillgraph run's time goes: the median ms at which each phase was reached, per row, from the marks
 * the gateway wrote (warm-ups and the cold run excluded: only runs of the measured rounds are in rowOfRun).
 */
function printPhases(file: string): void {
  const marks = new Map<string, Record<string, number>>();
  let raw = '';
  try {
    raw = fs.readFileSync(file, 'utf8');
  } catch (error) {
    console.log(`(no phase marks: ${(error as Error).message})`);
    return;
  }
  for (const line of raw.split('\n').filter(Boolean)) {
    const { run, marks: made } = JSON.parse(line) as { run: string; marks: Record<string, number> };
    marks.set(run, { ...marks.get(run), ...made });
  }
  console.log('\nSkillgraph: median ms since the run was started at which each phase was reached (SKILLGRAPH_RUN_PHASES)');
  for (const row of Object.keys(ROWS) as Row[]) {
    const runs = [...rowOfRun].filter(([, r]) => r === row).map(([id]) => marks.get(id)).filter((m): m is Record<string, number> => !!m);
    if (runs.length === 0) continue;
    const phases = [...new Set(runs.flatMap((m) => Object.keys(m)))].sort((a, b) => percentile(runs.map((m) => m[a] ?? Infinity), 50) - percentile(runs.map((m) => m[b] ?? Infinity), 50));
    console.log(`  ${ROWS[row]}: ${phases.map((phase) => `${phase} ${percentile(runs.filter((m) => phase in m).map((m) => m[phase]), 50).toFixed(1)}`).join(' · ')}`);
  }
}

function expectPrinted(text: string, wanted: string, peer: string): void {
  if (!text.includes(wanted)) throw new Error(`${peer} did not print ${JSON.stringify(wanted)}: ${text.slice(0, 400)}`);
}

/** Skillgraph: the built `skillgraph mcp` gateway with server-everything configured, driven over MCP stdio. */
function skillgraphPeer(dir: string): Peer {
  const data = path.join(dir, 'sg-data');
  const graph = path.join(dir, 'sg-graph');
  fs.mkdirSync(data, { recursive: true });
  fs.cpSync(path.join(ROOT, 'logseq-template'), graph, { recursive: true });
  fs.writeFileSync(path.join(data, 'mcp.json'), JSON.stringify({ mcpServers: { everything: { command: process.execPath, args: [EVERYTHING_SERVER, 'stdio'] } } }));
  const code: Record<Row, string> = {
    hello: `console.log('hello');`,
    call: `import { echo } from './servers/everything';\nconsole.log(JSON.stringify(await echo({ message: 'one' })));`,
    hundred: `import { echo } from './servers/everything';\nfor (let i = 0; i < 100; i++) await echo({ message: 'n' + i });\nconsole.log('done 100');`,
  };
  const printed: Record<Row, string> = { hello: 'hello', call: 'Echo: one', hundred: 'done 100' };
  let client: Client | undefined;
  let transport: StdioClientTransport | undefined;
  const execute = async (row: Row) => {
    const answer = (await client!.callTool({ name: 'execute_code', arguments: { code: code[row], language: 'typescript' } })) as { content: Array<{ text?: string }> };
    const text = answer.content.map((part) => part.text ?? '').join('\n');
    expectPrinted(text, printed[row], 'Skillgraph');
    const runId = /\[run (\S+):/.exec(text)?.[1];
    if (runId && measuring) rowOfRun.set(runId, row);
  };
  return {
    name: 'Skillgraph',
    async start() {
      const started = performance.now();
      // Each run marks its phases into this file (electron/engine/sandbox/run-phases.ts), read after the rounds.
      transport = new StdioClientTransport({ command: process.execPath, args: [BIN, 'mcp', '--graph', graph, '--data', data], stderr: 'ignore', env: { SKILLGRAPH_RUN_PHASES: PHASES_FILE(dir) } });
      client = new Client({ name: 'peers-bench', version: '1' });
      await client.connect(transport);
      await execute('hello');
      return performance.now() - started;
    },
    run: execute,
    pids: () => (transport?.pid ? [transport.pid] : []),
    async stop() {
      await client?.close();
    },
  };
}

/** An MCP client of server-everything in this process, for the peers whose tools are host functions. */
async function everythingClient(): Promise<{ client: Client; pid: number | undefined }> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [EVERYTHING_SERVER, 'stdio'], stderr: 'ignore' });
  const client = new Client({ name: 'peers-bench', version: '1' });
  await client.connect(transport);
  return { client, pid: transport.pid ?? undefined };
}

/**
 * Cloudflare Code Mode as documented: a host Worker runs DynamicWorkerExecutor over a Worker Loader binding, each
 * execution in a fresh dynamic Worker; the tools are host functions that reach server-everything through a service
 * binding back into this process (workerd cannot spawn a stdio server).
 */
function cloudflarePeer(): Peer {
  const code: Record<Row, string> = {
    hello: `async () => { console.log('hello'); }`,
    call: `async () => { console.log(JSON.stringify(await codemode.echo({ message: 'one' }))); }`,
    hundred: `async () => { for (let i = 0; i < 100; i++) await codemode.echo({ message: 'n' + i }); console.log('done 100'); }`,
  };
  const printed: Record<Row, string> = { hello: 'hello', call: 'Echo: one', hundred: 'done 100' };
  let mf: { dispatchFetch(url: string, init: object): Promise<{ text(): Promise<string> }>; dispose(): Promise<void> } | undefined;
  let everything: Awaited<ReturnType<typeof everythingClient>> | undefined;
  let workerd: number[] = [];
  const execute = async (row: Row) => {
    const response = await mf!.dispatchFetch('http://peer/run', { method: 'POST', body: code[row] });
    expectPrinted(await response.text(), printed[row], 'Cloudflare codemode');
  };
  return {
    name: 'Cloudflare codemode',
    async start() {
      const started = performance.now();
      const { Miniflare } = await import('miniflare');
      const host = `import { DynamicWorkerExecutor } from '@cloudflare/codemode';
export default {
  async fetch(request, env) {
    const executor = new DynamicWorkerExecutor({ loader: env.LOADER });
    const call = async (tool, args) => {
      const reply = await env.HOST.fetch('http://host/' + tool, { method: 'POST', body: JSON.stringify(args ?? {}) });
      return reply.json();
    };
    const outcome = await executor.execute(await request.text(), [{ name: 'codemode', fns: { echo: (args) => call('echo', args) } }]);
    return new Response((outcome.logs ?? []).join('\\n') + (outcome.error ? '\\nerror: ' + outcome.error : ''));
  },
};
`;
      const bundled = await build({ stdin: { contents: host, resolveDir: ROOT, sourcefile: 'cf-host.js' }, bundle: true, format: 'esm', platform: 'neutral', write: false, external: ['cloudflare:*'], absWorkingDir: ROOT, logLevel: 'silent', mainFields: ['module', 'main'] });
      everything = await everythingClient();
      const before = new Set(childPids(process.pid));
      const instance = new Miniflare({
        modules: true,
        script: bundled.outputFiles[0].text,
        compatibilityDate: '2026-01-01',
        compatibilityFlags: ['nodejs_compat'],
        workerLoaders: { LOADER: {} },
        serviceBindings: {
          HOST: async (request: Request) => {
            const tool = new URL(request.url).pathname.slice(1);
            const result = await everything!.client.callTool({ name: tool, arguments: (await request.json()) as Record<string, unknown> });
            return new Response(JSON.stringify((result.content as Array<{ text?: string }>).map((part) => part.text ?? '').join('\n')));
          },
        },
      } as ConstructorParameters<typeof Miniflare>[0]);
      mf = instance as unknown as typeof mf;
      await instance.ready;
      workerd = childPids(process.pid).filter((pid) => !before.has(pid));
      await execute('hello');
      return performance.now() - started;
    },
    run: execute,
    pids: () => [...workerd, ...(everything?.pid ? [everything.pid] : [])],
    async stop() {
      await mf?.dispose();
      await everything?.client.close();
    },
  };
}

/** Where the bench keeps a Node >= 22 for the UTCP peer (installed on first use; never on PATH, never a dependency). */
const NODE22_PREFIX = path.join(ROOT, 'node_modules', '.cache', 'skillgraph-bench-node22');

/**
 * A Node >= 22 binary: SKILLGRAPH_NODE22, this Node if it is new enough, else the registry's `node-<os>-<arch>@22`
 * package installed once under node_modules/.cache (not a devDependency: its `node` bin would shadow this Node in
 * every npm script, and better-sqlite3 is built for this one).
 */
function node22(): string {
  if (process.env.SKILLGRAPH_NODE22) return process.env.SKILLGRAPH_NODE22;
  if (Number(process.versions.node.split('.')[0]) >= 22) return process.execPath;
  const pkg = `node-${process.platform}-${process.arch}`;
  const binary = path.join(NODE22_PREFIX, 'node_modules', pkg, 'bin', 'node');
  if (fs.existsSync(binary)) return binary;
  console.log(`UTCP code-mode needs Node >= 22 (isolated-vm 6): installing ${pkg}@22 under ${path.relative(ROOT, NODE22_PREFIX)} (once)`);
  fs.mkdirSync(NODE22_PREFIX, { recursive: true });
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const installed = spawnSync(npm, ['install', '--prefix', NODE22_PREFIX, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', `${pkg}@22`], { encoding: 'utf8' });
  if (installed.status !== 0 || !fs.existsSync(binary)) throw new Error(`could not install ${pkg}@22 from the npm registry: ${(installed.stderr || installed.error?.message || '').trim().split('\n').pop()}`);
  return binary;
}

/**
 * UTCP code-mode as documented: CodeModeUtcpClient with @utcp/mcp's stdio template for server-everything, code run in
 * an isolated-vm isolate per callToolChain. isolated-vm 6 loads only in Node >= 22, so the client lives in a child
 * process (bench/utcp-peer.mjs) under such a Node, driven by JSON lines; its tool calls are synchronous in the isolate.
 */
function utcpPeer(): Peer {
  const code: Record<Row, string> = {
    hello: `console.log('hello');`,
    call: `console.log(JSON.stringify(everything.everything_echo({ message: 'one' })));`,
    hundred: `for (let i = 0; i < 100; i++) everything.everything_echo({ message: 'n' + i });\nconsole.log('done 100');`,
  };
  const printed: Record<Row, string> = { hello: 'hello', call: 'Echo: one', hundred: 'done 100' };
  let child: ReturnType<typeof spawn> | undefined;
  const waiting: Array<(line: string) => void> = [];
  let ended = '';
  const nextLine = () =>
    new Promise<string>((resolve, reject) => {
      if (ended) return reject(new Error(ended));
      waiting.push(resolve);
    });
  const execute = async (row: Row) => {
    child!.stdin!.write(JSON.stringify({ code: code[row] }) + '\n');
    const answer = JSON.parse(await nextLine()) as { logs?: string[]; error?: string };
    expectPrinted((answer.logs ?? []).join('\n') + (answer.error ?? ''), printed[row], 'UTCP code-mode');
  };
  return {
    name: 'UTCP code-mode',
    async start() {
      const node = node22();
      const started = performance.now();
      child = spawn(node, ['--no-node-snapshot', path.join(ROOT, 'bench', 'utcp-peer.mjs'), EVERYTHING_SERVER], {
        cwd: ROOT,
        env: { ...process.env, SKILLGRAPH_BENCH_NODE: process.execPath },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr!.setEncoding('utf8');
      child.stderr!.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-2000)));
      let partial = '';
      child.stdout!.setEncoding('utf8');
      child.stdout!.on('data', (chunk: string) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop()!;
        for (const line of lines) if (line.startsWith('{')) waiting.shift()?.(line);
      });
      child.once('exit', (exitCode) => {
        ended = `the UTCP peer exited (code ${exitCode}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`;
        for (const resolve of waiting.splice(0)) resolve(JSON.stringify({ error: ended }));
      });
      const ready = JSON.parse(await nextLine()) as { ready?: number; error?: string };
      if (ready.error) throw new Error(ready.error);
      await execute('hello');
      return performance.now() - started;
    },
    run: execute,
    pids: () => (child?.pid ? [child.pid] : []),
    async stop() {
      if (!child || child.exitCode !== null) return;
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.stdin!.end();
      await exited;
    },
  };
}

function childPids(pid: number): number[] {
  const found: number[] = [];
  try {
    for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
      for (const child of fs.readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)) found.push(Number(child));
    }
  } catch {
    // gone
  }
  return found;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

async function main(): Promise<void> {
  spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs'), '--quiet'], { stdio: 'inherit', cwd: ROOT });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-peers-'));
  // PEERS=cloudflare,utcp runs only those peers beside Skillgraph (PEERS=none: Skillgraph alone, for its phases).
  const only = process.env.PEERS?.toLowerCase().split(',');
  const peers = [skillgraphPeer(dir), ...[cloudflarePeer(), utcpPeer()].filter((peer) => !only || only.some((name) => peer.name.toLowerCase().startsWith(name)))];
  const running: Peer[] = [];
  const cold = new Map<string, number>();
  const peak = new Map<string, number>();
  const samples = new Map<string, Record<Row, number[]>>();
  const poll = setInterval(() => {
    for (const peer of running) peak.set(peer.name, Math.max(peak.get(peer.name) ?? 0, peer.pids().reduce((sum, pid) => sum + treeRss(pid), 0)));
  }, 20);
  try {
    for (const peer of peers) {
      try {
        cold.set(peer.name, await peer.start());
        running.push(peer);
        samples.set(peer.name, { hello: [], call: [], hundred: [] });
      } catch (error) {
        console.log(`${peer.name}: cannot run here: ${(error as Error).message}`);
        // It never started: whatever it left is reported by its own start error above.
        await peer.stop().catch((stopError: unknown) => console.error(`${peer.name} did not stop cleanly: ${(stopError as Error).message}`));
      }
    }
    for (let round = -WARMUPS; round < ROUNDS; round++) {
      for (const row of Object.keys(ROWS) as Row[]) {
        for (const peer of running) {
          const started = performance.now();
          measuring = round >= 0;
          await peer.run(row);
          if (round >= 0) samples.get(peer.name)![row].push(performance.now() - started);
        }
      }
    }
  } finally {
    clearInterval(poll);
    for (const peer of running) await peer.stop().catch((error: unknown) => console.error(`${peer.name} did not stop cleanly: ${(error as Error).message}`));
    printPhases(PHASES_FILE(dir));
    fs.rmSync(dir, { recursive: true, force: true });
  }

  const [ours, ...others] = running;
  if (!ours || ours.name !== 'Skillgraph') throw new Error('Skillgraph itself did not run');
  console.log(`\n${ROUNDS} interleaved rounds after ${WARMUPS} warm-ups; median / p95 ms; ratio = Skillgraph median / peer median (≤ 1.0: Skillgraph ahead)\n`);
  const header = ['row'.padEnd(36), ...running.map((peer) => peer.name.padStart(22)), ...others.map((peer) => `ratio vs ${peer.name}`.padStart(30))];
  console.log(header.join(' '));
  const line = (label: string, value: (peer: Peer) => number, format: (v: number, peer: Peer) => string) =>
    console.log([label.padEnd(36), ...running.map((peer) => format(value(peer), peer).padStart(22)), ...others.map((peer) => (value(ours) / value(peer)).toFixed(2).padStart(30))].join(' '));
  for (const row of Object.keys(ROWS) as Row[]) {
    const values = (peer: Peer) => samples.get(peer.name)![row];
    line(ROWS[row], (peer) => percentile(values(peer), 50), (median, peer) => `${median.toFixed(1)} / ${percentile(values(peer), 95).toFixed(1)}`);
  }
  line('cold: spawn → first successful run', (peer) => cold.get(peer.name)!, (ms) => `${ms.toFixed(0)} ms`);
  line('peak RSS, process tree', (peer) => peak.get(peer.name) ?? 0, (bytes) => `${(bytes / 1048576).toFixed(0)} MB`);
}

await main();
