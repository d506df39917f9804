// Hostile code against the host code around the sandbox (issue #13): links planted for the host to write through, a
// bridge flooded without newlines, memory and time limits, a full disk, a workspace quota, unanswered approvals, the
// warm pool, TMPDIR and cgroup folders. Each case asserts the outcome: the victim untouched, memory bounded, the
// process alive, the run ended with a sentence saying why. Real sandbox, real servers, real files.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../engine';
import { gatewayForEngine } from '../gateway';
import { ApprovalQueue } from '../gateway/approvals';
import { ContextLedgerBook } from '../gateway/ledger';
import { GatewayRunHooks } from '../gateway/run-hooks';
import { cageRoots } from './cage';
import { LocalSandboxBackend } from './local-backend';
import { RunManager } from './runs';
import { createSandboxFixture, EVERYTHING_SERVER, type SandboxFixture } from './test-fixture';
import { until } from '../test-fixtures';

let fixture: SandboxFixture;
let runs: RunManager;
let victimDir: string;
let victimFile: string;
const VICTIM_TEXT = 'the user file nobody may touch\n';
// A dead process's cgroup folder, as a crashed Skillgraph leaves it (removed when this process first makes a cage).
const deadPid = 4_000_000 + (process.pid % 100_000);
const ownPidsCgroup = /(?:^|\n)\d+:pids:([^\n]*)/.exec(fs.readFileSync('/proc/self/cgroup', 'utf8'))?.[1] ?? '/';
const leftover = path.join('/sys/fs/cgroup/pids', ownPidsCgroup, `skillgraph-${deadPid}`);

/** The run cgroups under one of our cgroup folders (the rest are the kernel's control files). */
function runCagesIn(root: string): string[] {
  return fs.existsSync(root) ? fs.readdirSync(root).filter((name) => name.startsWith('run-')) : [];
}

function victimUntouched(): void {
  expect(fs.readFileSync(victimFile, 'utf8')).toBe(VICTIM_TEXT);
  expect(fs.readdirSync(victimDir).sort()).toEqual(['victim.txt']);
}

beforeAll(async () => {
  victimDir = fs.mkdtempSync(path.join(tmpdir(), 'sg-victim-'));
  victimFile = path.join(victimDir, 'victim.txt');
  fs.writeFileSync(victimFile, VICTIM_TEXT);
  try {
    fs.mkdirSync(path.join(leftover, 'run-left-behind'), { recursive: true });
  } catch {
    // no writable cgroups here: the cgroup case checks that first
  }
  fixture = await createSandboxFixture();
  runs = new RunManager({
    dataDir: fixture.dataDir,
    apiDir: fixture.apiDir,
    tools: fixture.tools,
    backend: 'local',
    limits: { timeoutMs: 20_000, memoryMb: 256, maxProcesses: 64, bridgeFrameBytes: 4 * 1024 * 1024, bridgeInFlightBytes: 8 * 1024 * 1024 },
  });
}, 60_000);

afterAll(async () => {
  await runs?.dispose();
  await fixture?.cleanup();
  fs.rmSync(victimDir, { recursive: true, force: true });
});

describe('links planted in the workspace never lead the host out of it', () => {
  let engine: Engine;
  let root: string;
  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(tmpdir(), 'sg-hostile-gw-'));
    fs.mkdirSync(path.join(root, 'data'));
    fs.writeFileSync(path.join(root, 'data', 'mcp.json'), JSON.stringify({ mcpServers: { everything: { command: process.execPath, args: [EVERYTHING_SERVER, 'stdio'] } } }));
    engine = await Engine.open({ data: path.join(root, 'data'), host: 'cli' });
  }, 60_000);
  afterAll(async () => {
    await engine?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('a long output never writes through .logs -> victim folder, .logs/<id>.log -> victim file, or a FIFO', async () => {
    const gateway = gatewayForEngine(engine);
    // The run id is the staging file's name, which the code can see: the attack of issue #13 item 1.
    const plant = `
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
const id = path.basename(new URL(import.meta.url).pathname).replace(/\\.m?js$/, '');
const mode = ${'${MODE}'};
if (mode === 'dir') fs.symlinkSync(${JSON.stringify(victimDir)}, '.logs');
if (mode === 'file') { fs.mkdirSync('.logs', { recursive: true }); fs.symlinkSync(${JSON.stringify(victimFile)}, '.logs/' + id + '.log'); }
if (mode === 'fifo') { fs.mkdirSync('.logs', { recursive: true }); execFileSync('mkfifo', ['.logs/' + id + '.log']); fs.symlinkSync('/', 'root-link'); }
console.log('x'.repeat(20_000));
`;
    for (const mode of ['dir', 'file', 'fifo']) {
      const answer = await gateway.executeCode({ code: plant.replace('${MODE}', JSON.stringify(mode)), language: 'javascript', session: `plant-${mode}` });
      expect(answer.status).toBe('succeeded');
      victimUntouched();
      // The full log is handed over from a folder the sandbox can read and not write.
      const shared = /the full log is at (\S+) \(read-only\)/.exec(answer.text)?.[1];
      expect(shared, answer.text).toBeDefined();
      expect(shared!.startsWith(path.join(engine.dataDir, 'sessions', `plant-${mode}`, '.staging', 'logs'))).toBe(true);
      expect(fs.readFileSync(shared!, 'utf8')).toContain('x'.repeat(20_000));
    }
    // Later code reads the shared log but cannot replace it.
    const shared = /the full log is at (\S+) \(read-only\)/.exec((await gateway.executeCode({ code: `console.log('y'.repeat(9_000));`, language: 'javascript', session: 'plant-file' })).text)![1];
    const reader = await gateway.executeCode({
      code: `import fs from 'node:fs';\nconsole.log('read', fs.readFileSync(${JSON.stringify(shared)}, 'utf8').length);\ntry { fs.writeFileSync(${JSON.stringify(shared)}, 'forged'); console.log('WROTE'); } catch (e) { console.log('denied', e.code); }`,
      language: 'javascript',
      session: 'plant-file',
    });
    expect(reader.text).toContain('read 9001');
    expect(reader.text).toMatch(/denied E(ROFS|ACCES|PERM)/);
    expect(fs.readFileSync(shared, 'utf8')).toContain('y'.repeat(9_000));
    // Listing the workspace follows no link and opens no FIFO; clearing it removes the links, not their targets.
    const listed = engine.runs.listWorkspaceFiles('plant-fifo').map((f) => f.path);
    expect(listed).toEqual([]);
    engine.runs.clearSession('plant-dir');
    engine.runs.clearSession('plant-fifo');
    victimUntouched();
  }, 120_000);
});

describe('the bridge', () => {
  it('a flood of newline-less data on the bridge descriptor ends the run; host memory stays bounded', async () => {
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const code = `import fs from 'node:fs';\nconst chunk = Buffer.alloc(16 * 1024 * 1024, 97);\nfor (let i = 0; i < 64; i++) fs.writeSync(Number(process.env.SKILLGRAPH_BRIDGE_FD), chunk);\nconsole.log('FLOODED 1 GB');`;
    const result = await runs.start({ code, language: 'javascript', origin: 'app' }).done;
    clearInterval(sampler);
    expect(result.status).toBe('killed');
    expect(result.stdout).not.toContain('FLOODED');
    expect(result.notice).toContain('bridge frame longer than 4 MB');
    // 1 GB was offered; the host kept at most one frame's worth (plus what a socket buffers) at a time.
    expect(peak - before).toBeLessThan(200 * 1024 * 1024);
    const after = await runs.start({ code: `import { echo } from './servers/everything'; console.log(await echo({ message: 'alive' }));`, language: 'typescript', origin: 'app' }).done;
    expect(after.stdout).toContain('alive');
  }, 60_000);
});

describe('the bridge, calls in flight', () => {
  it('calls sent faster than servers answer end the run once their arguments pass the in-flight limit', async () => {
    const code = `import { callMCPTool } from './servers/_bridge';\nconst pad = 'p'.repeat(1024 * 1024);\nconst calls = Array.from({ length: 20 }, () => callMCPTool('everything', 'trigger-long-running-operation', { duration: 10, steps: 1, pad }).catch((e) => e.message));\nconsole.log('sent');\nconsole.log(await Promise.all(calls));\nconsole.log('NOT STOPPED');`;
    const result = await runs.start({ code, language: 'typescript', origin: 'app', skipTypeCheck: true }).done;
    expect(result.status).toBe('killed');
    expect(result.stdout).not.toContain('NOT STOPPED');
    expect(result.notice).toContain('tool calls in flight held more than 8 MB');
  }, 60_000);
});

describe('large results and the ledger', () => {
  it('a 30 MB tool result without spaces is delivered, counted, and the run ends', async () => {
    const ledger = new ContextLedgerBook(fixture.dataDir);
    const counted = new RunManager({ dataDir: fixture.dataDir, apiDir: fixture.apiDir, tools: fixture.tools, backend: 'local', onResult: ledger.onResult, limits: { timeoutMs: 30_000 } });
    try {
      const file = path.join(fixture.sharedDir, 'nospace.txt');
      const bytes = Buffer.alloc(30 * 1024 * 1024);
      for (let i = 0; i < bytes.length; i++) bytes[i] = 97 + ((i * 7919 + (i >> 9)) % 26);
      fs.writeFileSync(file, bytes);
      const code = `import { readTextFile } from './servers/filesystem';\nconst { content } = await readTextFile({ path: ${JSON.stringify(file)} });\nconsole.log('length', content.length);`;
      const handle = counted.start({ code, language: 'typescript', origin: 'app' });
      const entry = await ledger.observe(handle, code);
      const result = await handle.done;
      expect(result.status).toBe('succeeded');
      expect(result.stdout).toBe(`length ${30 * 1024 * 1024}\n`);
      // o200k on random letters: about 1.9 characters per token (estimated from samples at this size)
      expect(entry.ledger.toolResultTokens).toBeGreaterThan((30 * 1024 * 1024) / 4);
      expect(entry.ledger.toolResultTokens).toBeLessThan((30 * 1024 * 1024) / 1.2);
      expect(counted.list().find((run) => run.id === result.id)?.status).toBe('succeeded');
    } finally {
      await counted.dispose();
    }
  }, 90_000);
});

describe('memory, temporary files and cgroups', () => {
  it('a heap bomb ends with a notice naming the one memory limit, which is what the cgroup enforces', async () => {
    const handle = runs.start({ code: `console.log('started');\nconst keep = [];\nfor (;;) keep.push(new Array(1e6).fill(7));`, language: 'javascript', origin: 'app' });
    let enforced: number[] = [];
    handle.once('stdout', () => {
      enforced = cageRoots()
        .filter((root) => root.includes('/memory/'))
        .flatMap((root) => runCagesIn(root).map((run) => Number(fs.readFileSync(path.join(root, run, 'memory.limit_in_bytes'), 'utf8'))));
    });
    const result = await handle.done;
    expect(result.status).toBe('failed');
    expect(result.notice).toContain('memory limit (256 MB)');
    if (cageRoots().length > 0) {
      expect(enforced.length).toBeGreaterThan(0);
      for (const bytes of enforced) expect(bytes).toBe(256 * 1024 * 1024);
    }
  }, 60_000);

  it('os.tmpdir() and TMPDIR are a real writable folder of the run, in TypeScript and Python, removed once the run is recorded', async () => {
    const nodeRun = runs.start({ code: `import fs from 'node:fs';\nimport os from 'node:os';\nfs.writeFileSync(os.tmpdir() + '/scratch.txt', 'ok');\nconsole.log(os.tmpdir(), process.env.TMPDIR === os.tmpdir(), fs.readFileSync(os.tmpdir() + '/scratch.txt', 'utf8'));`, language: 'typescript', origin: 'app' });
    const node = await nodeRun.done;
    expect(node.stdout).toMatch(/ true ok\n$/);
    const pythonRun = runs.start({ code: `import tempfile, os\nwith tempfile.NamedTemporaryFile(delete=False) as f:\n    f.write(b"ok")\nprint(tempfile.gettempdir(), os.path.getsize(f.name))`, language: 'python', origin: 'app' });
    const python = await pythonRun.done;
    expect(python.stdout).toMatch(/ 2\n$/);
    // The runner's teardown ends after the answer, before the run counts as recorded.
    await Promise.all([nodeRun.recorded, pythonRun.recorded]);
    for (const result of [node, python]) {
      const dir = result.stdout.split(' ')[0];
      expect(path.isAbsolute(dir)).toBe(true);
      expect(fs.existsSync(dir)).toBe(false);
    }
    expect(node.stdout.split(' ')[0]).not.toBe(python.stdout.split(' ')[0]);
  }, 60_000);

  it('cgroup folders are removed: a dead process leftover at once, a run at its end, ours at dispose', async () => {
    if (cageRoots().length === 0) return void expect(fs.existsSync('/sys/fs/cgroup/pids/cgroup.procs')).toBe(false);
    expect(fs.existsSync(leftover)).toBe(false);
    const backend = new LocalSandboxBackend({ spares: { node: 1 } });
    const own = new RunManager({ dataDir: fixture.dataDir, apiDir: fixture.apiDir, tools: fixture.tools, backend: 'local', backends: { local: backend } });
    const runCages = (): string[] => cageRoots().flatMap(runCagesIn);
    for (let i = 0; i < 3; i++) expect((await own.start({ code: `console.log(${i})`, language: 'javascript', origin: 'app' }).done).status).toBe('succeeded');
    await own.dispose();
    // Left: only the cages of the spares `runs` (the suite's other manager) keeps; none of the three runs nor own's spares.
    const kept = runCages().length;
    const hierarchies = cageRoots().length;
    await runs.dispose();
    expect(runCages()).toEqual([]);
    // DEFAULT_SPARES: two node runners and one python runner, each with a cgroup per hierarchy (pids, memory).
    expect(kept).toBeLessThanOrEqual(3 * hierarchies);
    expect(cageRoots().filter((root) => fs.existsSync(root))).toEqual([]);
    // The suite goes on with a fresh manager.
    runs = new RunManager({ dataDir: fixture.dataDir, apiDir: fixture.apiDir, tools: fixture.tools, backend: 'local', limits: { timeoutMs: 20_000, memoryMb: 256, maxProcesses: 64 } });
  }, 60_000);
});

describe('the warm pool', () => {
  it('keeps spares for a bounded number of workspaces and ends them when idle', async () => {
    const backend = new LocalSandboxBackend({ spares: { node: 1 }, maxWarmWorkspaces: 2, idleMs: 1_500 });
    const pool = new RunManager({ dataDir: fixture.dataDir, apiDir: fixture.apiDir, tools: fixture.tools, backend: 'local', backends: { local: backend } });
    try {
      for (const session of ['s1', 's2', 's3', 's4', 's5']) await pool.warmUp(session, ['javascript']);
      expect(backend.sparesKept).toBe(2);
      const started = backend.runnersStarted;
      // The most recent workspace is still warm: its run takes a spare and starts one replacement.
      const warm = pool.start({ code: `console.log('warm')`, language: 'javascript', origin: 'app', session: 's5' });
      expect((await warm.done).stdout).toBe('warm\n');
      await warm.recorded; // the replacement starts with the run's teardown
      expect(backend.runnersStarted).toBe(started + 1);
      await until('the idle spare runners to be let go', () => backend.sparesKept === 0);
    } finally {
      await pool.dispose();
    }
  }, 60_000);
});

describe('approvals', () => {
  it('an unanswered approval waits past the run time limit, expires, and the run says so', async () => {
    const approvals = new ApprovalQueue(fixture.dataDir);
    const hooks = new GatewayRunHooks({ approvals, settings: () => ({ requireApproval: true, writeTools: [] }), toolDocs: () => [], approvalTimeoutMs: 2_500 });
    const gated = new RunManager({ dataDir: fixture.dataDir, apiDir: fixture.apiDir, tools: fixture.tools, backend: 'local', limits: { timeoutMs: 1_500 }, interceptCall: hooks.interceptCall });
    try {
      const code = `import { echo } from './servers/everything';\ntry { console.log(await echo({ message: 'hi' })); } catch (e) { console.log('refused:', (e as Error).message); }`;
      const expired = gated.start({ code, language: 'typescript', origin: 'gateway', session: 'approve' });
      hooks.track(expired.id, 'approve', false);
      const result = await expired.done;
      hooks.untrack(expired.id);
      expect(result.status).toBe('succeeded'); // not 'timeout': the 1.5 s limit stood still while the approval waited 2.5 s
      expect(result.stdout).toContain('refused: call refused: nobody approved everything/echo within 3 s');
      expect(result.notice).toMatch(/everything\/echo waited \d+ s for approval and was refused: nobody approved/);

      const allowed = gated.start({ code, language: 'typescript', origin: 'gateway', session: 'approve' });
      hooks.track(allowed.id, 'approve', false);
      approvals.decide((await until('the approval request', () => approvals.list()[0])).id, true);
      const done = await allowed.done;
      hooks.untrack(allowed.id);
      expect(done.stdout).toContain('Echo: hi');
      expect(done.notice).toMatch(/everything\/echo waited \d+ s for approval and was allowed/);
    } finally {
      await gated.dispose();
      approvals.close();
    }
  }, 60_000);
});

// Mounting a small tmpfs needs root (CAP_SYS_ADMIN); without it the full-disk case says why it did not run.
let fullDisk: string;
let mountProblem: string | undefined;

describe('disk', () => {
  beforeAll(() => {
    fullDisk = fs.mkdtempSync(path.join(tmpdir(), 'sg-fulldisk-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', fullDisk], { stdio: 'pipe' });
    } catch (error) {
      mountProblem = `cannot mount a 3 MB tmpfs here (${(error as Error).message.split('\n')[0]})`;
    }
  });
  afterAll(() => {
    if (!mountProblem) execFileSync('umount', ['-l', fullDisk]);
    fs.rmSync(fullDisk, { recursive: true, force: true });
  });

  it('a full disk ends the run with a sentence, leaves no run "running" and the process up', async (context) => {
    if (mountProblem) context.skip(mountProblem);
    const onFull = new RunManager({ dataDir: path.join(fullDisk, 'data'), apiDir: fixture.apiDir, tools: fixture.tools, backend: 'local', limits: { timeoutMs: 20_000 } });
    try {
      const filling = await onFull.start({ code: `const line = 'z'.repeat(1000);\nfor (let i = 0; i < 8000; i++) console.log(line);\nawait new Promise((r) => setTimeout(r, 15_000));`, language: 'javascript', origin: 'app' }).done;
      expect(filling.status).toBe('killed');
      expect(filling.notice).toContain(`the disk holding ${path.join(fullDisk, 'data', 'runs')} is full`);
      // Nothing left free: the next run fails at once with the same sentence, and no record says "running".
      const next = await onFull.start({ code: `console.log('hi')`, language: 'javascript', origin: 'app' }).done;
      expect(next.status).toBe('failed');
      expect(next.stderr + (next.notice ?? '')).toMatch(/the disk holding .* is full/);
      expect(onFull.list().filter((run) => ['queued', 'checking', 'running'].includes(run.status))).toEqual([]);
    } finally {
      await onFull.dispose();
    }
  }, 90_000);

  it('a workspace over its quota stops the run that fills it, and refuses the next one', async () => {
    const quota = new RunManager({ dataDir: fixture.dataDir, apiDir: fixture.apiDir, tools: fixture.tools, backend: 'local', limits: { timeoutMs: 30_000, workspaceQuotaBytes: 1024 * 1024 } });
    try {
      const code = `import fs from 'node:fs';\nfs.writeFileSync('big.bin', Buffer.alloc(3 * 1024 * 1024, 1));\nconsole.log('written');\nawait new Promise((r) => setTimeout(r, 25_000));\nconsole.log('NOT STOPPED');`;
      const filled = await quota.start({ code, language: 'javascript', origin: 'app', session: 'quota' }).done;
      expect(filled.status).toBe('killed');
      expect(filled.stdout).not.toContain('NOT STOPPED');
      expect(filled.notice).toContain('the workspace of session "quota" holds more than its quota of 1 MB');
      const refused = await quota.start({ code: `console.log('hi')`, language: 'javascript', origin: 'app', session: 'quota' }).done;
      expect(refused.status).toBe('failed');
      expect(refused.stderr).toContain('nothing was run');
      quota.clearSession('quota');
      expect((await quota.start({ code: `console.log('hi')`, language: 'javascript', origin: 'app', session: 'quota' }).done).stdout).toBe('hi\n');
    } finally {
      await quota.dispose();
    }
  }, 60_000);
});
