// Local sandbox backend: @anthropic-ai/sandbox-runtime (bubblewrap + socat on Linux, Seatbelt on macOS), initialised
// once per process and reused; runners pre-spawned per workspace so a run starts without process start-up.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import type { Socket } from 'node:net';
import { sandboxRuntime } from '../heavy-modules';
import { LineSplitter } from './bridge';
import { localSandboxDependencyErrors } from './local-dependencies';
import { createRunCage, removeCageRoots, type RunCage } from './cage';
import { runtimeSource } from '../runtime/sources';
import { packagedSandboxConfig } from '../asar';
import { nodeChildEnv } from '../node-runtime';
import { SandboxError, type SandboxBackend, type SandboxExecRequest, type SandboxExecResult, type SandboxLimits, type SandboxRuntime } from './types';

export interface LocalSandboxOptions {
  /** Folders the sandbox must never read (the app's data folder, the graph); the home folder is always hidden. */
  privatePaths?: string[];
  /** Python 3 interpreter; found on PATH when omitted. */
  python?: string;
  /** Node used inside the sandbox; this process's own by default. */
  node?: string;
  /** Runners kept started ahead per runtime and workspace; DEFAULT_SPARES when omitted. */
  spares?: Partial<Record<SandboxRuntime, number>>;
  /** Workspaces (with runtime and rules) that keep spares at once; the least recently used lose theirs first. */
  maxWarmWorkspaces?: number;
  /** A workspace's spares end after this long without a run. */
  idleMs?: number;
}

/** Each session keeps spares only while it is among the few most recent, and only for a while (issue #13 item 7). */
export const DEFAULT_MAX_WARM_WORKSPACES = 4;
export const DEFAULT_SPARE_IDLE_MS = 5 * 60_000;

/**
 * Two node spares because TypeScript and JavaScript share the node runner: a runner needs 200-400 ms to be ready,
 * longer than the gap between back-to-back runs, so with one spare the second of two node runs waited for it (js p50
 * ~105 ms instead of ~45 ms back to back). An idle spare costs ~17 MB PSS for node (~57 MB RSS, mostly shared with
 * this process) and ~23 MB for python; the price back to back is a replacement booting beside the next run (python
 * p50 ~30 -> ~47 ms). bench/sandbox.bench.ts prints both configurations and the memory.
 */
export const DEFAULT_SPARES: Record<SandboxRuntime, number> = { node: 2, python: 1 };

interface RunnerContext {
  runtime: SandboxRuntime;
  apiDir: string;
  workspaceDir: string;
  stagingDir: string;
  limits: SandboxLimits;
  allowedDomains: string[];
}

interface Runner {
  child: ChildProcess;
  bridgeSocket: Socket;
  controlSocket: Socket;
  cage: RunCage | undefined;
  /** The run's TMPDIR (writable inside the sandbox), removed with the runner. */
  tmpDir: string;
  /** Set once a run drives it: from then on the run cleans up after it. */
  taken: boolean;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves true once the runner has started and waits for its entry, false if it ended before that. */
  ready: Promise<boolean>;
  /** Set when `ready` resolves true. */
  isReady: boolean;
  alive: boolean;
}

/** A pooled runner, possibly still starting. */
interface Spare {
  runner: Promise<Runner | undefined>;
  settled?: Runner;
  failed?: boolean;
}

interface PythonInstall {
  executable: string;
  prefixes: string[];
}

// The sandbox runtime is one per process (its proxies and socat bridges are module state), shared by every backend
// here: each backend holds it while initialised, and the last one to dispose tears it down so nothing keeps Node alive.
let sandboxInit: Promise<void> | undefined;
let sandboxDomains = '';
let sandboxHolders = 0;
let sandboxTeardown: Promise<void> = Promise.resolve();

function ensureSandboxManager(allowedDomains: string[]): Promise<void> {
  const key = JSON.stringify([...allowedDomains].sort());
  sandboxInit ??= sandboxTeardown.then(async () => {
    const { SandboxManager } = await sandboxRuntime();
    const deps = await SandboxManager.checkDependenciesAsync();
    if (deps.errors.length > 0) {
      throw new SandboxError('backend-unavailable', `the local sandbox cannot start: ${deps.errors.join(', ')} (install bubblewrap, socat and ripgrep)`);
    }
    await SandboxManager.initialize({
      ...packagedSandboxConfig(),
      network: { allowedDomains, deniedDomains: [] },
      filesystem: { denyRead: ['~'], allowWrite: [], denyWrite: [] },
    });
    sandboxDomains = key;
  });
  const init = sandboxInit;
  // A failed start is not cached: the next run tries again (and reports the reason again).
  init.catch(() => {
    if (sandboxInit === init) sandboxInit = undefined;
  });
  return init.then(sandboxRuntime).then(({ SandboxManager }) => {
    if (key === sandboxDomains) return;
    // The proxy consults the allow-list per request, so a change applies to every later connection.
    const config = SandboxManager.getConfig();
    if (config) SandboxManager.updateConfig({ ...config, network: { ...config.network, allowedDomains } });
    sandboxDomains = key;
  });
}

async function releaseSandboxManager(): Promise<void> {
  sandboxHolders--;
  if (sandboxHolders > 0) return;
  const init = sandboxInit;
  sandboxInit = undefined;
  sandboxDomains = '';
  sandboxTeardown = (async () => {
    await init?.catch(() => undefined); // a failed start was reported to the runs that awaited it; teardown resets either way
    if (init) await (await sandboxRuntime()).SandboxManager.reset();
    removeCageRoots(); // every runner is gone: nothing of ours stays under /sys/fs/cgroup
  })();
  await sandboxTeardown;
}

function findPython(command: string): Promise<PythonInstall> {
  return new Promise((resolve, reject) => {
    execFile(command, ['-c', 'import sys, json; print(json.dumps([sys.executable, sys.prefix, sys.base_prefix]))'], (error, stdout) => {
      if (error) {
        reject(new SandboxError('backend-unavailable', `Python 3 was not found (${command}): install python3 or set the interpreter in settings`));
        return;
      }
      const [executable, prefix, basePrefix] = JSON.parse(stdout) as string[];
      resolve({ executable, prefixes: [...new Set([prefix, basePrefix])] });
    });
  });
}

export class LocalSandboxBackend implements SandboxBackend {
  readonly name = 'local' as const;
  private readonly runtimeDir = path.join(tmpdir(), `skillgraph-sandbox-${process.pid}-${randomUUID().slice(0, 8)}`);
  private python: Promise<PythonInstall> | undefined;
  private readonly compiling = new Map<string, Promise<void>>();
  private bytecodeProblem: string | undefined;
  /** Spares per context, least recently used first (Map order). */
  private readonly pool = new Map<string, Spare[]>();
  private readonly idleTimers = new Map<string, NodeJS.Timeout>();
  /** The sandbox command per context, as made for one runner's TMPDIR (see sandboxArgv). */
  private readonly sandboxCommands = new Map<string, { argv: string[]; tmpDir: string }>();
  private sandboxCommandsMade = 0;
  private runtimeFilesWritten = false;
  private readonly live = new Set<Runner>();
  private readonly spawning = new Set<Promise<Runner>>();
  /** Teardowns of runners whose run has its result, until done (retire). */
  private readonly retiring = new Set<() => Promise<void>>();
  private holdsSandbox = false;
  private started = 0;
  private waitedForRunner = 0;
  private endedByReport = 0;
  private disposed = false;
  private availability: Promise<{ ok: boolean; reason?: string }> | undefined;

  constructor(private readonly options: LocalSandboxOptions = {}) {}

  /**
   * Whether bubblewrap, socat and ripgrep (or Seatbelt) are here. Looking costs 30-50 ms of child processes, so a
   * positive answer is kept for the process (every run asks); a negative one is not: installing them fixes the next run.
   */
  available(): Promise<{ ok: boolean; reason?: string }> {
    if (this.availability) return this.availability;
    const probe = this.probeAvailability();
    this.availability = probe;
    void probe.then(
      (answer) => {
        if (!answer.ok && this.availability === probe) this.availability = undefined;
      },
      () => {
        if (this.availability === probe) this.availability = undefined;
      },
    );
    return probe;
  }

  private async probeAvailability(): Promise<{ ok: boolean; reason?: string }> {
    // Without loading the runtime (local-dependencies.ts): `status` asks this and runs nothing.
    const deps = await localSandboxDependencyErrors();
    if (!deps.supported) return { ok: false, reason: `the local sandbox does not support ${process.platform}` };
    if (deps.errors.length > 0) return { ok: false, reason: `missing: ${deps.errors.join(', ')}` };
    return { ok: true };
  }

  async initialize(allowedDomains: string[] = []): Promise<void> {
    if (this.disposed) throw new SandboxError('backend-unavailable', 'the local sandbox was closed');
    if (!this.holdsSandbox) {
      this.holdsSandbox = true;
      sandboxHolders++;
    }
    await ensureSandboxManager(allowedDomains);
    if (this.runtimeFilesWritten) return;
    mkdirSync(this.runtimeDir, { recursive: true });
    writeFileSync(path.join(this.runtimeDir, 'runner.mjs'), runtimeSource('runner.mjs'));
    writeFileSync(path.join(this.runtimeDir, 'runner.py'), runtimeSource('runner.py'));
    writeFileSync(path.join(this.runtimeDir, 'compile_api.py'), runtimeSource('compile_api.py'));
    this.runtimeFilesWritten = true;
  }

  /** Runners started so far, ahead of runs or for them (diagnostics: shows whether runs found one ready). */
  get runnersStarted(): number {
    return this.started;
  }

  /** Runs whose runner reported its exit code, so its teardown was cut short (diagnostics and tests). */
  get runsEndedByReport(): number {
    return this.endedByReport;
  }

  /** Runs whose runner was still starting when they took it (diagnostics: back-to-back runs outpacing the spares). */
  get runsThatWaited(): number {
    return this.waitedForRunner;
  }

  /**
   * Keeps runners started ahead for this context (DEFAULT_SPARES per runtime); resolves when all of them are ready
   * (true) or none could start (false). Each run takes one and starts its replacement, so the next runs find one ready.
   */
  warm(runtime: SandboxRuntime, apiDir: string, workspaceDir: string, stagingDir: string, limits: SandboxLimits, allowedDomains: string[]): Promise<boolean> {
    return this.keepSpare({ runtime, apiDir, workspaceDir, stagingDir, limits, allowedDomains });
  }

  async execute(req: SandboxExecRequest): Promise<SandboxExecResult> {
    const context: RunnerContext = {
      runtime: req.runtime,
      apiDir: req.apiDir,
      workspaceDir: req.workspaceDir,
      stagingDir: req.stagingDir,
      limits: req.limits,
      allowedDomains: req.allowedDomains,
    };
    const entry = path.join(req.stagingDir, `${req.runId}.${req.runtime === 'node' ? 'mjs' : 'py'}`);
    mkdirSync(req.stagingDir, { recursive: true });
    writeFileSync(entry, req.code);
    req.mark?.('entry staged');
    let replaced = false;
    // The replacement boots while this run executes once it has run for a while, or else after its answer: starting
    // one holds this thread for 5-15 ms (the cgroup, and spawn() forking this large process), which in a short run
    // landed between its output and its end (SKILLGRAPH_RUN_PHASES: first output -> exit reported).
    const replaceSpare = (): void => {
      if (replaced) return;
      replaced = true;
      void this.keepSpare(context);
    };
    const afterRun = (): void => {
      replaceSpare();
      rmSync(entry, { force: true });
    };
    let tearDownLater = false;
    try {
      let runner = await this.takeSpare(context);
      if (!runner) {
        void this.keepSpare(context);
        runner = (await this.takeSpare(context)) ?? (await this.spawnRunner(context));
      }
      if (!runner.isReady) this.waitedForRunner++;
      req.mark?.(runner.isReady ? 'runner taken' : 'runner taken (was starting)');
      const result = await this.drive(runner, entry, req, replaceSpare, afterRun);
      tearDownLater = result.tearDown !== undefined;
      return result;
    } finally {
      if (!tearDownLater) afterRun();
    }
  }

  /** Ends every runner (warm or running) and waits until their processes and pipes are gone. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    // A warm-up started by the last run may still be spawning; it must not outlive us.
    await Promise.allSettled([...this.spawning]);
    // Runners whose runs answered are killed already; what they leave on the host goes now if not gone yet.
    await Promise.allSettled([...this.retiring].map((tearDown) => tearDown()));
    const runners = [...this.live];
    for (const runner of runners) this.kill(runner);
    await Promise.all(runners.map((runner) => this.reap(runner)));
    this.pool.clear();
    for (const timer of this.idleTimers.values()) clearTimeout(timer);
    this.idleTimers.clear();
    rmSync(this.runtimeDir, { recursive: true, force: true });
    if (this.holdsSandbox) {
      this.holdsSandbox = false;
      await releaseSandboxManager();
    }
  }

  private keepSpare(context: RunnerContext): Promise<boolean> {
    if (this.disposed) return Promise.resolve(false);
    const key = poolKey(context);
    const spares = (this.pool.get(key) ?? []).filter((spare) => !spare.failed && (spare.settled === undefined || spare.settled.alive));
    this.pool.delete(key); // re-inserted last: the most recently used
    this.pool.set(key, spares);
    this.touch(key);
    const wanted = Math.max(1, this.options.spares?.[context.runtime] ?? DEFAULT_SPARES[context.runtime]);
    while (spares.length < wanted) spares.push(this.startSpare(context));
    return Promise.all(spares.map((spare) => spare.runner.then((runner) => runner?.ready ?? false))).then((ready) => ready.some(Boolean));
  }

  /** Restarts the context's idle clock and ends the spares of the least recently used contexts beyond the bound. */
  private touch(key: string): void {
    clearTimeout(this.idleTimers.get(key));
    const timer = setTimeout(() => this.evict(key), this.options.idleMs ?? DEFAULT_SPARE_IDLE_MS);
    timer.unref();
    this.idleTimers.set(key, timer);
    const max = Math.max(1, this.options.maxWarmWorkspaces ?? DEFAULT_MAX_WARM_WORKSPACES);
    for (const oldest of this.pool.keys()) {
      if (this.pool.size <= max) break;
      this.evict(oldest);
    }
  }

  /** Ends a context's spares (those still starting end once started). */
  private evict(key: string): void {
    clearTimeout(this.idleTimers.get(key));
    this.idleTimers.delete(key);
    const spares = this.pool.get(key) ?? [];
    this.pool.delete(key);
    for (const spare of spares) void spare.runner.then((runner) => runner && this.kill(runner));
  }

  /** Spares kept now, started or starting, across every context (diagnostics and tests). */
  get sparesKept(): number {
    let count = 0;
    for (const spares of this.pool.values()) count += spares.filter((spare) => !spare.failed && (spare.settled === undefined || spare.settled.alive)).length;
    return count;
  }

  private startSpare(context: RunnerContext): Spare {
    const spare: Spare = {
      runner: this.spawnRunner(context).then(
        (runner) => {
          if (this.disposed) {
            this.kill(runner);
            spare.failed = true;
            return undefined;
          }
          spare.settled = runner;
          return runner;
        },
        () => {
          spare.failed = true; // the reason shows up again when a run spawns its own runner
          return undefined;
        },
      ),
    };
    return spare;
  }

  /** The spare for this context, waiting for one still starting (it is ahead of a fresh spawn). */
  private async takeSpare(context: RunnerContext): Promise<Runner | undefined> {
    const spares = this.pool.get(poolKey(context)) ?? [];
    while (spares.length > 0) {
      const runner = await spares.shift()!.runner;
      if (runner?.alive) return runner;
    }
    return undefined;
  }

  /**
   * Runs `entry` on the runner until it exits; `underWay` is called once it has run for a short while, `afterRun` first
   * thing in the teardown the result hands back.
   */
  private async drive(runner: Runner, entry: string, req: SandboxExecRequest, underWay: () => void, afterRun: () => void): Promise<SandboxExecResult> {
    const { child, bridgeSocket, controlSocket } = runner;
    runner.taken = true;
    child.stdout!.setEncoding('utf8');
    child.stderr!.setEncoding('utf8');
    child.stdout!.on('data', req.onStdout);
    child.stderr!.on('data', req.onStderr);
    const markFirstOutput = (): void => {
      req.mark?.('first output');
      child.stdout!.off('data', markFirstOutput);
      child.stderr!.off('data', markFirstOutput);
    };
    if (req.mark) {
      child.stdout!.once('data', markFirstOutput);
      child.stderr!.once('data', markFirstOutput);
    }
    const underWayTimer = setTimeout(underWay, 100);
    const { bridge } = req;
    const reply = (line: string): void => {
      if (bridgeSocket.destroyed) return;
      // Replies the code does not read queue here, in the host's memory. One large reply may pass (it is in memory
      // already); a backlog of them may not.
      if (bridgeSocket.writableLength > bridge.limits.inFlightBytes) {
        bridge.limitExceeded(`the run left more than ${formatMb(bridge.limits.inFlightBytes)} of tool results unread on the bridge; the run was stopped`);
        return;
      }
      if (!firstAnswered) req.mark?.('first call answered');
      firstAnswered = true;
      bridgeSocket.write(line);
    };
    let firstAnswered = false;
    let firstCalled = false;
    const splitter = new LineSplitter(
      (line) => {
        if (!firstCalled) req.mark?.('first call read');
        firstCalled = true;
        bridge.handleFrame(line, reply);
      },
      bridge.limits.frameBytes,
      () => bridge.frameTooLong(),
    );
    bridgeSocket.on('data', (chunk: Buffer) => splitter.push(chunk));

    const stop = (): void => this.kill(runner);
    if (req.signal.aborted) stop();
    req.signal.addEventListener('abort', stop, { once: true });
    // The runner reports its exit code on the control channel once its loop is done (the runtime's runner files):
    // from there only teardown is left, which the host cuts short. Without a report it waits for the real exit.
    let control = '';
    const reported = new Promise<number>((resolve) => {
      controlSocket.on('data', (chunk: Buffer) => {
        control += chunk.toString('latin1');
        const match = /X(\d+)\n/.exec(control);
        if (match) resolve(Number(match[1]) & 0xff);
        else if (control.length > 64) controlSocket.destroy(); // not our runner talking
      });
    });
    controlSocket.write(JSON.stringify({ entry, secret: req.bridge.secret }) + '\n');
    req.mark?.('handed to runner');
    let answered = false;
    try {
      const ended = await Promise.race([runner.exited, reported.then((code) => ({ code, signal: null, reported: true }))]);
      req.mark?.('reported' in ended ? 'exit reported' : 'runner exited');
      const { code, signal } = ended;
      // V8 aborts (exit 134) when the heap reaches its limit; the cgroup kills (SIGKILL) when the whole tree does.
      if (runner.cage?.hitMemoryLimit() || code === 134 || signal === 'SIGABRT') req.onNotice(`the run hit its memory limit (${req.limits.memoryMb} MB) and was stopped`);
      // Whatever the script left running (background processes) ends with it.
      this.kill(runner);
      if ('reported' in ended) {
        this.endedByReport++;
        // The runner wrote all its output (blocking writes, flushed) before its report, so it was in the pipes when
        // the report came: read in the same turn of the event loop, or the next. Its exit and its pipes' close are
        // left to the teardown, after the answer.
        await nextTurn();
        await nextTurn();
        child.stdout!.off('data', req.onStdout);
        child.stderr!.off('data', req.onStderr);
      } else {
        await waitForClose(child, 2000);
        req.mark?.('pipes closed');
      }
      answered = true;
      return { exitCode: code, signal: signal ?? undefined, tearDown: this.retire(runner, afterRun, req.mark) };
    } finally {
      req.signal.removeEventListener('abort', stop);
      clearTimeout(underWayTimer);
      child.stdout!.off('data', markFirstOutput);
      child.stderr!.off('data', markFirstOutput);
      req.bridge.close();
      // A run that failed here has no caller to tear its runner down later: it is done now.
      if (!answered) this.cleanUp(runner);
    }
  }

  /**
   * The teardown of a killed runner whose run has its result: its exit, its pipes, its cgroup and its TMPDIR. The
   * run's caller starts it after the answer (its sync file-system work stays off the answer's path); dispose() does
   * any not started. Runs once however often it is called.
   */
  private retire(runner: Runner, afterRun: () => void, mark?: (phase: string) => void): () => Promise<void> {
    let done: Promise<void> | undefined;
    const tearDown = (): Promise<void> =>
      (done ??= Promise.resolve()
        .then(afterRun)
        .finally(() => this.reap(runner))
        .finally(() => {
          this.retiring.delete(tearDown);
          mark?.('runner torn down');
        }));
    this.retiring.add(tearDown);
    return tearDown;
  }

  /** Removes what a runner leaves on the host: its cgroup and its temporary folder (neither followed if linked). */
  private cleanUp(runner: Runner): void {
    runner.cage?.dispose();
    rmSync(runner.tmpDir, { recursive: true, force: true });
  }

  /** Why the last bytecode step for an API tree failed (diagnostics and tests); its runs compile from the source. */
  get apiBytecodeProblem(): string | undefined {
    return this.bytecodeProblem;
  }

  /** The folder holding the bytecode of one API tree's Python files: under this backend's own folder, read-only to runs. */
  apiBytecodeDir(apiDir: string): string {
    return path.join(this.runtimeDir, 'api-bytecode', createHash('sha256').update(path.resolve(apiDir)).digest('hex').slice(0, 16));
  }

  /**
   * Compiles the API tree's Python files that changed since the last time (compile_api.py, outside the sandbox, with
   * the runners' interpreter) before a Python runner starts: runs then load that bytecode instead of compiling the
   * generated modules again each time. One step per tree at a time; a failure leaves the runs compiling from source.
   */
  private compileApi(apiDir: string, python: PythonInstall): Promise<void> {
    const dir = this.apiBytecodeDir(apiDir);
    const running = this.compiling.get(dir);
    if (running) return running;
    const step = new Promise<void>((resolve) => {
      execFile(python.executable, ['-X', 'utf8', path.join(this.runtimeDir, 'compile_api.py'), apiDir, dir], { timeout: 30_000 }, (error, _stdout, stderr) => {
        // Handled, not lost: without bytecode each run compiles the modules from their source, as before this step.
        this.bytecodeProblem = error ? `the API tree's Python bytecode could not be made (${String(stderr).trim() || error.message})` : undefined;
        resolve();
      });
    }).finally(() => this.compiling.delete(dir));
    this.compiling.set(dir, step);
    return step;
  }

  private spawnRunner(context: RunnerContext): Promise<Runner> {
    this.started++;
    const spawning = this.startRunner(context);
    this.spawning.add(spawning);
    const forget = (): void => void this.spawning.delete(spawning);
    spawning.then(forget, forget);
    return spawning;
  }

  private async startRunner(context: RunnerContext): Promise<Runner> {
    await this.initialize(context.allowedDomains);
    const { runtime, limits } = context;
    const python = runtime === 'python' ? await (this.python ??= findPython(this.options.python ?? 'python3')) : undefined;
    if (python) await this.compileApi(context.apiDir, python);
    const privatePaths = (this.options.privatePaths ?? []).map((p) => path.resolve(p));
    const allowRead = [context.apiDir, context.stagingDir, context.workspaceDir, this.runtimeDir, ...(python?.prefixes ?? [])];
    // Each runner serves one run, so its own temporary folder is the run's: removed when the runner is reaped. Set in
    // the command because the sandbox runtime points TMPDIR at a folder of its own that may not exist.
    const tmpDir = path.join(this.runtimeDir, 'tmp', randomUUID());
    mkdirSync(tmpDir, { recursive: true });
    const tmpEnv = `TMPDIR=${quote(tmpDir)} TMP=${quote(tmpDir)} TEMP=${quote(tmpDir)} `;
    const command =
      runtime === 'node'
        ? `${tmpEnv}exec ${quote(this.options.node ?? process.execPath)} --max-old-space-size=${nodeHeapMb(limits.memoryMb)} --enable-source-maps ${quote(path.join(this.runtimeDir, 'runner.mjs'))}`
        : `${tmpEnv}exec ${quote(python!.executable)} -u -X utf8 ${quote(path.join(this.runtimeDir, 'runner.py'))}`;
    mkdirSync(context.workspaceDir, { recursive: true });
    mkdirSync(context.stagingDir, { recursive: true });
    const { SandboxManager } = await sandboxRuntime();
    const wrapped = await this.sandboxArgv(context, tmpDir, () =>
      SandboxManager.wrapWithSandboxArgv(
        command,
        undefined,
        {
          network: { allowedDomains: context.allowedDomains, deniedDomains: [] },
          filesystem: { denyRead: [homedir(), ...privatePaths], allowRead, allowWrite: [context.workspaceDir, tmpDir], denyWrite: [] },
        },
        undefined,
        context.workspaceDir,
      ),
    );
    if (this.disposed) throw new SandboxError('backend-unavailable', 'the local sandbox was closed');
    const cage = createRunCage(`run-${randomUUID()}`, limits.maxProcesses, limits.memoryMb * 1024 * 1024);
    const argv = cage
      ? ['/bin/sh', '-c', 'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1"; shift; n=$((n-1)); done; exec "$@"', 'sh', String(cage.procsFiles.length), ...cage.procsFiles, ...wrapped.argv]
      : wrapped.argv;
    const env: NodeJS.ProcessEnv = {
      PATH: [python ? path.dirname(python.executable) : undefined, '/usr/local/bin', '/usr/bin', '/bin'].filter(Boolean).join(':'),
      HOME: context.workspaceDir,
      LANG: process.env.LANG ?? 'C.UTF-8',
      SKILLGRAPH_BRIDGE_FD: '3',
      SKILLGRAPH_API_DIR: context.apiDir,
      SKILLGRAPH_MEMORY_BYTES: String(limits.memoryMb * 1024 * 1024),
      // No bytecode written into the API tree; the interpreter's own cached bytecode is still read (a
      // PYTHONPYCACHEPREFIX would hide it and recompile the standard library at every start: +0.5 s).
      PYTHONDONTWRITEBYTECODE: '1',
      // The API tree's bytecode, compiled by the host (compileApi): read by runner.py, not writable by runs.
      ...(python ? { SKILLGRAPH_API_BYTECODE: this.apiBytecodeDir(context.apiDir) } : {}),
    };
    const child = spawn(argv[0], argv.slice(1), {
      cwd: context.workspaceDir,
      env: nodeChildEnv(env),
      stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'],
      detached: true, // own process group, so the whole tree can be killed at once
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      child.once('error', () => resolve({ code: null, signal: null }));
    });
    let signalReady!: (ready: boolean) => void;
    const ready = new Promise<boolean>((resolve) => (signalReady = resolve));
    const runner: Runner = {
      child,
      ready,
      bridgeSocket: child.stdio[3] as Socket,
      controlSocket: child.stdio[4] as Socket,
      cage,
      tmpDir,
      taken: false,
      exited,
      isReady: false,
      alive: true,
    };
    void ready.then((started) => (runner.isReady = started));
    runner.bridgeSocket.on('error', () => undefined);
    runner.controlSocket.on('error', () => undefined);
    runner.controlSocket.once('data', () => signalReady(true));
    void exited.then(() => {
      // A runner that ends before it is ready may have been started from a command that no longer fits the host
      // (a folder it binds is gone): the next runner of this context has its command made afresh.
      if (!runner.isReady) this.sandboxCommands.delete(poolKey(context));
      signalReady(false);
    });
    this.live.add(runner);
    void exited.then(() => {
      runner.alive = false;
      this.live.delete(runner);
      // A spare that ended by itself is never driven nor reaped: its cgroup and folder must not stay behind.
      if (!runner.taken) this.cleanUp(runner);
    });
    return runner;
  }

  /**
   * The sandbox command of a runner: made by the sandbox runtime once per context, then reused with only the runner's
   * own TMPDIR put in (a unique folder name, so replacing it in the command changes nothing else). Making it costs
   * 20-40 ms, half of it on this thread (path checks, a ripgrep scan of this process's folder for files to protect),
   * and every run starts one runner: made per runner, that time landed on the next run. The rest of the command depends
   * only on the context (workspace, staging, API tree, limits, domains), which is the pool key; the workspace's rules
   * do not depend on what it holds (all of it is writable).
   */
  private async sandboxArgv(context: RunnerContext, tmpDir: string, make: () => Promise<{ argv: string[] }>): Promise<{ argv: string[] }> {
    const key = poolKey(context);
    const made = this.sandboxCommands.get(key);
    if (made) return { argv: made.argv.map((part) => part.replaceAll(made.tmpDir, tmpDir)) };
    const wrapped = await make();
    this.sandboxCommandsMade++;
    this.sandboxCommands.set(key, { argv: wrapped.argv, tmpDir });
    return wrapped;
  }

  /** Sandbox commands made by the sandbox runtime so far (diagnostics and tests: one per context, not per runner). */
  get sandboxCommandsBuilt(): number {
    return this.sandboxCommandsMade;
  }

  private kill(runner: Runner): void {
    const pid = runner.child.pid;
    if (pid !== undefined) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // the group is gone already
      }
    }
    runner.cage?.killAll();
    runner.bridgeSocket.destroy();
  }

  /** After kill: waits for the exit, then lets go of every pipe so no handle keeps this process alive. */
  private async reap(runner: Runner): Promise<void> {
    await runner.exited;
    await waitForClose(runner.child, 2000);
    for (const stream of runner.child.stdio) stream?.destroy();
    // cleanUp's work, without holding the thread while the cgroup empties (the next run may be under way).
    await runner.cage?.release();
    await rm(runner.tmpDir, { recursive: true, force: true });
  }
}

function poolKey(context: RunnerContext): string {
  return JSON.stringify([context.runtime, context.apiDir, context.workspaceDir, context.stagingDir, context.limits, context.allowedDomains]);
}

/**
 * The V8 heap's share of the run's memory limit: the cgroup holds the whole tree to `memoryMb`, and the heap stops
 * below it (code, stacks and buffers live outside the heap) so a heap bomb ends with V8's own error, not a kill.
 */
export function nodeHeapMb(memoryMb: number): number {
  return Math.max(32, Math.floor(memoryMb * 0.75));
}

function formatMb(bytes: number): string {
  return `${+(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function quote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function waitForClose(child: ChildProcess, ms: number): Promise<void> {
  return new Promise((resolve) => {
    if (child.stdout?.closed !== false && child.stderr?.closed !== false) return resolve();
    const timer = setTimeout(resolve, ms);
    child.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
