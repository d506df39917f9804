// Approval before a run calls a tool that writes. The gateway (`skillgraph mcp`) and the app may be separate processes
// sharing the data folder, so the queue lives in files: <data>/approvals/<id>.json is a pending request, the app answers
// with <id>.decision.json, the requester removes both. Each side notices changes through fs.watch plus a slow poll.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { EventSink } from '../../../shared/contract';
import { NotFoundError } from '../../../shared/errors';
import type { ToolDoc } from '../../../shared/types';
import { writeFileAtomic } from '../atomic-write';
import { processAlive } from '../process-alive';

export interface PendingApproval {
  id: string;
  runId: string;
  server: string;
  tool: string;
  argsPreview: string;
  requestedAt: number;
}

export interface ApprovalRequest {
  runId: string;
  server: string;
  tool: string;
  args: unknown;
}

export type ApprovalOutcome = { allow: true } | { allow: false; reason: string };

interface Decision {
  allow: boolean;
  decidedAt: number;
}

const ID = /^[a-f0-9-]{36}$/;
const PREVIEW_CHARS = 600;
const POLL_MS = 500;
export const DEFAULT_APPROVAL_TIMEOUT_MS = 10 * 60_000;

/** True when a call to this tool needs the user's approval: not annotated read-only, unknown, or listed as writing. */
export function isWritingTool(server: string, tool: string, docs: readonly ToolDoc[], writeTools: readonly string[]): boolean {
  if (writeTools.includes(`${server}/${tool}`)) return true;
  const doc = docs.find((d) => d.server === server && d.tool === tool);
  return !doc?.readOnly;
}

export class ApprovalQueue {
  readonly dir: string;
  private readonly waiters = new Map<string, (decision: Decision) => void>();
  private watcher: fs.FSWatcher | undefined;
  private poll: NodeJS.Timeout | undefined;
  private lastSignature = '';
  private users = 0;

  constructor(
    dataDir: string,
    private readonly emit?: EventSink,
  ) {
    this.dir = path.join(dataDir, 'approvals');
  }

  /** Calls waiting for a decision, oldest first. */
  list(): PendingApproval[] {
    const pending: PendingApproval[] = [];
    for (const name of this.names()) {
      if (!name.endsWith('.json') || name.endsWith('.decision.json')) continue;
      const id = name.slice(0, -'.json'.length);
      if (!ID.test(id) || fs.existsSync(this.decisionFile(id))) continue;
      let stored: PendingApproval & { pid?: number };
      try {
        stored = JSON.parse(fs.readFileSync(path.join(this.dir, name), 'utf8')) as PendingApproval & { pid?: number };
      } catch {
        continue; // being written or removed right now
      }
      // A request left by a process that died can never be answered: drop it rather than show it forever.
      if (stored.pid !== undefined && !processAlive(stored.pid)) {
        fs.rmSync(path.join(this.dir, name), { force: true });
        continue;
      }
      const { pid: _pid, ...approval } = stored;
      pending.push(approval);
    }
    return pending.sort((a, b) => a.requestedAt - b.requestedAt);
  }

  /** Records the user's answer; the waiting run (in this process or another) picks it up. */
  decide(id: string, allow: boolean): void {
    if (!ID.test(id) || !fs.existsSync(this.requestFile(id))) {
      throw new NotFoundError(`No pending approval with id "${id}": the run may have ended or another window decided it already.`);
    }
    const decision: Decision = { allow, decidedAt: Date.now() };
    writeFileAtomic(this.decisionFile(id), JSON.stringify(decision));
    this.check();
  }

  /** Asks the user, and waits for the answer (deny on timeout or when the run is stopped). */
  async request(call: ApprovalRequest, opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<ApprovalOutcome> {
    const id = randomUUID();
    const pending: PendingApproval = { id, runId: call.runId, server: call.server, tool: call.tool, argsPreview: preview(call.args), requestedAt: Date.now() };
    const timeoutMs = opts.timeoutMs ?? DEFAULT_APPROVAL_TIMEOUT_MS;
    this.acquire();
    try {
      const decided = new Promise<Decision>((resolve) => this.waiters.set(id, resolve));
      writeFileAtomic(this.requestFile(id), JSON.stringify({ ...pending, pid: process.pid }));
      this.check();
      let timer: NodeJS.Timeout | undefined;
      let onAbort: (() => void) | undefined;
      const stopped = new Promise<ApprovalOutcome>((resolve) => {
        timer = setTimeout(() => resolve({ allow: false, reason: `nobody approved ${call.server}/${call.tool} within ${Math.round(timeoutMs / 1000)} s` }), timeoutMs);
        onAbort = () => resolve({ allow: false, reason: 'the run was stopped while waiting for approval' });
        opts.signal?.addEventListener('abort', onAbort, { once: true });
      });
      const outcome = await Promise.race([
        decided.then((d): ApprovalOutcome => (d.allow ? { allow: true } : { allow: false, reason: `the user denied ${call.server}/${call.tool}` })),
        stopped,
      ]);
      clearTimeout(timer);
      if (onAbort) opts.signal?.removeEventListener('abort', onAbort);
      return outcome;
    } finally {
      this.waiters.delete(id);
      fs.rmSync(this.requestFile(id), { force: true });
      fs.rmSync(this.decisionFile(id), { force: true });
      this.check();
      this.release();
    }
  }

  /** Follows the folder so 'approvals.changed' reaches the app when any process adds or settles a request. */
  watch(): () => void {
    this.acquire();
    return () => this.release();
  }

  close(): void {
    this.users = 0;
    this.stopWatching();
  }

  private acquire(): void {
    this.users++;
    if (this.poll) return;
    fs.mkdirSync(this.dir, { recursive: true });
    try {
      this.watcher = fs.watch(this.dir, () => this.check());
      this.watcher.on('error', () => this.watcher?.close());
    } catch {
      // some filesystems cannot be watched; the poll below still notices changes
    }
    this.poll = setInterval(() => this.check(), POLL_MS);
    this.poll.unref();
  }

  private release(): void {
    this.users = Math.max(0, this.users - 1);
    if (this.users === 0) this.stopWatching();
  }

  private stopWatching(): void {
    this.watcher?.close();
    this.watcher = undefined;
    clearInterval(this.poll);
    this.poll = undefined;
  }

  private check(): void {
    for (const [id, resolve] of this.waiters) {
      try {
        resolve(JSON.parse(fs.readFileSync(this.decisionFile(id), 'utf8')) as Decision);
      } catch {
        // not decided yet
      }
    }
    const ids = this.list().map((p) => p.id);
    const signature = ids.join(',');
    if (signature !== this.lastSignature) {
      this.lastSignature = signature;
      this.emit?.('approvals.changed', { pending: ids.length });
    }
  }

  private names(): string[] {
    try {
      return fs.readdirSync(this.dir);
    } catch {
      // No queue folder yet: no requests are waiting.
      return [];
    }
  }

  private requestFile(id: string): string {
    return path.join(this.dir, `${id}.json`);
  }

  private decisionFile(id: string): string {
    return path.join(this.dir, `${id}.decision.json`);
  }
}

function preview(args: unknown): string {
  const text = JSON.stringify(args ?? {}) ?? '';
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}… (${text.length} chars)` : text;
}
