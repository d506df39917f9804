// E2B cloud sandbox backend: uploads the generated API, skills and the session's workspace, runs the command in the
// background with stdin open, carries the bridge on stdin/stdout (frames behind the run's secret) and syncs the
// workspace back. Selected when an E2B API key is configured; RunManager falls back to local when E2B is unreachable.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CommandExitError, Sandbox, type CommandHandle } from 'e2b';
import { FrameDemuxer } from './bridge';
import { NODE_RUNNER_SOURCE, PY_RUNNER_SOURCE } from './runtime/sources';
import { SandboxError, type SandboxBackend, type SandboxExecRequest, type SandboxExecResult } from './types';

export interface E2BSandboxOptions {
  apiKey?: string;
  /** E2B template; the default base image has Node and Python 3. */
  template?: string;
  /** How long to wait for E2B before falling back to local. */
  connectTimeoutMs?: number;
}

const REMOTE_ROOT = '/home/user/skillgraph';
const REMOTE_WORKSPACE = `${REMOTE_ROOT}/workspace`;
/** Workspace files larger than this are not copied back (they stay listed in a notice). */
const MAX_SYNC_BYTES = 64 * 1024 * 1024;

function listFiles(root: string, prefix = ''): string[] {
  let entries;
  try {
    entries = readdirSync(path.join(root, prefix), { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) return listFiles(root, relative);
    return entry.isFile() ? [relative] : [];
  });
}

export class E2BSandboxBackend implements SandboxBackend {
  readonly name = 'e2b' as const;

  constructor(private readonly options: E2BSandboxOptions = {}) {}

  private get apiKey(): string | undefined {
    return this.options.apiKey ?? process.env.E2B_API_KEY;
  }

  async available(): Promise<{ ok: boolean; reason?: string }> {
    if (!this.apiKey) return { ok: false, reason: 'no E2B API key: set E2B_API_KEY or the e2bApiKey setting' };
    return { ok: true };
  }

  async initialize(): Promise<void> {
    // Each run gets a fresh cloud sandbox; there is nothing to start ahead of time.
  }

  async execute(req: SandboxExecRequest): Promise<SandboxExecResult> {
    const apiKey = this.apiKey;
    if (!apiKey) throw new SandboxError('backend-unavailable', 'no E2B API key: set E2B_API_KEY or the e2bApiKey setting');
    let sandbox: Sandbox;
    try {
      const opts = { apiKey, timeoutMs: req.limits.timeoutMs + 120_000, requestTimeoutMs: this.options.connectTimeoutMs ?? 15_000 };
      sandbox = this.options.template ? await Sandbox.create(this.options.template, opts) : await Sandbox.create(opts);
    } catch (error) {
      throw new SandboxError('backend-unavailable', `E2B could not be reached: ${(error as Error).message}`);
    }
    try {
      await this.upload(sandbox, req);
      const result = await this.run(sandbox, req);
      await this.syncWorkspaceBack(sandbox, req);
      return result;
    } finally {
      await sandbox.kill().catch(() => undefined);
    }
  }

  async dispose(): Promise<void> {}

  private async upload(sandbox: Sandbox, req: SandboxExecRequest): Promise<void> {
    const files: { path: string; data: string | ArrayBuffer }[] = [];
    const add = (hostRoot: string, remoteRoot: string): void => {
      for (const relative of listFiles(hostRoot)) {
        const bytes = readFileSync(path.join(hostRoot, relative));
        files.push({ path: `${remoteRoot}/${relative}`, data: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer });
      }
    };
    add(path.join(req.apiDir, 'servers'), `${REMOTE_ROOT}/servers`);
    add(path.join(req.apiDir, 'skills'), `${REMOTE_ROOT}/skills`);
    add(req.workspaceDir, REMOTE_WORKSPACE);
    files.push({ path: `${REMOTE_ROOT}/.runtime/runner.mjs`, data: NODE_RUNNER_SOURCE });
    files.push({ path: `${REMOTE_ROOT}/.runtime/runner.py`, data: PY_RUNNER_SOURCE });
    files.push({ path: `${REMOTE_ROOT}/.runtime/${req.runId}.${req.runtime === 'node' ? 'mjs' : 'py'}`, data: req.code });
    await sandbox.files.makeDir(REMOTE_WORKSPACE);
    for (let i = 0; i < files.length; i += 100) await sandbox.files.write(files.slice(i, i + 100));
  }

  private async run(sandbox: Sandbox, req: SandboxExecRequest): Promise<SandboxExecResult> {
    const entry = `${REMOTE_ROOT}/.runtime/${req.runId}.${req.runtime === 'node' ? 'mjs' : 'py'}`;
    const command =
      req.runtime === 'node'
        ? `node --max-old-space-size=${req.limits.memoryMb} --enable-source-maps ${REMOTE_ROOT}/.runtime/runner.mjs ${entry}`
        : `python3 -u -X utf8 ${REMOTE_ROOT}/.runtime/runner.py ${entry}`;
    let handle: CommandHandle | undefined;
    const replies: string[] = [];
    let sending = Promise.resolve();
    // Replies go out in order, one stdin write at a time; a run that ended just drops them.
    const reply = (line: string): void => {
      replies.push(line);
      sending = sending.then(async () => {
        const next = replies.shift();
        if (next !== undefined && handle) await handle.sendStdin(next).catch(() => undefined);
      });
    };
    const demuxer = new FrameDemuxer(req.bridge.secret, req.onStdout, (line) => req.bridge.handleFrame(line, reply));
    const stop = (): void => void handle?.kill().catch(() => undefined);
    req.signal.addEventListener('abort', stop, { once: true });
    try {
      handle = await sandbox.commands.run(command, {
        background: true,
        stdin: true,
        cwd: REMOTE_WORKSPACE,
        timeoutMs: 0,
        envs: {
          SKILLGRAPH_BRIDGE_STDIO: '1',
          SKILLGRAPH_BRIDGE_SECRET: req.bridge.secret,
          SKILLGRAPH_API_DIR: REMOTE_ROOT,
          SKILLGRAPH_MEMORY_BYTES: String(req.limits.memoryMb * 1024 * 1024),
        },
        onStdout: (data) => demuxer.push(data),
        onStderr: (data) => req.onStderr(data),
      });
      if (req.signal.aborted) stop();
      try {
        const result = await handle.wait();
        return { exitCode: result.exitCode };
      } catch (error) {
        if (error instanceof CommandExitError) return { exitCode: error.exitCode };
        if (req.signal.aborted) return { exitCode: null, signal: 'SIGKILL' };
        throw error;
      }
    } finally {
      demuxer.flush();
      req.signal.removeEventListener('abort', stop);
      req.bridge.close();
    }
  }

  /** The session's workspace persists between runs, so what the run wrote comes back to the host. */
  private async syncWorkspaceBack(sandbox: Sandbox, req: SandboxExecRequest): Promise<void> {
    const entries = await sandbox.files.list(REMOTE_WORKSPACE, { depth: 20 });
    const skipped: string[] = [];
    for (const entry of entries) {
      if (entry.type !== 'file') continue;
      const relative = path.posix.relative(REMOTE_WORKSPACE, entry.path);
      if (relative.startsWith('..')) continue;
      if (entry.size > MAX_SYNC_BYTES) {
        skipped.push(relative);
        continue;
      }
      const local = path.join(req.workspaceDir, ...relative.split('/'));
      try {
        if (statSync(local).size === entry.size && entry.modifiedTime && statSync(local).mtimeMs >= entry.modifiedTime.getTime()) continue;
      } catch {
        // new file
      }
      const bytes = await sandbox.files.read(entry.path, { format: 'bytes' });
      mkdirSync(path.dirname(local), { recursive: true });
      writeFileSync(local, bytes);
    }
    if (skipped.length > 0) req.onNotice(`workspace files over 64 MB stayed in the E2B sandbox: ${skipped.join(', ')}`);
  }
}
