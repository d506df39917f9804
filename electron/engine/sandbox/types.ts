// Contracts of the sandbox module: the narrow capability to call tools (ToolCaller), the backend interface
// every sandbox implements (local, E2B), run limits, and the typed errors a user can act on.
import { SkillgraphError } from '../../../shared/errors';
import type { BackendName, ToolCallEvent, ToolCallTask } from '../../../shared/types';

/** How the host follows one call: the status of a call that runs as an MCP task, and whether optional tasks are used. */
export interface ToolCallWatch {
  onTaskStatus?(task: ToolCallTask): void;
  /** Run tools whose task support is optional as tasks (the run is followed live, e.g. by an agent with a progress token). */
  taskWhenOptional?: boolean;
}

/** The one capability sandboxed code gets: call a tool, receive decoded data or an Error whose message says why. */
export interface ToolCaller {
  call(server: string, tool: string, args: unknown, signal?: AbortSignal, watch?: ToolCallWatch): Promise<unknown>;
}

export interface SandboxLimits {
  /** Wall-clock limit of one run. */
  timeoutMs: number;
  /** Heap (Node) / address space (Python) and, where cgroups exist, the whole process tree. */
  memoryMb: number;
  /** Bytes of stdout+stderr forwarded to listeners and kept in RunResult; the full log stays on disk. */
  outputCapBytes: number;
  /** Bytes written to the on-disk log before the run is killed (a script printing without end). */
  logCapBytes: number;
  /** Processes and threads the run may hold at once (fork bombs), where cgroups are available. */
  maxProcesses: number;
  /** Bytes of one bridge frame (a tool call's arguments); a longer one ends the run. */
  bridgeFrameBytes: number;
  /** Bytes of tool calls in flight plus replies the code has not read yet; more ends the run. */
  bridgeInFlightBytes: number;
  /** Bytes the session's workspace may hold on disk; checked before and during a run (see README). */
  workspaceQuotaBytes: number;
}

export const DEFAULT_LIMITS: SandboxLimits = {
  timeoutMs: 60_000,
  memoryMb: 512,
  outputCapBytes: 1024 * 1024,
  logCapBytes: 64 * 1024 * 1024,
  maxProcesses: 256,
  bridgeFrameBytes: 16 * 1024 * 1024,
  bridgeInFlightBytes: 64 * 1024 * 1024,
  workspaceQuotaBytes: 1024 * 1024 * 1024,
};

/** What the sandbox executes: TypeScript and JavaScript are bundled to one ESM file run by Node. */
export type SandboxRuntime = 'node' | 'python';

/** Why the host stopped a run; passed as the AbortSignal's reason. */
export type StopReason = 'cancelled' | 'timeout' | 'output-limit' | 'bridge-limit' | 'workspace-quota' | 'disk-full';

export interface BridgeCall {
  id: number;
  server: string;
  tool: string;
  args: unknown;
}

/** Host side of the bridge as a backend sees it: give it frames, it answers through `reply`. */
export interface BridgeEndpoint {
  /** Per-run secret every frame carries, so printed text is never taken for a call. */
  readonly secret: string;
  handleFrame(line: string, reply: (line: string) => void): void;
  /** What a transport may buffer: one frame, and calls plus unread replies in flight. */
  readonly limits: { frameBytes: number; inFlightBytes: number };
  /** The transport saw more than `limits` allow: the run ends with this sentence. */
  limitExceeded(message: string): void;
  /** A frame passed `limits.frameBytes`: the run ends with the one sentence every transport uses for it. */
  frameTooLong(): void;
  /** Calls still in flight are aborted when the process ends. */
  close(): void;
}

export interface SandboxExecRequest {
  runId: string;
  /** The session the run belongs to (its workspace); E2B keeps one sandbox per session. */
  session?: string;
  runtime: SandboxRuntime;
  /** The bundled module (node) or script (python). */
  code: string;
  /** Host folder holding the generated `servers/` and `skills/`. */
  apiDir: string;
  /** Host folder of the session's workspace (the only writable place). */
  workspaceDir: string;
  /** Host folder where the backend may stage the entry file (readable in the sandbox, outside the workspace). */
  stagingDir: string;
  limits: SandboxLimits;
  allowedDomains: string[];
  bridge: BridgeEndpoint;
  signal: AbortSignal;
  onStdout(chunk: string): void;
  onStderr(chunk: string): void;
  onNotice(message: string): void;
  /** Marks a phase of the run (profiling, run-phases.ts); a no-op unless profiling. */
  mark?(phase: string): void;
}

export interface SandboxExecResult {
  exitCode: number | null;
  /** Signal that ended the process, when it did not exit by itself. */
  signal?: string;
  /** The cloud sandbox the run used (E2B), shown with the run. */
  sandboxId?: string;
  /**
   * Removes what the run left on the host (a local runner's exit, pipes, cgroup and TMPDIR); the caller calls it once
   * the run has answered, and the backend's dispose() does it for any run whose caller did not.
   */
  tearDown?: () => Promise<void>;
}

export interface SandboxBackend {
  readonly name: BackendName;
  available(): Promise<{ ok: boolean; reason?: string }>;
  /** Starts what later runs reuse (proxies, warm runners). Safe to call many times. */
  initialize(): Promise<void>;
  execute(req: SandboxExecRequest): Promise<SandboxExecResult>;
  /** Pre-spawns a runner for this workspace so the next run starts without process start-up; resolves when it is ready (true) or failed (false). */
  warm?(runtime: SandboxRuntime, apiDir: string, workspaceDir: string, stagingDir: string, limits: SandboxLimits, allowedDomains: string[]): Promise<boolean>;
  dispose(): Promise<void>;
}

export type ToolCallListener = (event: ToolCallEvent) => void;

/** A problem the user can fix, with the sentence to show them. */
export class SandboxError extends SkillgraphError {
  constructor(
    override readonly code: 'backend-unavailable' | 'bad-request' | 'not-found' | 'bundle-failed',
    message: string,
  ) {
    super(code, message);
  }
}
