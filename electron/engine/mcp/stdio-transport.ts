// MCP stdio client transport that owns its server's process group: the server starts as the leader of a new group,
// and closing the transport (or the server exiting) ends every process in that group, so nothing is left orphaned.
// On Linux it also ends children that left the group with setsid() while their parent still ran; a process that
// detaches and whose parent then exits by itself is re-parented away and cannot be found (a known limit).
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

interface ProcessEntry {
  pid: number;
  ppid: number;
  pgrp: number;
  state: string;
}

/** Every process on a Linux host, from /proc (undefined elsewhere, or when /proc cannot be read). */
function processTable(): ProcessEntry[] | undefined {
  if (process.platform !== 'linux') return undefined;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined; // no /proc (a hardened container): the group signal alone must do
  }
  const table: ProcessEntry[] = [];
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the command (which may hold spaces and parentheses): state ppid pgrp ...
      const [state, ppid, pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      table.push({ pid: Number(pid), ppid: Number(ppid), pgrp: Number(pgrp), state });
    } catch {
      // the process ended while we looked: nothing to end
    }
  }
  return table;
}

const living = (entry: ProcessEntry) => entry.state !== 'Z' && entry.state !== 'X';

/**
 * Processes that left the group but descend from it: a server's child that called setsid() (a daemonizing helper)
 * is in a group of its own, yet still a child of a process we end. Found by parent links while the parents live.
 */
function escapedDescendants(pgid: number): number[] {
  const table = processTable();
  if (!table) return [];
  const members = new Set(table.filter((entry) => entry.pgrp === pgid || entry.pid === pgid).map((entry) => entry.pid));
  const escaped: number[] = [];
  for (let grew = true; grew; ) {
    grew = false;
    for (const entry of table) {
      if (!members.has(entry.pid) && members.has(entry.ppid)) {
        members.add(entry.pid);
        escaped.push(entry.pid);
        grew = true;
      }
    }
  }
  return escaped;
}

function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error; // ESRCH: it ended already
  }
}

/**
 * Whether any process of the group, or one that escaped it, still runs. On Linux, zombies do not count: an orphan
 * killed in a container whose pid 1 never reaps stays a zombie forever, and waiting for it would only delay every close.
 */
function groupRunning(pgid: number, escaped: number[]): boolean {
  const table = processTable();
  if (!table) return signalGroup(pgid, 0);
  return table.some((entry) => (entry.pgrp === pgid || escaped.includes(entry.pid)) && living(entry));
}

async function groupGone(pgid: number, escaped: number[], withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (groupRunning(pgid, escaped)) {
    if (Date.now() >= deadline) return false;
    await sleep(25);
  }
  return true;
}

/** SIGTERM to the group and what escaped it, then SIGKILL to whatever is left after the grace time. */
async function endGroup(pgid: number, graceMs: number, seen: number[] = []): Promise<void> {
  const escaped = [...new Set([...seen, ...escapedDescendants(pgid)])];
  const signalAll = (signal: NodeJS.Signals): boolean => {
    for (const pid of escaped) signalPid(pid, signal);
    return signalGroup(pgid, signal);
  };
  if (!signalAll('SIGTERM') && escaped.length === 0) return void liveGroups.delete(pgid);
  if (!(await groupGone(pgid, escaped, graceMs))) {
    signalAll('SIGKILL');
    await groupGone(pgid, escaped, graceMs);
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
  /** Processes the server detached from its group (setsid), noted when closing begins. */
  private detached: number[] = [];
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
    this.ending ??= endGroup(pgid, this.graceMs, this.detached).catch((error: Error) => this.onerror?.(error));
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
      // Found now, while the server still runs: once it exits, what it detached is re-parented away.
      if (GROUPS && child.pid) this.detached = escapedDescendants(child.pid);
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
