// Runs: the pipeline of one run (refresh the API, bundle, type-check, wait for a slot, execute on a backend with E2B
// falling back to local) and the per-session workspaces. A run's events and result are its RunHandle (run-handle.ts),
// its output goes through an OutputRecorder (output-recorder.ts), its time limit is a RunClock (run-clock.ts) and its
// records on disk are RunRecords (run-records.ts), written after the answer.
import { randomBytes, randomUUID } from 'node:crypto';
import { constants as fsConstants, copyFileSync, lstatSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { BackendName, RunLanguage, RunStatus, RunSummary, ToolCallEvent, TypeDiagnostic } from '../../../shared/types';
import { SkillgraphError } from '../../../shared/errors';
import { BridgeHost, type InterceptCall, type OnToolResult } from './bridge';
import { describeFsError, folderBytes, isDiskFull } from './disk';
import { Bundler } from './bundle';
import { E2BSandboxBackend, type E2BSettings } from './e2b-backend';
import { LocalSandboxBackend } from './local-backend';
import { OutputRecorder, formatBytes } from './output-recorder';
import { RunClock } from './run-clock';
import { RunHandle, type RunEvent } from './run-handle';
import { runsDirOf } from './run-history';
import { RunDetails, RunRecords } from './run-records';
import { RunScheduler } from './scheduler';
import { TypeChecker } from './typecheck';
import { passedChecksFile } from './typecheck-passed';
import { UserErrorStream, defaultFileName } from './user-errors';
import { DEFAULT_LIMITS, SandboxError, type SandboxBackend, type SandboxLimits, type SandboxRuntime, type StopReason, type ToolCaller } from './types';

export { RunHandle, type RunEvent } from './run-handle';
export { RunDetails } from './run-records';

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
  /** A run's records could not be written after it answered (the notice says so too): the host logs it. */
  onRecordProblem?: (runId: string, problem: string) => void;
  /** The type-checker's record of passes on disk could not be read or written (runs go on): the host logs it. */
  onCacheProblem?: (problem: string) => void;
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
  /** The name the user knows the code by (`hello.ts`): errors and type errors are reported at it; `main.ts` otherwise. */
  fileName?: string;
  /** Someone follows the run live (an agent with a progress token): tools whose task support is optional run as tasks. */
  taskWhenOptional?: boolean;
}

/** The run's summary with its captured output; `toolCalls` is the full list here (the summary keeps only the count). */
export type RunResult = Omit<RunSummary, 'toolCalls'> & {
  stdout: string;
  stderr: string;
  diagnostics: TypeDiagnostic[];
  logPath: string;
  toolCalls: ToolCallEvent[];
  /** The code that ran (its first KEPT_CODE_CHARS). */
  code?: string;
};

export interface WorkspaceFile {
  path: string;
  size: number;
  mtimeMs: number;
}

/** How much of a run's code its details keep (the app shows the code that ran). */
const KEPT_CODE_CHARS = 256 * 1024;

/** The line that labels a run: the first one that is not blank, an import or a comment. */
export function runTitle(code: string): string | undefined {
  const line = code.split('\n').find((l) => {
    const t = l.trim();
    return t !== '' && !/^(import\b|from\s+\S+\s+import\b|\/\/|#|\/\*|\*)/.test(t);
  });
  return line?.trim().slice(0, 120);
}

const SESSION_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Files listed from one workspace at most (the app shows them; sandboxed code decides how many there are). */
const WORKSPACE_LIST_MAX = 10_000;


export class RunManager {
  private readonly limits: SandboxLimits;
  private readonly records: RunRecords;
  /** Final summaries of runs that have answered but whose records are still being written (list() shows these). */
  private readonly unrecorded = new Map<string, RunSummary>();
  private readonly recording = new Set<Promise<void>>();
  private readonly active = new Map<string, { handle: RunHandle; abort: AbortController }>();
  private readonly results = new Map<string, RunResult>();
  private readonly backends = new Map<BackendName, SandboxBackend>();
  private checker: TypeChecker | undefined;
  private readonly bundler: Bundler;
  private readonly scheduler: RunScheduler;

  constructor(private opts: RunManagerOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...opts.limits };
    this.records = new RunRecords(runsDirOf(opts.dataDir));
    this.bundler = new Bundler(opts.apiDir);
    mkdirSync(this.records.runsDir, { recursive: true });
    const dataDir = path.resolve(opts.dataDir);
    this.backends.set('local', opts.backends?.local ?? new LocalSandboxBackend({ privatePaths: [dataDir, ...(opts.privatePaths ?? [])] }));
    this.backends.set('e2b', opts.backends?.e2b ?? new E2BSandboxBackend({ settings: opts.e2b, dataDir }));
    this.scheduler = new RunScheduler(opts.parallelRuns ?? 4);
  }

  /**
   * Starts what the first run would otherwise wait for: the sandbox, a ready runner per language, the type-checker
   * and the bundler. Resolves when they are ready; safe to call again (after runs it waits for their replacements).
   */
  async warmUp(session = 'default', languages: RunLanguage[] = ['typescript'], opts: { typeCheck?: boolean } = {}): Promise<void> {
    const local = this.backends.get('local')!;
    await local.initialize();
    const runtimes = new Set(languages.map((language): SandboxRuntime => (language === 'python' ? 'python' : 'node')));
    const ready = [...runtimes].map((runtime) =>
      local.warm?.(runtime, this.opts.apiDir, this.workspaceDir(session), this.stagingDir(session), this.limits, this.opts.allowedDomains ?? []),
    );
    // The checker's program is built in the native compiler's process (typecheck-native.ts), beside the rest; a host
    // whose first code is likely recorded as passed (typecheck-passed.ts) may still start it later (the gateway).
    const checked = languages.includes('typescript') && opts.typeCheck !== false ? this.typeChecker().warm() : undefined;
    if (languages.includes('typescript') || languages.includes('javascript')) await this.bundler.bundle('export {};', 'typescript');
    await Promise.all([...ready, checked]);
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

  /**
   * How runs found the local sandbox's runners (diagnostics, tests): runners started so far, ahead or for a run, and
   * runs that had to wait for theirs to start. Undefined when the local backend is not this process's own.
   */
  localRunnerStats(): { started: number; waited: number } | undefined {
    const local = this.backends.get('local');
    return local instanceof LocalSandboxBackend ? { started: local.runnersStarted, waited: local.runsThatWaited } : undefined;
  }

  /** Resolves once the records of every run that has answered so far are written (tests, shutdown). */
  async recordsWritten(): Promise<void> {
    await Promise.allSettled([...this.recording]);
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

  /** Summaries of past and current runs, newest first (a run that just ended shows its final summary at once). */
  list(): RunSummary[] {
    const summaries = this.records.list().map((summary) => this.unrecordedSummary(summary.id) ?? summary);
    const listed = new Set(summaries.map((summary) => summary.id));
    for (const id of this.unrecorded.keys()) if (!listed.has(id)) summaries.push(this.unrecordedSummary(id)!);
    return summaries.sort((a, b) => b.startedAt - a.startedAt);
  }

  /** A run that ended and is not yet recorded, with what was attached to its result meanwhile (the ledger). */
  private unrecordedSummary(id: string): RunSummary | undefined {
    const summary = this.unrecorded.get(id);
    const ledger = this.results.get(id)?.ledger;
    return summary && ledger && !summary.ledger ? { ...summary, ledger } : summary;
  }

  get(id: string): RunResult | RunSummary | undefined {
    return this.results.get(id) ?? this.records.summary(id);
  }

  /**
   * The tool calls and diagnostics of a finished run, from memory or from disk (runs of other processes sharing the
   * data folder, earlier sessions); undefined when the run is unknown or ended before these were kept.
   */
  details(id: string): RunDetails | undefined {
    const result = this.results.get(id);
    if (result) return { toolCalls: result.toolCalls, diagnostics: result.diagnostics, code: result.code };
    return this.records.details(id);
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
          // Gone between readdir and lstat (the run deleted it): nothing to mirror.
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
      copyFileSync(this.records.logPath(runId), target, fsConstants.COPYFILE_EXCL);
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
    await Promise.allSettled([...this.recording]);
    for (const backend of this.backends.values()) await backend.dispose();
    this.disposed = true;
    this.checker?.dispose();
    await this.bundler.dispose();
  }

  private disposed = false;

  private workspaceDir(session: string): string {
    if (!SESSION_NAME.test(session)) throw new SandboxError('bad-request', `session name "${session}" is not allowed: use letters, digits, ".", "_" or "-"`);
    return path.join(this.opts.dataDir, 'sessions', session, 'workspace');
  }

  private stagingDir(session: string): string {
    return path.join(this.opts.dataDir, 'sessions', session, '.staging');
  }

  /** The warm type-checker runs use; the Console's editor service asks the same one (editor-service.ts). */
  typeChecker(): TypeChecker {
    this.checker ??= new TypeChecker(this.opts.apiDir, { passedFile: passedChecksFile(this.opts.dataDir), onProblem: this.opts.onCacheProblem });
    // Asked for after dispose (a warm-up chain still going when the engine closed): a closed checker, which starts no
    // compiler process that nothing would end.
    if (this.disposed) this.checker.dispose();
    return this.checker;
  }

  private chooseBackend(req: RunRequest): BackendName {
    if (req.backend) return req.backend;
    return this.opts.backend ?? 'local';
  }

  private async execute(id: string, req: RunRequest, session: string, handle: RunHandle, abort: AbortController): Promise<void> {
    const startedAt = Date.now();
    const started = performance.now();
    const logPath = this.records.logPath(id);
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
    let tearDown: (() => Promise<void>) | undefined;
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
      title: runTitle(req.code),
    });
    const setStatus = (status: RunStatus): void => {
      this.records.writeSummary(summary(status));
      publish({ type: 'status', data: status });
    };
    const fileName = req.fileName ?? defaultFileName(req.language);
    const output = new OutputRecorder(
      logPath,
      this.limits,
      publish,
      () => abort.abort('output-limit' satisfies StopReason),
      (error) => stopFor('disk-full', `the run was stopped: ${describeFsError(error, this.records.runsDir)}`),
      new UserErrorStream({ fileName, language: req.language }),
    );
    const clock = new RunClock(this.limits.timeoutMs, () => abort.abort('timeout' satisfies StopReason));
    const mark = (phase: string): void => handle.phases.mark(phase);
    let diagnostics: TypeDiagnostic[] = [];
    let status: RunStatus = 'failed';
    let exitCode: number | null | undefined;
    const reportTypeErrors = (): void => {
      status = 'type-error';
      const lines = diagnostics.map((d) => `${fileName}:${d.line}:${d.column} - error TS${d.code ?? ''}: ${d.message}`);
      output.write('stderr', lines.join('\n') + '\n');
    };

    try {
      mark('begin');
      setStatus('queued');
      mark('queued written');
      this.checkWorkspaceQuota(session);
      mark('quota checked');
      await this.opts.refreshApi?.();
      mark('api refreshed');
      const typed = req.language === 'typescript' && !req.skipTypeCheck;
      // esbuild works in its own process; the type-check runs on this thread, after it or beside the run (below).
      let code = req.code;
      let bundleFailure: unknown;
      if (req.language !== 'python') {
        try {
          code = (await this.bundler.bundle(req.code, req.language)).code;
        } catch (error) {
          bundleFailure = error; // a type error in the same code is the better report: checked first below
        }
        mark('bundled');
      }
      const checkBeside = typed && bundleFailure === undefined && this.mayCheckBesideRun(req);
      if (typed && !checkBeside) {
        setStatus('checking');
        diagnostics = await this.typeChecker().check(req.code);
        mark('type-checked');
        if (diagnostics.length > 0) return reportTypeErrors();
      }
      if (bundleFailure !== undefined) throw bundleFailure;
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
      mark('slot');
      const gate = checkBeside ? new CheckGate() : undefined;
      const typeErrorStop = new AbortController();
      if (gate) {
        setStatus('checking');
        output.hold();
      } else {
        setStatus('running');
        clock.start();
      }
      mark('status written');
      const quota = setInterval(() => {
        const over = this.workspaceOverQuota(session);
        if (over) stopFor('workspace-quota', `the run was stopped: ${over}`);
      }, QUOTA_CHECK_MS);
      try {
        const signal = gate ? AbortSignal.any([abort.signal, typeErrorStop.signal]) : abort.signal;
        const execution = this.runOnBackend(id, session, code, req, signal, output, publish, toolCalls, clock, stopFor, (name) => (backendName = name), (reason) => (fallbackReason = reason), gate?.passed, mark);
        if (gate) {
          execution.catch(() => undefined); // awaited below, unless the check fails
          // The runner has its code by now (handed over in microtasks) and starts while this thread checks it.
          await new Promise((resolve) => setImmediate(resolve));
          try {
            diagnostics = await this.typeChecker().check(req.code);
            mark('type-checked');
          } catch (error) {
            gate.open(false);
            typeErrorStop.abort();
            throw error;
          }
          if (diagnostics.length > 0) {
            // Nothing the code did reached anyone: its calls were held and its output is dropped.
            gate.open(false);
            typeErrorStop.abort();
            output.release(false);
            // Killed for its type error, which is what this run reports; its runner is torn down like any other.
            tearDown = (await execution.catch(() => undefined))?.tearDown;
            return reportTypeErrors();
          }
          gate.open(true);
          output.release(true);
          setStatus('running');
          clock.start();
          mark('running written');
        }
        const result = await execution;
        mark('execution returned');
        exitCode = result.exitCode;
        sandboxId = result.sandboxId;
        tearDown = result.tearDown;
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
      output.release(false); // output still held means the check did not pass (or never ended): none of it is shown
      await output.close();
      mark('log closed');
      const details: RunDetails = { toolCalls: [...toolCalls.values()], diagnostics, code: req.code.slice(0, KEPT_CODE_CHARS) };
      const final = summary(status, exitCode);
      this.active.delete(id);
      const result: RunResult = {
        ...final,
        stdout: output.stdout.join(''),
        stderr: output.stderr.join(''),
        diagnostics,
        logPath,
        toolCalls: details.toolCalls,
        code: details.code,
      };
      this.results.set(id, result);
      this.unrecorded.set(id, final);
      handle.publish({ type: 'status', data: status });
      mark('finished');
      handle.finish(result);
      // The answer first: whoever waits for the run (a person, a model) does not wait for its records.
      // Then its records, then its runner's teardown (what the run left on the host): both done, the run is recorded.
      const recorded = new Promise<void>((resolve) => setImmediate(resolve))
        // After the caller's answer (the gateway's), and one turn more: the answer is on its way before the disk writes.
        .then(() => handle.answered().catch(() => undefined)) // the caller's failure is its own to report
        .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
        .then(() => this.record(final, details, result))
        // Listed from its records from now on (they hold what was attached meanwhile, the ledger), not from memory.
        .finally(() => this.unrecorded.delete(id))
        .then(() => tearDown?.().catch((error: unknown) => this.opts.onRecordProblem?.(id, `the run's sandbox was not cleaned up: ${describeFsError(error, this.opts.dataDir)}`)));
      this.recording.add(recorded);
      void recorded.finally(() => {
        mark('recorded');
        handle.phases.flush();
        this.recording.delete(recorded);
        handle.markRecorded();
      });
    }
  }

  /**
   * Writes a finished run's records: details before the final summary (a process that sees the run end, watching the
   * summaries, finds its details there). The run has answered already, so a failure is kept in its notice (shown in
   * the app's run list and `get`) and reported on stderr, not thrown.
   */
  private record(final: RunSummary, details: RunDetails, result: RunResult): void {
    const problems: string[] = [];
    try {
      this.records.writeDetails(final.id, details);
    } catch (error) {
      problems.push(`the run's tool calls could not be saved: ${describeFsError(error, this.records.runsDir)}`);
    }
    try {
      // The context ledger may have been attached meanwhile (gateway): it is kept.
      this.records.writeSummary({ ...final, ledger: result.ledger ?? final.ledger });
    } catch (error) {
      this.records.removeSummary(final.id);
      problems.push(`the run's record could not be saved: ${describeFsError(error, this.records.runsDir)}`);
    }
    if (problems.length === 0) return;
    result.notice = [result.notice, ...problems].filter(Boolean).join('\n');
    this.opts.onRecordProblem?.(final.id, problems.join('; '));
  }

  /**
   * Whether the type-check may run while the code already executes: only where nothing can leave the sandbox before
   * the check passes. Locally without allowed domains the code has no network; its tool calls wait at the bridge and
   * its output waits in the recorder until the check passes, and a type error ends it with both dropped. (It may have
   * written to its own workspace meanwhile, which stays in the sandbox.) E2B runs, and runs with network, check first.
   */
  private mayCheckBesideRun(req: RunRequest): boolean {
    return this.chooseBackend(req) === 'local' && (this.opts.allowedDomains ?? []).length === 0;
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
    checkPassed?: Promise<boolean>,
    mark?: (phase: string) => void,
  ): Promise<{ exitCode: number | null; sandboxId?: string; tearDown?: () => Promise<void> }> {
    const intercept = this.opts.interceptCall;
    const run = async (name: BackendName) => {
      const backend = this.backends.get(name)!;
      const ready = await backend.available();
      mark?.('backend available');
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
        heldUntil: checkPassed,
        onToolCall: (event) => {
          toolCalls.set(event.id, event);
          publish({ type: 'toolCall', data: event });
        },
        taskWhenOptional: req.taskWhenOptional,
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
        onStdout: (chunk) => output.fromRun('stdout', chunk),
        onStderr: (chunk) => output.fromRun('stderr', chunk),
        onNotice: (message) => publish({ type: 'notice', data: message }),
        mark,
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

/** Opens once: `passed` resolves true when the type-check passed, false when it found errors (or could not run). */
class CheckGate {
  readonly passed: Promise<boolean>;
  private resolve!: (passed: boolean) => void;

  constructor() {
    this.passed = new Promise((resolve) => (this.resolve = resolve));
  }

  open(passed: boolean): void {
    this.resolve(passed);
  }
}


