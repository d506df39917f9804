// E2B cloud sandbox backend: one E2B sandbox per session, kept between runs (connected by id, paused by E2B after the
// idle timeout, resumed by the next run); before a run only what changed is uploaded (API tree, skills, workspace, by
// content hash), the bridge rides stdin/stdout behind the run's secret, and afterwards the workspace comes back exactly.
// Used when the backend setting (or a run's --backend) is e2b; RunManager falls back to local when E2B is unavailable.
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CommandHandle, Sandbox, SandboxOpts } from 'e2b';
import { e2b } from '../heavy-modules';
import { FrameDemuxer } from './bridge';
import { resolveE2BApiKey } from './e2b-key';
import { E2BSessionMap, sessionSandboxState, type SessionSandbox } from './e2b-sessions';
import { LocalFolderTree, applySync, planSync, snapshotFromJson, snapshotToJson, type TreeSnapshot } from './e2b-sync';
import { E2BSandboxTree, SNAPSHOT_SCRIPT, shellQuote } from './e2b-tree';
import { runtimeSource } from '../runtime/sources';
import { SandboxError, type SandboxBackend, type SandboxExecRequest, type SandboxExecResult } from './types';

/** What the E2B backend reads from settings at every run, so a changed key, template or timeout needs no restart. */
export interface E2BSettings {
  /** The e2bApiKey setting as written: a key, `${env:NAME}`, or unset (then E2B_API_KEY). */
  apiKey?: string;
  template?: string;
  idleTimeoutMinutes?: number;
}

export interface E2BSandboxOptions {
  settings?: () => E2BSettings;
  /** Holds e2b/sessions.json; a temporary folder (sessions last as long as this backend) when omitted. */
  dataDir?: string;
  /** The E2B API's address (self-hosted E2B; tests point it at a closed local port). */
  apiUrl?: string;
  /** How long to wait for E2B to answer a control request (create, connect, probe) before falling back to local. */
  connectTimeoutMs?: number;
}

const REMOTE_ROOT = '/home/user/skillgraph';
const REMOTE_WORKSPACE = `${REMOTE_ROOT}/workspace`;
const REMOTE_RUNTIME = `${REMOTE_ROOT}/.runtime`;
const SNAPSHOT_PATH = `${REMOTE_RUNTIME}/snapshot.cjs`;
/** A reachability answer is reused this long (the status bar asks often; every run asks too). */
const PROBE_TTL_MS = 30_000;
const DEFAULT_IDLE_MINUTES = 10;
/** Every IPv4 address, as the SDK's ALL_TRAFFIC (a constant here so the rules need no SDK loaded). */
const ALL_TRAFFIC = '0.0.0.0/0';

/** The runtime every session sandbox needs, by file name in .runtime/ (baked into the template by e2b/write-runtime.ts). */
export function runtimeFiles(): Record<string, string> {
  return { 'runner.mjs': runtimeSource('runner.mjs'), 'runner.py': runtimeSource('runner.py'), 'snapshot.cjs': SNAPSHOT_SCRIPT };
}

/**
 * The SDK's outbound rules for the allowed domains: none means no internet at all; otherwise every address is
 * denied and the domains allowed. `caveat` says what E2B cannot express of the local sandbox's rules.
 */
export function e2bNetwork(allowedDomains: string[]): { opts: Pick<SandboxOpts, 'allowInternetAccess' | 'network'>; caveat?: string } {
  const domains = [...new Set(allowedDomains.map((d) => d.trim().toLowerCase()).filter(Boolean))].sort();
  if (domains.length === 0) return { opts: { allowInternetAccess: false } };
  return {
    opts: { network: { allowOut: domains, denyOut: [ALL_TRAFFIC] } },
    caveat:
      'on E2B the allowed domains apply to HTTP (port 80) and HTTPS (port 443) only: other ports and UDP (QUIC) to them are blocked, and a blocked connection may look open from inside the sandbox before it fails',
  };
}

/** What a failed E2B request means for the user, in one sentence. */
export function describeE2BFailure(error: unknown): string {
  if (error instanceof e2b().AuthenticationError) return `E2B rejected the API key (${error.message})`;
  const e = error as { message?: string; cause?: { code?: string; message?: string } };
  const cause = e?.cause?.code ?? e?.cause?.message;
  return `E2B could not be reached: ${e?.message ?? String(error)}${cause ? ` (${cause})` : ''}`;
}

export class E2BSandboxBackend implements SandboxBackend {
  readonly name = 'e2b' as const;
  private readonly sessions: E2BSessionMap;
  private readonly localTrees = new Map<string, LocalFolderTree>();
  /** One run at a time per session: a session is one sandbox and one workspace, synced after each run. */
  private readonly sessionLocks = new Map<string, Promise<unknown>>();
  private probe: { key: string; at: number; result: Promise<{ ok: boolean; reason?: string }> } | undefined;

  constructor(private readonly options: E2BSandboxOptions = {}) {
    this.sessions = new E2BSessionMap(options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'sg-e2b-')));
  }

  private settings(): Required<Pick<E2BSettings, 'idleTimeoutMinutes'>> & E2BSettings {
    const current = this.options.settings?.() ?? {};
    return { ...current, idleTimeoutMinutes: current.idleTimeoutMinutes ?? DEFAULT_IDLE_MINUTES };
  }

  private connection(key: string): { apiKey: string; apiUrl?: string; requestTimeoutMs: number } {
    return { apiKey: key, ...(this.options.apiUrl ? { apiUrl: this.options.apiUrl } : {}), requestTimeoutMs: this.options.connectTimeoutMs ?? 15_000 };
  }

  /** A key is configured and E2B answers with it (asked at most every 30 s). */
  async available(): Promise<{ ok: boolean; reason?: string }> {
    const resolved = resolveE2BApiKey(this.settings().apiKey);
    if (resolved.key === undefined) return { ok: false, reason: resolved.reason };
    const key = resolved.key;
    if (!this.probe || this.probe.key !== key || Date.now() - this.probe.at > PROBE_TTL_MS) {
      const result = e2b().Sandbox.list({ ...this.connection(key), limit: 1 })
        .nextItems()
        .then(
          () => ({ ok: true }),
          (error: unknown) => ({ ok: false, reason: describeE2BFailure(error) }),
        );
      this.probe = { key, at: Date.now(), result };
    }
    return this.probe.result;
  }

  async initialize(): Promise<void> {
    // Sandboxes are per session and made by the first run of each; nothing to start ahead of time.
  }

  execute(req: SandboxExecRequest): Promise<SandboxExecResult> {
    const session = req.session ?? createHash('sha256').update(req.workspaceDir).digest('hex').slice(0, 16);
    const previous = this.sessionLocks.get(session) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => this.executeInSession(session, req)); // the previous run's failure is its own caller's; this one only waits its turn
    this.sessionLocks.set(session, run);
    void run.finally(() => {
      if (this.sessionLocks.get(session) === run) this.sessionLocks.delete(session);
    }).catch(() => undefined); // `run` is returned to the caller, who sees its failure
    return run;
  }

  /** Session sandboxes stay in E2B (they pause when idle); nothing here holds a process or a socket. */
  async dispose(): Promise<void> {}

  /** Kills the session's sandbox and forgets it (Clear session); the next run starts a fresh one. */
  async forgetSession(session: string): Promise<void> {
    const entry = this.sessions.get(session);
    this.sessions.forget(session);
    const key = resolveE2BApiKey(this.settings().apiKey).key;
    if (entry && key) await e2b().Sandbox.kill(entry.sandboxId, this.connection(key));
  }

  private async executeInSession(session: string, req: SandboxExecRequest): Promise<SandboxExecResult> {
    const resolved = resolveE2BApiKey(this.settings().apiKey);
    if (resolved.key === undefined) throw new SandboxError('backend-unavailable', resolved.reason);
    const settings = this.settings();
    const idleTimeoutMs = settings.idleTimeoutMinutes * 60_000;
    const { sandbox, entry } = await this.sandboxFor(session, resolved.key, settings.template ?? '', idleTimeoutMs, req);
    const manifests: SessionSandbox['manifests'] = { ...entry.manifests };
    const workspace = { host: this.localTree(req.workspaceDir, 'the workspace on this computer'), remote: new E2BSandboxTree(sandbox, { root: REMOTE_WORKSPACE, snapshotScript: SNAPSHOT_PATH, user: 'user', label: `the workspace in E2B sandbox ${sandbox.sandboxId}` }) };
    let uploadedWorkspace: TreeSnapshot;
    try {
      await this.uploadRuntime(sandbox, manifests);
      for (const folder of ['servers', 'skills'] as const) {
        const host = this.localTree(path.join(req.apiDir, folder), `the API tree (${folder}/)`);
        // Owned by root in the sandbox, so code running as the sandbox's user can read but not change it.
        const remote = new E2BSandboxTree(sandbox, { root: `${REMOTE_ROOT}/${folder}`, snapshotScript: SNAPSHOT_PATH, user: 'root', label: `${folder}/ in E2B sandbox ${sandbox.sandboxId}` });
        manifests[folder] = snapshotToJson(await this.mirror(host, remote, snapshotFromJson(manifests[folder] ?? {})));
      }
      uploadedWorkspace = await this.mirror(workspace.host, workspace.remote, snapshotFromJson(manifests.workspace ?? {}));
      manifests.workspace = snapshotToJson(uploadedWorkspace);
    } catch (error) {
      // What the sandbox holds is unknown now: the next run compares from nothing and uploads everything again.
      this.sessions.touch(session, {}, idleTimeoutMs);
      throw error;
    }
    const entryFile = `${REMOTE_RUNTIME}/${req.runId}.${req.runtime === 'node' ? 'mjs' : 'py'}`;
    await sandbox.files.write(entryFile, req.code, { user: 'root' });
    let result: SandboxExecResult;
    try {
      result = await this.run(sandbox, entryFile, req);
    } finally {
      await this.endLeftovers(sandbox, entryFile, req);
    }
    try {
      const after = await workspace.remote.snapshot();
      const plan = planSync(after, uploadedWorkspace);
      await applySync(plan, after, workspace.remote, workspace.host);
      manifests.workspace = snapshotToJson(after);
    } catch (error) {
      // Left as uploaded, so the next run keeps the sandbox's copy and tries the copy back again after it.
      req.onNotice(`the workspace could not be copied back from E2B sandbox ${sandbox.sandboxId}: ${error instanceof Error ? error.message : String(error)}; the run's files stay in the sandbox and are copied back after the session's next run`);
    }
    this.sessions.touch(session, manifests, idleTimeoutMs);
    // Idle time counts from the end of the run: E2B pauses the sandbox when it runs out.
    await sandbox.setTimeout(idleTimeoutMs).catch((error: unknown) => req.onNotice(`the E2B sandbox's idle timeout could not be set: ${describeE2BFailure(error)}`));
    return { ...result, sandboxId: sandbox.sandboxId };
  }

  /** The session's sandbox: the one it had (resumed if paused) or a new one when it has none, it expired or it is gone. */
  private async sandboxFor(session: string, key: string, template: string, idleTimeoutMs: number, req: SandboxExecRequest): Promise<{ sandbox: Sandbox; entry: SessionSandbox }> {
    const connection = this.connection(key);
    const network = e2bNetwork(req.allowedDomains);
    const domains = network.opts.network?.allowOut as string[] | undefined ?? [];
    if (network.caveat) req.onNotice(network.caveat);
    const lifetime = req.limits.timeoutMs + idleTimeoutMs;
    const known = this.sessions.get(session);
    if (known && known.template === template && sessionSandboxState(known, Date.now()) !== 'expired') {
      try {
        const sandbox = await e2b().Sandbox.connect(known.sandboxId, { ...connection, timeoutMs: lifetime });
        // Settings changed the allowed domains since the sandbox was made: the update replaces its rules.
        if (JSON.stringify(known.allowedDomains) !== JSON.stringify(domains)) {
          await sandbox.updateNetwork(domains.length ? { allowOut: domains, denyOut: [ALL_TRAFFIC] } : { allowInternetAccess: false });
          known.allowedDomains = domains;
          this.sessions.set(session, known);
        }
        return { sandbox, entry: known };
      } catch (error) {
        if (!(error instanceof e2b().NotFoundError)) throw new SandboxError('backend-unavailable', describeE2BFailure(error));
        req.onNotice(`the session's E2B sandbox ${known.sandboxId} is gone (${error.message}); a new one is started and the workspace uploaded again`);
      }
    } else if (known) {
      const why = known.template !== template ? 'the template setting changed' : 'it was idle past the retention';
      req.onNotice(`the session's E2B sandbox ${known.sandboxId} is replaced: ${why}`);
      await e2b().Sandbox.kill(known.sandboxId, connection).catch((error: unknown) => req.onNotice(`the old E2B sandbox ${known.sandboxId} could not be killed: ${describeE2BFailure(error)}`));
    }
    let sandbox: Sandbox;
    try {
      const opts: SandboxOpts = {
        ...connection,
        ...network.opts,
        timeoutMs: lifetime,
        lifecycle: { onTimeout: 'pause' },
        metadata: { app: 'skillgraph', session },
      };
      sandbox = template ? await e2b().Sandbox.create(template, opts) : await e2b().Sandbox.create(opts);
    } catch (error) {
      throw new SandboxError('backend-unavailable', describeE2BFailure(error));
    }
    await sandbox.commands.run(
      `mkdir -p ${REMOTE_RUNTIME} ${REMOTE_ROOT}/servers ${REMOTE_ROOT}/skills ${REMOTE_WORKSPACE} && chown root:root ${REMOTE_ROOT} ${REMOTE_RUNTIME} ${REMOTE_ROOT}/servers ${REMOTE_ROOT}/skills && chown user:user ${REMOTE_WORKSPACE}`,
      { user: 'root' },
    );
    const entry: SessionSandbox = { sandboxId: sandbox.sandboxId, template, allowedDomains: domains, createdAt: Date.now(), lastUsedAt: Date.now(), idleTimeoutMs, manifests: {} };
    if (template) entry.manifests.runtime = await this.bakedRuntime(sandbox);
    this.sessions.set(session, entry);
    return { sandbox, entry };
  }

  private localTree(root: string, label: string): LocalFolderTree {
    let tree = this.localTrees.get(root);
    if (!tree) this.localTrees.set(root, (tree = new LocalFolderTree(root, label)));
    return tree;
  }

  /** Makes `remote` hold what `host` holds, given what it held last; returns the host's snapshot. */
  private async mirror(host: LocalFolderTree, remote: E2BSandboxTree, known: TreeSnapshot): Promise<TreeSnapshot> {
    const source = await host.snapshot();
    await applySync(planSync(source, known), source, host, remote);
    return source;
  }

  /** What a template baked into .runtime/ (e2b/e2b.Dockerfile), so files already there are not uploaded again. */
  private async bakedRuntime(sandbox: Sandbox): Promise<Record<string, [number, string]>> {
    const files = runtimeFiles();
    const names = Object.keys(files);
    const listed = await sandbox.commands.run(`cd ${REMOTE_RUNTIME} && sha256sum ${names.join(' ')} 2>/dev/null; true`, { user: 'root' });
    const baked: Record<string, [number, string]> = {};
    for (const line of listed.stdout.split('\n')) {
      const match = /^([0-9a-f]{64})\s+\*?(\S+)$/.exec(line.trim());
      if (match && names.includes(match[2])) baked[match[2]] = [Buffer.byteLength(files[match[2]]), match[1]];
    }
    return baked;
  }

  private async uploadRuntime(sandbox: Sandbox, manifests: SessionSandbox['manifests']): Promise<void> {
    const files = runtimeFiles();
    const wanted = Object.fromEntries(Object.entries(files).map(([name, text]) => [name, [Buffer.byteLength(text), createHash('sha256').update(text).digest('hex')] as [number, string]]));
    const stale = Object.keys(wanted).filter((name) => manifests.runtime?.[name]?.[1] !== wanted[name][1]);
    if (stale.length === 0) return;
    await sandbox.files.write(stale.map((name) => ({ path: `${REMOTE_RUNTIME}/${name}`, data: files[name] })), { user: 'root' });
    manifests.runtime = wanted;
  }

  /** Stop ends everything: whatever the run left behind (background processes) is killed with it, as locally. */
  private async endLeftovers(sandbox: Sandbox, entryFile: string, req: SandboxExecRequest): Promise<void> {
    try {
      // kill -1 signals every process the sandbox's user owns except the shell itself; the sandbox's agent runs as root.
      await sandbox.commands.run(`kill -9 -1 2>/dev/null; rm -f ${shellQuote(entryFile)}; true`, { user: 'user' });
    } catch (error) {
      if (!(error instanceof e2b().CommandExitError)) req.onNotice(`processes the run left in E2B sandbox ${sandbox.sandboxId} could not be ended: ${describeE2BFailure(error)}`);
    }
  }

  private async run(sandbox: Sandbox, entry: string, req: SandboxExecRequest): Promise<SandboxExecResult> {
    const command =
      req.runtime === 'node'
        ? `node --max-old-space-size=${req.limits.memoryMb} --enable-source-maps ${REMOTE_RUNTIME}/runner.mjs ${entry}`
        : `python3 -u -X utf8 ${REMOTE_RUNTIME}/runner.py ${entry}`;
    let handle: CommandHandle | undefined;
    const replies: string[] = [];
    let sending = Promise.resolve();
    // Replies go out in order, one stdin write at a time; a run that ended just drops them.
    const reply = (line: string): void => {
      replies.push(line);
      sending = sending.then(async () => {
        const next = replies.shift();
        if (next !== undefined && handle) await handle.sendStdin(next).catch(() => undefined); // the command has ended: a reply it can no longer read is moot
      });
    };
    const demuxer = FrameDemuxer.forBridge(req.bridge, req.onStdout, reply);
    const stop = (): void => void handle?.kill().catch(() => undefined); // Stop after the command ended: nothing left to kill
    req.signal.addEventListener('abort', stop, { once: true });
    try {
      handle = await sandbox.commands.run(command, {
        background: true,
        stdin: true,
        cwd: REMOTE_WORKSPACE,
        user: 'user',
        timeoutMs: 0,
        // Only these: nothing of the host's environment (keys, tokens) reaches the sandbox.
        envs: {
          SKILLGRAPH_BRIDGE_STDIO: '1',
          SKILLGRAPH_BRIDGE_SECRET: req.bridge.secret,
          SKILLGRAPH_API_DIR: REMOTE_ROOT,
          SKILLGRAPH_MEMORY_BYTES: String(req.limits.memoryMb * 1024 * 1024),
          PYTHONDONTWRITEBYTECODE: '1',
        },
        onStdout: (data) => demuxer.push(data),
        onStderr: (data) => req.onStderr(data),
      });
      if (req.signal.aborted) stop();
      try {
        const result = await handle.wait();
        return { exitCode: result.exitCode };
      } catch (error) {
        if (req.signal.aborted) return { exitCode: null, signal: 'SIGKILL' };
        if (error instanceof e2b().CommandExitError) return { exitCode: error.exitCode };
        throw error;
      }
    } finally {
      demuxer.flush();
      req.signal.removeEventListener('abort', stop);
      req.bridge.close();
    }
  }
}
