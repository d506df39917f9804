// MCP stdio client transport that owns its server's process group: the server starts as the leader of a new group,
// and closing the transport (or the server exiting) ends every process in that group, so nothing is left orphaned.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { LineReadBuffer, STDIO_MAX_MESSAGE_BYTES } from './stdio-read-buffer';

export interface ProcessGroupStdioOptions {
  command: string;
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
  /** Time the server gets to exit after stdin closes, and the group after SIGTERM, before the next step. */
  graceMs?: number;
  maxMessageBytes?: number;
}

/** Process groups are a POSIX notion; on Windows the server is spawned as the SDK does and only it is ended. */
const GROUPS = process.platform !== 'win32';

/** Groups still alive, killed synchronously if this process exits without closing its pool. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;
function trackGroup(pgid: number): void {
  liveGroups.add(pgid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const group of liveGroups) signalGroup(group, 'SIGKILL');
  });
}

/** Sends a signal to every process of a group; false when the group has no process left. */
function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * Whether any process of the group still runs. On Linux, zombies do not count: an orphan killed in a container
 * whose pid 1 never reaps stays a zombie forever, and waiting for it would only delay every close.
 */
function groupRunning(pgid: number): boolean {
  if (!signalGroup(pgid, 0)) return false;
  if (process.platform !== 'linux') return true;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return true;
  }
  return pids.some((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the command (which may hold spaces and parentheses): state ppid pgrp ...
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(pgrp) === pgid && state !== 'Z' && state !== 'X';
    } catch {
      return false; // the process ended while we looked
    }
  });
}

async function groupGone(pgid: number, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (groupRunning(pgid)) {
    if (Date.now() >= deadline) return false;
    await sleep(25);
  }
  return true;
}

/** SIGTERM to the group, then SIGKILL to whatever is left after the grace time. */
async function endGroup(pgid: number, graceMs: number): Promise<void> {
  if (!signalGroup(pgid, 'SIGTERM')) return void liveGroups.delete(pgid);
  if (!(await groupGone(pgid, graceMs))) {
    signalGroup(pgid, 'SIGKILL');
    await groupGone(pgid, graceMs);
  }
  liveGroups.delete(pgid);
}

export class ProcessGroupStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private child?: ChildProcess;
  private exited?: Promise<void>;
  private ending?: Promise<void>;
  private readonly readBuffer: LineReadBuffer;
  private readonly stderrStream = new PassThrough();
  private readonly graceMs: number;

  constructor(private readonly options: ProcessGroupStdioOptions) {
    this.readBuffer = new LineReadBuffer(options.maxMessageBytes ?? STDIO_MAX_MESSAGE_BYTES);
    this.graceMs = options.graceMs ?? 2000;
  }

  /** The server's stderr, available before start so early output is not lost. */
  get stderr(): PassThrough {
    return this.stderrStream;
  }

  /** The server's pid, which is also its process group id. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): Promise<void> {
    if (this.child) throw new Error('ProcessGroupStdioTransport already started');
    return new Promise((resolve, reject) => {
      const child = spawn(this.options.command, this.options.args ?? [], {
        env: { ...getDefaultEnvironment(), ...this.options.env },
        cwd: this.options.cwd,
        stdio: ['pipe', 'pipe', 'pipe'],
        shell: false,
        detached: GROUPS,
        windowsHide: true,
      });
      this.child = child;
      this.exited = new Promise((done) => child.once('close', () => done()));
      child.once('error', (error) => {
        reject(error);
        this.onerror?.(error);
      });
      child.once('spawn', () => {
        if (GROUPS && child.pid) trackGroup(child.pid);
        resolve();
      });
      child.once('close', () => {
        // The server is gone; whatever it started in its group goes too.
        if (GROUPS && child.pid) void this.endOnce(child.pid);
        this.child = undefined;
        this.onclose?.();
      });
      child.stdin?.on('error', (error) => this.onerror?.(error));
      child.stdout?.on('error', (error) => this.onerror?.(error));
      child.stdout?.on('data', (chunk: Buffer) => {
        try {
          this.readBuffer.append(chunk);
        } catch (error) {
          this.onerror?.(error as Error);
          void this.close();
          return;
        }
        this.drain();
      });
      child.stderr?.pipe(this.stderrStream);
    });
  }

  private drain(): void {
    for (;;) {
      let message: JSONRPCMessage | null;
      try {
        message = this.readBuffer.readMessage();
      } catch (error) {
        this.onerror?.(error as Error);
        continue;
      }
      if (message === null) return;
      this.onmessage?.(message);
    }
  }

  private endOnce(pgid: number): Promise<void> {
    this.ending ??= endGroup(pgid, this.graceMs).catch((error: Error) => this.onerror?.(error));
    return this.ending;
  }

  send(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      const stdin = this.child?.stdin;
      if (!stdin) return reject(new Error('Not connected'));
      if (stdin.write(serializeMessage(message))) resolve();
      else stdin.once('drain', resolve);
    });
  }

  /** Closes stdin, gives the server `graceMs` to exit, then ends its whole group (SIGTERM, then SIGKILL). */
  async close(): Promise<void> {
    const child = this.child;
    if (child) {
      try {
        child.stdin?.end();
      } catch {
        // stdin already closed: the server is exiting, which is what we want.
      }
      await Promise.race([this.exited, sleep(this.graceMs)]);
      if (GROUPS && child.pid) await this.endOnce(child.pid);
      else if (child.exitCode === null) child.kill('SIGKILL');
      await Promise.race([this.exited, sleep(this.graceMs)]);
    }
    this.readBuffer.clear();
  }
}
