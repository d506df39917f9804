// Runs: type-check, bundle, execute on a backend, stream stdout/stderr/tool calls/status live, cap what listeners get
// while the full log goes to <data>/runs/<id>.log, keep per-session workspaces, and persist run summaries and, once a
// run ends, its tool calls and diagnostics (<data>/runs/<id>.calls.json) so other processes can show them.
import { randomBytes, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { constants as fsConstants, copyFileSync, createWriteStream, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { RunSummary, ToolCallEvent, TypeDiagnostic, type BackendName, type RunLanguage, type RunStatus } from '../../../shared/types';
import { z } from 'zod';
import { SkillgraphError } from '../../../shared/errors';
import { writeFileAtomic } from '../atomic-write';
import { BridgeHost, type InterceptCall, type OnToolResult } from './bridge';
import { DiskFullError, describeFsError, folderBytes, isDiskFull } from './disk';
import { Bundler } from './bundle';
import { E2BSandboxBackend, type E2BSettings } from './e2b-backend';
import { LocalSandboxBackend } from './local-backend';
import { RunScheduler } from './scheduler';
import { TypeChecker } from './typecheck';
import { DEFAULT_LIMITS, SandboxError, type SandboxBackend, type SandboxLimits, type SandboxRuntime, type StopReason, type ToolCaller } from './types';

export interface RunManagerOptions {
  dataDir: string;
  /** Holds the generated `servers/` and the materialised `skills/`. */
  apiDir: string;
  tools: ToolCaller;
  /** The backend runs use unless they name one; local when unset (an E2B key alone does not select E2B). */
  backend?: BackendName;
  /** E2B key (or ${env:NAME}), template and idle timeout, read at each E2B run. */
  e2b?: () => E2BSettings;
  /** Runs executing at once, on any backend (RunScheduler); 4 when unset. */
  parallelRuns?: number;
  allowedDomains?: string[];
  limits?: Partial<SandboxLimits>;
  /** Extra folders sandboxed code must never read (the graph); the data folder and home are always hidden. */
  privatePaths?: string[];
  /** Refreshes servers/ and skills/ before each run (generator, skills materialiser). */
  refreshApi?: () => Promise<void>;
  interceptCall?: InterceptCall;
  onResult?: OnToolResult;
  /** Backends to use instead of the defaults (tests, the composition root). */
  backends?: Partial<Record<BackendName, SandboxBackend>>;
}

export interface RunRequest {
  code: string;
  language: RunLanguage;
  session?: string;
  skipTypeCheck?: boolean;
  backend?: BackendName;
  origin: 'app' | 'cli' | 'gateway';
}

/** The run's summary with its captured output; `toolCalls` is the full list here (the summary keeps only the count). */
export type RunResult = Omit<RunSummary, 'toolCalls'> & {
  stdout: string;
  stderr: string;
  diagnostics: TypeDiagnostic[];
  logPath: string;
  toolCalls: ToolCallEvent[];
};

export type RunEvent =
  | { type: 'stdout'; data: string }
  | { type: 'stderr'; data: string }
  | { type: 'toolCall'; data: ToolCallEvent }
  | { type: 'status'; data: RunStatus }
  | { type: 'notice'; data: string };

interface RunEvents {
  stdout: [string];
  stderr: [string];
  toolCall: [ToolCallEvent];
  status: [RunStatus];
  notice: [string];
}

export interface WorkspaceFile {
  path: string;
  size: number;
  mtimeMs: number;
}

/** What a finished run leaves beside its summary: the full tool-call list and the type-check diagnostics. */
export const RunDetails = z.object({ toolCalls: z.array(ToolCallEvent), diagnostics: z.array(TypeDiagnostic) });
export type RunDetails = z.infer<typeof RunDetails>;

const DETAILS_SUFFIX = '.calls.json';

const SESSION_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Files listed from one workspace at most (the app shows them; sandboxed code decides how many there are). */
const WORKSPACE_LIST_MAX = 10_000;

/** One run as it happens: events (also as an async iterator, replayed from the start) and its final result. */
export class RunHandle extends EventEmitter<RunEvents> {
  readonly done: Promise<RunResult>;
  private readonly history: RunEvent[] = [];
  private finished = false;
  private wake: (() => void) | undefined;
  private resolveDone!: (result: RunResult) => void;

  constructor(readonly id: string) {
    super();
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  /** Every event since the run started, then live ones until it ends. */
  async *events(): AsyncGenerator<RunEvent> {
    let index = 0;
    for (;;) {
      while (index < this.history.length) yield this.history[index++];
      if (this.finished) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** @internal */
  publish(event: RunEvent): void {
    this.history.push(event);
    (this.emit as (name: string, data: unknown) => boolean)(event.type, event.data);
    this.wake?.();
  }

  /** @internal */
  finish(result: RunResult): void {
    this.finished = true;
    this.wake?.();
    this.resolveDone(result);
  }
}

/** Caps what listeners receive; the log on disk gets everything up to its own (much larger) cap. */
class OutputRecorder {
  private forwarded = 0;
  private logged = 0;
  private capped = false;
  /** Output after the cap, trimmed to its last TAIL_BYTES: the end of a run (its result, its error) matters most. */
  private tail: Array<{ stream: 'stdout' | 'stderr'; chunk: string }> = [];
  private tailBytes = 0;
  private skipped = 0;
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  private readonly log: WriteStream;
  private logFailed = false;

  constructor(
    readonly logPath: string,
    private readonly limits: SandboxLimits,
    private readonly publish: (event: RunEvent) => void,
    private readonly overLogCap: () => void,
    /** The log cannot be written (a full disk): the run must end; output still reaches listeners. */
    private readonly onLogError: (error: unknown) => void,
  ) {
    this.log = createWriteStream(logPath);
    this.log.on('error', (error) => {
      if (this.logFailed) return;
      this.logFailed = true;
      this.onLogError(error);
    });
  }

  write(stream: 'stdout' | 'stderr', chunk: string): void {
    const bytes = Buffer.byteLength(chunk);
    if (!this.logFailed && this.logged < this.limits.logCapBytes) {
      this.log.write(chunk);
      this.logged += bytes;
      if (this.logged >= this.limits.logCapBytes) this.overLogCap();
    }
    if (this.capped) return this.keepTail(stream, chunk, bytes);
    let forward = chunk;
    let rest = '';
    if (this.forwarded + bytes > this.limits.outputCapBytes) {
      const buffer = Buffer.from(chunk);
      forward = buffer.subarray(0, this.limits.outputCapBytes - this.forwarded).toString('utf8');
      rest = buffer.subarray(this.limits.outputCapBytes - this.forwarded).toString('utf8');
      this.capped = true;
    }
    this.forwarded += Buffer.byteLength(forward);
    if (forward.length > 0) {
      (stream === 'stdout' ? this.stdout : this.stderr).push(forward);
      this.publish({ type: stream, data: forward });
    }
    if (this.capped) {
      const cap = formatBytes(this.limits.outputCapBytes);
      this.publish({ type: 'notice', data: `output capped at ${cap}; the last ${formatBytes(TAIL_BYTES)} follow when the run ends; the full log is at ${this.logPath}` });
      if (rest) this.keepTail(stream, rest, Buffer.byteLength(rest));
    }
  }

  private keepTail(stream: 'stdout' | 'stderr', chunk: string, bytes: number): void {
    this.tail.push({ stream, chunk });
    this.tailBytes += bytes;
    while (this.tailBytes > TAIL_BYTES && this.tail.length > 1) {
      const dropped = this.tail.shift()!;
      const size = Buffer.byteLength(dropped.chunk);
      this.tailBytes -= size;
      this.skipped += size;
    }
  }

  /** Ends the log and, for a capped run, hands listeners the end of the output with what was skipped. */
  close(): Promise<void> {
    if (this.tail.length) {
      this.publish({ type: 'notice', data: `${formatBytes(this.skipped)} of output skipped here (all of it is in ${this.logPath}); the last ${formatBytes(this.tailBytes)} follow` });
      for (const { stream, chunk } of this.tail) {
        (stream === 'stdout' ? this.stdout : this.stderr).push(chunk);
        this.publish({ type: stream, data: chunk });
      }
      this.tail = [];
    }
    if (this.logFailed || this.log.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      this.log.once('error', () => resolve());
      this.log.end(resolve);
    });
  }
}

/** How much of the end of a capped run's output still reaches the console. */
const TAIL_BYTES = 64 * 1024;

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${+(bytes / 1024 / 1024).toFixed(1)} MB` : `${+(bytes / 1024).toFixed(1)} KB`;
}

export class RunManager {
  private readonly limits: SandboxLimits;
  private readonly runsDir: string;
  private readonly active = new Map<string, { handle: RunHandle; abort: AbortController }>();
  private readonly results = new Map<string, RunResult>();
  private readonly backends = new Map<BackendName, SandboxBackend>();
  private checker: TypeChecker | undefined;
  private readonly bundler: Bundler;
  private readonly scheduler: RunScheduler;

  constructor(private opts: RunManagerOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...opts.limits };
    this.runsDir = path.join(opts.dataDir, 'runs');
    this.bundler = new Bundler(opts.apiDir);
    mkdirSync(this.runsDir, { recursive: true });
    const dataDir = path.resolve(opts.dataDir);
    this.backends.set('local', opts.backends?.local ?? new LocalSandboxBackend({ privatePaths: [dataDir, ...(opts.privatePaths ?? [])] }));
    this.backends.set('e2b', opts.backends?.e2b ?? new E2BSandboxBackend({ settings: opts.e2b, dataDir }));
    this.scheduler = new RunScheduler(opts.parallelRuns ?? 4);
  }

  /**
   * Starts what the first run would otherwise wait for: the sandbox, a ready runner per language, the type-checker
   * and the bundler. Resolves when they are ready; safe to call again (after runs it waits for their replacements).
   */
  async warmUp(session = 'default', languages: RunLanguage[] = ['typescript']): Promise<void> {
    const local = this.backends.get('local')!;
    await local.initialize();
    const runtimes = new Set(languages.map((language): SandboxRuntime => (language === 'python' ? 'python' : 'node')));
    const ready = [...runtimes].map((runtime) =>
      local.warm?.(runtime, this.opts.apiDir, this.workspaceDir(session), this.stagingDir(session), this.limits, this.opts.allowedDomains ?? []),
    );
    if (languages.includes('typescript')) this.typeChecker().check('export {};');
    if (languages.includes('typescript') || languages.includes('javascript')) await this.bundler.bundle('export {};', 'typescript');
    await Promise.all(ready);
  }

  start(req: RunRequest): RunHandle {
    const session = req.session ?? 'default';
    if (!SESSION_NAME.test(session)) throw new SandboxError('bad-request', `session name "${session}" is not allowed: use letters, digits, ".", "_" or "-"`);
    const id = `${new Date().toISOString().replace(/[-:.TZ]/g, '').slice(0, 14)}-${randomUUID().slice(0, 8)}`;
    const handle = new RunHandle(id);
    const abort = new AbortController();
    this.active.set(id, { handle, abort });
    setImmediate(() => void this.execute(id, req, session, handle, abort));
    return handle;
  }

  /**
   * Applies changed settings to the next runs: the default backend and the domains sandboxed code may reach.
   * Spare runners prepared with the old network rules are not reused (the pool is keyed on the rules).
   */
  configure(patch: Pick<RunManagerOptions, 'backend' | 'allowedDomains' | 'parallelRuns'>): void {
    this.opts = { ...this.opts, ...patch };
    if (patch.parallelRuns !== undefined) this.scheduler.setLimit(patch.parallelRuns);
  }

  /** How many runs execute now, wait for a slot, and the limit. */
  schedulerStats(): ReturnType<RunScheduler['stats']> {
    return this.scheduler.stats();
  }

  /** Whether a backend can run here, with the reason when it cannot (shown in the status bar). */
  async backendStatus(preferred?: BackendName): Promise<{ name: BackendName; available: boolean; reason?: string }> {
    const name = preferred ?? this.chooseBackend({ code: '', language: 'javascript', origin: 'app' });
    const backend = this.backends.get(name)!;
    const { ok, reason } = await backend.available();
    return ok ? { name, available: true } : { name, available: false, reason };
  }

  cancel(runId: string): boolean {
    const run = this.active.get(runId);
    if (!run) return false;
    run.abort.abort('cancelled' satisfies StopReason);
    return true;
  }

  /** Summaries of past and current runs, newest first. */
  list(): RunSummary[] {
    const summaries: RunSummary[] = [];
    for (const name of readdirSync(this.runsDir)) {
      if (!name.endsWith('.json') || name.endsWith(DETAILS_SUFFIX)) continue;
      try {
        summaries.push(RunSummary.parse(JSON.parse(readFileSync(path.join(this.runsDir, name), 'utf8'))));
      } catch {
        // a half-written or foreign file is not a run
      }
    }
    return summaries.sort((a, b) => b.startedAt - a.startedAt);
  }

  get(id: string): RunResult | RunSummary | undefined {
    const result = this.results.get(id);
    if (result) return result;
    if (!/^[\w-]+$/.test(id)) return undefined;
    try {
      return RunSummary.parse(JSON.parse(readFileSync(path.join(this.runsDir, `${id}.json`), 'utf8')));
    } catch {
      return undefined;
    }
  }

  /**
   * The tool calls and diagnostics of a finished run, from memory or from disk (runs of other processes sharing the
   * data folder, earlier sessions); undefined when the run is unknown or ended before these were kept.
   */
  details(id: string): RunDetails | undefined {
    const result = this.results.get(id);
    if (result) return { toolCalls: result.toolCalls, diagnostics: result.diagnostics };
    if (!/^[\w-]+$/.test(id)) return undefined;
    try {
      return RunDetails.parse(JSON.parse(readFileSync(path.join(this.runsDir, `${id}${DETAILS_SUFFIX}`), 'utf8')));
    } catch {
      return undefined;
    }
  }

  /**
   * The session's workspace files. The workspace is written by sandboxed code, so nothing here follows a link: entries
   * are taken from lstat (a symlink, FIFO or socket is not listed, a linked folder is not entered) and the walk stops
   * at WORKSPACE_LIST_MAX entries (code can create millions of files).
   */
  listWorkspaceFiles(session: string): WorkspaceFile[] {
    const root = this.workspaceDir(session);
    const files: WorkspaceFile[] = [];
    const walk = (relative: string): void => {
      let names: string[];
      try {
        names = readdirSync(path.join(root, relative));
      } catch {
        return; // removed while we looked, or not a folder any more
      }
      for (const name of names) {
        if (files.length >= WORKSPACE_LIST_MAX) return;
        const child = relative ? `${relative}/${name}` : name;
        let stat;
        try {
          stat = lstatSync(path.join(root, child));
        } catch {
          continue;
        }
        if (stat.isDirectory()) walk(child);
        else if (stat.isFile()) files.push({ path: child, size: stat.size, mtimeMs: stat.mtimeMs });
      }
    };
    walk('');
    return files.sort((a, b) => a.path.localeCompare(b.path));
  }

  /**
   * Puts a copy of a finished run's full log where the session's later code can read it and never write it
   * (<data>/sessions/<session>/.staging/logs/, read-only inside the sandbox) and returns that path. Never into the
   * workspace: there sandboxed code could have planted a link for the host to write through (issue #13).
   */
  shareLog(runId: string, session: string): { path: string } | { problem: string } {
    if (!/^[\w-]+$/.test(runId)) return { problem: `"${runId}" is not a run id` };
    const target = path.join(this.stagingDir(session), 'logs', `${runId}.log`);
    try {
      mkdirSync(path.dirname(target), { recursive: true });
      copyFileSync(path.join(this.runsDir, `${runId}.log`), target, fsConstants.COPYFILE_EXCL);
      return { path: target };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return { path: target };
      return { problem: describeFsError(error, this.opts.dataDir) };
    }
  }

  clearSession(session: string): void {
    const workspace = this.workspaceDir(session);
    rmSync(workspace, { recursive: true, force: true });
    mkdirSync(workspace, { recursive: true });
  }

  async dispose(): Promise<void> {
    for (const { abort } of this.active.values()) abort.abort('cancelled' satisfies StopReason);
    await Promise.allSettled([...this.active.values()].map(({ handle }) => handle.done));
    for (const backend of this.backends.values()) await backend.dispose();
    this.checker?.dispose();
    await this.bundler.dispose();
  }

  private workspaceDir(session: string): string {
    if (!SESSION_NAME.test(session)) throw new SandboxError('bad-request', `session name "${session}" is not allowed: use letters, digits, ".", "_" or "-"`);
    return path.join(this.opts.dataDir, 'sessions', session, 'workspace');
  }

  private stagingDir(session: string): string {
    return path.join(this.opts.dataDir, 'sessions', session, '.staging');
  }

  private typeChecker(): TypeChecker {
    this.checker ??= new TypeChecker(this.opts.apiDir);
    return this.checker;
  }

  private chooseBackend(req: RunRequest): BackendName {
    if (req.backend) return req.backend;
    return this.opts.backend ?? 'local';
  }

  private async execute(id: string, req: RunRequest, session: string, handle: RunHandle, abort: AbortController): Promise<void> {
    const startedAt = Date.now();
    const started = performance.now();
    const logPath = path.join(this.runsDir, `${id}.log`);
    const notices: string[] = [];
    const toolCalls = new Map<number, ToolCallEvent>();
    const publish = (event: RunEvent): void => {
      if (event.type === 'notice') notices.push(event.data);
      handle.publish(event);
    };
    /** Ends the run for a reason of the host's (a limit, a full disk), saying why once. */
    const stopFor = (reason: StopReason, message: string): void => {
      if (abort.signal.aborted) return;
      publish({ type: 'notice', data: message });
      abort.abort(reason);
    };
    let backendName = this.chooseBackend(req);
    let sandboxId: string | undefined;
    let fallbackReason: string | undefined;
    let releaseSlot: (() => void) | undefined;
    const summary = (status: RunStatus, exitCode?: number | null): RunSummary => ({
      id,
      session,
      language: req.language,
      backend: backendName,
      status,
      startedAt,
      durationMs: status === 'queued' || status === 'checking' || status === 'running' ? undefined : Math.round(performance.now() - started),
      exitCode,
      origin: req.origin,
      toolCalls: toolCalls.size,
      notice: notices.length > 0 ? notices.join('\n') : undefined,
      sandboxId,
      fallbackReason,
    });
    const summaryFile = path.join(this.runsDir, `${id}.json`);
    // In place, not atomically: on a full disk truncating and rewriting a small file still fits where a new one does not.
    const persist = (value: RunSummary): void => {
      try {
        writeFileSync(summaryFile, JSON.stringify(value));
      } catch (error) {
        throw isDiskFull(error) ? new DiskFullError(this.runsDir) : error;
      }
    };
    const setStatus = (status: RunStatus): void => {
      persist(summary(status));
      publish({ type: 'status', data: status });
    };
    const output = new OutputRecorder(
      logPath,
      this.limits,
      publish,
      () => abort.abort('output-limit' satisfies StopReason),
      (error) => stopFor('disk-full', `the run was stopped: ${describeFsError(error, this.runsDir)}`),
    );
    const clock = new RunClock(this.limits.timeoutMs, () => abort.abort('timeout' satisfies StopReason));
    let diagnostics: TypeDiagnostic[] = [];
    let status: RunStatus = 'failed';
    let exitCode: number | null | undefined;

    try {
      setStatus('queued');
      this.checkWorkspaceQuota(session);
      await this.opts.refreshApi?.();
      let code = req.code;
      // esbuild bundles in its own process while the type-checker works on this thread.
      const bundled = req.language === 'python' ? undefined : this.bundler.bundle(req.code, req.language);
      bundled?.catch(() => undefined); // awaited below unless the type-check fails first
      if (req.language === 'typescript' && !req.skipTypeCheck) {
        setStatus('checking');
        diagnostics = this.typeChecker().check(req.code);
        if (diagnostics.length > 0) {
          status = 'type-error';
          const lines = diagnostics.map((d) => `main.ts:${d.line}:${d.column} - error TS${d.code ?? ''}: ${d.message}`);
          output.write('stderr', lines.join('\n') + '\n');
          return;
        }
      }
      if (bundled) code = (await bundled).code;
      if (abort.signal.aborted) {
        status = 'cancelled';
        return;
      }
      // Queued until the scheduler has a slot: the time limit starts with the run, not with the wait.
      releaseSlot = await this.scheduler
        .acquire(abort.signal, (ahead) => publish({ type: 'notice', data: `waiting for a free slot: ${ahead} run${ahead === 1 ? '' : 's'} ahead (${this.scheduler.stats().limit} at once)` }))
        .catch(() => undefined);
      if (!releaseSlot) {
        status = 'cancelled';
        return;
      }
      setStatus('running');
      clock.start();
      const quota = setInterval(() => {
        const over = this.workspaceOverQuota(session);
        if (over) stopFor('workspace-quota', `the run was stopped: ${over}`);
      }, QUOTA_CHECK_MS);
      try {
        const result = await this.runOnBackend(id, session, code, req, abort.signal, output, publish, toolCalls, clock, stopFor, (name) => (backendName = name), (reason) => (fallbackReason = reason));
        exitCode = result.exitCode;
        sandboxId = result.sandboxId;
      } finally {
        clock.stop();
        clearInterval(quota);
      }
      const reason = abort.signal.aborted ? (abort.signal.reason as StopReason) : undefined;
      if (reason === 'cancelled') status = 'cancelled';
      else if (reason === 'timeout') {
        status = 'timeout';
        publish({ type: 'notice', data: `the run took longer than ${this.limits.timeoutMs / 1000} s and was stopped` });
      } else if (reason === 'output-limit') {
        status = 'killed';
        publish({ type: 'notice', data: `the run printed more than ${formatBytes(this.limits.logCapBytes)} and was stopped` });
      } else if (reason) status = 'killed'; // stopFor said why
      else status = exitCode === 0 ? 'succeeded' : exitCode === null ? 'killed' : 'failed';
    } catch (error) {
      status = 'failed';
      const message = error instanceof SkillgraphError ? error.message : describeFsError(error, this.opts.dataDir);
      output.write('stderr', `${message}\n`);
      if (isDiskFull(error)) publish({ type: 'notice', data: message });
    } finally {
      releaseSlot?.();
      await output.close();
      const details: RunDetails = { toolCalls: [...toolCalls.values()], diagnostics };
      // Before the final summary: a process that sees the run end (it watches the summaries) finds its details there.
      try {
        writeFileAtomic(path.join(this.runsDir, `${id}${DETAILS_SUFFIX}`), JSON.stringify(details));
      } catch (error) {
        publish({ type: 'notice', data: `the run's tool calls could not be saved: ${describeFsError(error, this.runsDir)}` });
      }
      const final = summary(status, exitCode);
      try {
        persist(final);
      } catch (error) {
        // A summary left saying "running" would be wrong for ever: without room for the final one, none is kept.
        rmSync(summaryFile, { force: true });
        final.notice = [final.notice, `the run's record could not be saved: ${describeFsError(error, this.runsDir)}`].filter(Boolean).join('\n');
      }
      this.active.delete(id);
      const result: RunResult = {
        ...final,
        stdout: output.stdout.join(''),
        stderr: output.stderr.join(''),
        diagnostics,
        logPath,
        toolCalls: details.toolCalls,
      };
      this.results.set(id, result);
      handle.publish({ type: 'status', data: status });
      handle.finish(result);
    }
  }

  /** Refuses to start a run in a workspace already over its quota. */
  private checkWorkspaceQuota(session: string): void {
    const over = this.workspaceOverQuota(session);
    if (over) throw new SandboxError('bad-request', `${over}; nothing was run`);
  }

  /** Why the session's workspace is over its quota, or undefined when it is not. */
  private workspaceOverQuota(session: string): string | undefined {
    const quota = this.limits.workspaceQuotaBytes;
    const bytes = folderBytes(this.workspaceDir(session), quota);
    if (bytes <= quota) return undefined;
    return `the workspace of session "${session}" holds more than its quota of ${formatBytes(quota)}: remove files (or clear the session)`;
  }

  private async runOnBackend(
    id: string,
    session: string,
    code: string,
    req: RunRequest,
    signal: AbortSignal,
    output: OutputRecorder,
    publish: (event: RunEvent) => void,
    toolCalls: Map<number, ToolCallEvent>,
    clock: RunClock,
    stopFor: (reason: StopReason, message: string) => void,
    useBackend: (name: BackendName) => void,
    fellBack: (reason: string) => void,
  ): Promise<{ exitCode: number | null; sandboxId?: string }> {
    const intercept = this.opts.interceptCall;
    const run = async (name: BackendName) => {
      const backend = this.backends.get(name)!;
      const ready = await backend.available();
      if (!ready.ok) throw new SandboxError('backend-unavailable', `the ${name} sandbox is not available: ${ready.reason}`);
      useBackend(name);
      const bridge = new BridgeHost({
        runId: id,
        session,
        secret: randomBytes(16).toString('hex'),
        tools: this.opts.tools,
        // The time limit stands still while the host decides on a call (an approval waits for a person).
        interceptCall: intercept
          ? async (call) => {
              const release = clock.hold();
              try {
                return await intercept(call);
              } finally {
                release();
              }
            }
          : undefined,
        onResult: this.opts.onResult,
        onToolCall: (event) => {
          toolCalls.set(event.id, event);
          publish({ type: 'toolCall', data: event });
        },
        limits: { frameBytes: this.limits.bridgeFrameBytes, inFlightBytes: this.limits.bridgeInFlightBytes },
        onLimitExceeded: (message) => stopFor('bridge-limit', message),
        onNotice: (message) => publish({ type: 'notice', data: message }),
      });
      return backend.execute({
        runId: id,
        session,
        runtime: req.language === 'python' ? 'python' : 'node',
        code,
        apiDir: this.opts.apiDir,
        workspaceDir: this.workspaceDir(session),
        stagingDir: this.stagingDir(session),
        limits: this.limits,
        allowedDomains: this.opts.allowedDomains ?? [],
        bridge,
        signal,
        onStdout: (chunk) => output.write('stdout', chunk),
        onStderr: (chunk) => output.write('stderr', chunk),
        onNotice: (message) => publish({ type: 'notice', data: message }),
      });
    };
    const preferred = this.chooseBackend(req);
    try {
      return await run(preferred);
    } catch (error) {
      if (preferred === 'e2b' && error instanceof SandboxError && error.code === 'backend-unavailable') {
        fellBack(error.message);
        publish({ type: 'notice', data: `${error.message}; running locally instead` });
        return run('local');
      }
      throw error;
    }
  }
}

/** How often a running run's workspace is measured against its quota. */
const QUOTA_CHECK_MS = 2_000;

/**
 * A run's time limit. It stands still while a call waits for the host's decision (an approval, at most the approval's
 * own timeout): the person deciding is not the run's time, and a 60 s limit would otherwise deny every approval.
 */
class RunClock {
  private remaining: number;
  private since = 0;
  private timer: NodeJS.Timeout | undefined;
  private holds = 0;
  private running = false;

  constructor(
    limitMs: number,
    private readonly onExpire: () => void,
  ) {
    this.remaining = limitMs;
  }

  start(): void {
    this.running = true;
    if (this.holds === 0) this.tick();
  }

  /** Stops the clock until the returned function is called (holds nest). */
  hold(): () => void {
    if (this.holds++ === 0 && this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.remaining -= performance.now() - this.since;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.holds === 0 && this.running) this.tick();
    };
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    this.since = performance.now();
    this.timer = setTimeout(this.onExpire, Math.max(0, this.remaining));
  }
}
