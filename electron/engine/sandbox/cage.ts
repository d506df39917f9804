// Process-tree limits the sandbox runtime does not give: a cgroup per run capping processes (fork bombs) and memory
// (the whole tree), a way to kill every process in it, and removal of every folder we create (at dispose, at exit,
// and those left by processes that died). Linux cgroup v1; elsewhere absent.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { processAlive } from '../process-alive';

export interface RunCage {
  /** Files a launcher must write its own pid into before exec-ing the sandbox. */
  readonly procsFiles: string[];
  killAll(): void;
  /** Whether the memory limit fired (the kernel killed a process for it). */
  hitMemoryLimit(): boolean;
  dispose(): void;
  /** dispose() for a cage whose processes were killed already: removal waits on timers, not on the host's thread. */
  release(): Promise<void>;
}

interface Hierarchy {
  root: string;
  limits: (dir: string, maxProcesses: number, memoryBytes: number) => void;
  oomCount: (dir: string) => number;
}

function ownCgroupPath(controller: string): string | undefined {
  try {
    for (const line of readFileSync('/proc/self/cgroup', 'utf8').split('\n')) {
      const [, controllers, cgroupPath] = line.split(':');
      if (controllers !== undefined && controllers.split(',').includes(controller)) return cgroupPath;
    }
  } catch {
    // No /proc/self/cgroup (not Linux, or hidden): no cgroup to nest under, so runs go without a cage.
    return undefined;
  }
  return undefined;
}

const ROOT_PREFIX = 'skillgraph-';

function tryCreate(base: string): string | undefined {
  try {
    removeLeftovers(base);
    const dir = path.join(base, `${ROOT_PREFIX}${process.pid}`);
    mkdirSync(dir, { recursive: true });
    return dir;
  } catch {
    // Not writable here: this hierarchy offers no cage, and runs go without its limits.
    return undefined;
  }
}

/** Folders of processes that died without removing theirs (killed, crashed): their runs' cgroups, then the root. */
function removeLeftovers(base: string): void {
  let names: string[];
  try {
    names = readdirSync(base);
  } catch {
    // An unreadable hierarchy holds no leftovers of ours to remove.
    return;
  }
  for (const name of names) {
    const pid = Number(name.startsWith(ROOT_PREFIX) ? name.slice(ROOT_PREFIX.length) : NaN);
    if (!Number.isInteger(pid) || pid === process.pid || processAlive(pid)) continue;
    removeRoot(path.join(base, name));
  }
}

function removeRoot(root: string): void {
  try {
    for (const entry of readdirSync(root, { withFileTypes: true })) if (entry.isDirectory()) tryRemove(path.join(root, entry.name), 1);
  } catch {
    // Already removed (by its owner or another start): nothing left to clean.
    return;
  }
  tryRemove(root, 1);
}

/** Finds writable cgroup hierarchies once per process; an empty list means limits fall back to rlimits only. */
function detectHierarchies(): Hierarchy[] {
  if (process.platform !== 'linux') return [];
  const found: Hierarchy[] = [];
  const pidsBase = '/sys/fs/cgroup/pids';
  const memoryBase = '/sys/fs/cgroup/memory';
  if (existsSync(path.join(pidsBase, 'cgroup.procs'))) {
    const root = tryCreate(path.join(pidsBase, ownCgroupPath('pids') ?? '/'));
    if (root) found.push({ root, limits: (dir, max) => writeFileSync(path.join(dir, 'pids.max'), String(max)), oomCount: () => 0 });
  }
  if (existsSync(path.join(memoryBase, 'cgroup.procs'))) {
    const root = tryCreate(path.join(memoryBase, ownCgroupPath('memory') ?? '/'));
    if (root) {
      found.push({
        root,
        limits: (dir, _max, bytes) => {
          writeFileSync(path.join(dir, 'memory.limit_in_bytes'), String(bytes));
          try {
            writeFileSync(path.join(dir, 'memory.memsw.limit_in_bytes'), String(bytes));
          } catch {
            // swap accounting is optional
          }
        },
        oomCount: (dir) => Number(/oom_kill (\d+)/.exec(readFileSync(path.join(dir, 'memory.oom_control'), 'utf8'))?.[1] ?? 0),
      });
    }
  }
  return found;
}

let hierarchies: Hierarchy[] | undefined;
let exitHookSet = false;

export function cgroupsAvailable(): boolean {
  if (!hierarchies) {
    hierarchies = detectHierarchies();
    // Run cgroups are removed as runs end; this process's own folder goes when it exits.
    if (hierarchies.length > 0 && !exitHookSet) {
      exitHookSet = true;
      process.once('exit', () => removeCageRoots());
    }
  }
  return hierarchies.length > 0;
}

/** Removes this process's cgroup folders (and any run folder still in them); later runs create them again. */
export function removeCageRoots(): void {
  for (const hierarchy of hierarchies ?? []) removeRoot(hierarchy.root);
  hierarchies = undefined;
}

/** This process's cgroup folders (tests check they are gone). */
export function cageRoots(): string[] {
  return (hierarchies ?? []).map((h) => h.root);
}

/** A cgroup (in every writable hierarchy) for one sandboxed process tree; undefined where cgroups are not writable. */
export function createRunCage(name: string, maxProcesses: number, memoryBytes: number): RunCage | undefined {
  if (!cgroupsAvailable()) return undefined;
  const dirs: { dir: string; hierarchy: Hierarchy }[] = [];
  try {
    for (const hierarchy of hierarchies!) {
      const dir = path.join(hierarchy.root, name);
      mkdirSync(dir, { recursive: true });
      dirs.push({ dir, hierarchy });
      hierarchy.limits(dir, maxProcesses, memoryBytes);
    }
  } catch {
    // Cgroups refused the limits: the partial cage is removed and the run goes without one, as where cgroups are not writable.
    for (const { dir } of dirs) tryRemove(dir);
    return undefined;
  }
  const pidsIn = (dir: string): number[] => {
    try {
      return readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
    } catch {
      // The cgroup is gone: no process is left in it.
      return [];
    }
  };
  return {
    procsFiles: dirs.map(({ dir }) => path.join(dir, 'cgroup.procs')),
    killAll() {
      // A fork bomb keeps forking while we kill: repeat until a reading of the group shows no process not yet
      // signalled (pids.max bounds the work). A killed process forks no more once kill() returns, so a child it made
      // before shows up in the next reading; a process killed but not yet reaped is listed until it is, and waiting
      // for that here (the host's thread, on every run's way to its answer) would only burn time.
      const signalled = new Set<number>();
      for (let round = 0; round < 50; round++) {
        const fresh = dirs.flatMap(({ dir }) => pidsIn(dir)).filter((pid) => !signalled.has(pid));
        if (fresh.length === 0) return;
        for (const pid of fresh) {
          signalled.add(pid);
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
      }
    },
    hitMemoryLimit() {
      return dirs.some(({ dir, hierarchy }) => {
        try {
          return hierarchy.oomCount(dir) > 0;
        } catch {
          // The cgroup is gone: its processes are too, and no OOM kill can be read any more.
          return false;
        }
      });
    },
    dispose() {
      this.killAll();
      for (const { dir } of dirs) tryRemove(dir);
    },
    async release() {
      this.killAll();
      for (const { dir } of dirs) await tryRemoveLater(dir);
    },
  };
}

/**
 * The attempts at removing one cgroup folder: each failed one (EBUSY while the last killed processes of the cage are
 * reaped) yields, and its driver pauses before the next; gone (ENOENT) counts as removed.
 */
function* removalAttempts(dir: string, attempts = 20): Generator<void, void> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    try {
      rmdirSync(dir);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      yield;
    }
  }
}

/** Removes a cgroup folder, pausing the thread between attempts (at exit, where no timer would run). */
function tryRemove(dir: string, attempts?: number): void {
  for (const _busy of removalAttempts(dir, attempts)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
}

/** Removes a cgroup folder without holding the thread: between attempts it waits on a timer. */
async function tryRemoveLater(dir: string): Promise<void> {
  for (const _busy of removalAttempts(dir)) await new Promise((resolve) => setTimeout(resolve, 10));
}
