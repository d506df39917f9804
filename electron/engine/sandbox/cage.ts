// Process-tree limits the sandbox runtime does not give: a cgroup per run capping processes (fork bombs) and memory
// (allocations outside the JS heap), and a way to kill every process in it. Linux cgroup v1 or v2; elsewhere absent.
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface RunCage {
  /** Files a launcher must write its own pid into before exec-ing the sandbox. */
  readonly procsFiles: string[];
  killAll(): void;
  /** Whether the memory limit fired (the kernel killed a process for it). */
  hitMemoryLimit(): boolean;
  dispose(): void;
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
    return undefined;
  }
  return undefined;
}

function tryCreate(base: string): string | undefined {
  try {
    const dir = path.join(base, `skillgraph-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    return dir;
  } catch {
    return undefined;
  }
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

export function cgroupsAvailable(): boolean {
  hierarchies ??= detectHierarchies();
  return hierarchies.length > 0;
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
    for (const { dir } of dirs) tryRemove(dir);
    return undefined;
  }
  const pidsIn = (dir: string): number[] => {
    try {
      return readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
    } catch {
      return [];
    }
  };
  return {
    procsFiles: dirs.map(({ dir }) => path.join(dir, 'cgroup.procs')),
    killAll() {
      // A fork bomb keeps forking while we kill: repeat until the group is empty (pids.max bounds the work).
      for (let round = 0; round < 50; round++) {
        const pids = dirs.flatMap(({ dir }) => pidsIn(dir));
        if (pids.length === 0) return;
        for (const pid of pids) {
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
          return false;
        }
      });
    },
    dispose() {
      this.killAll();
      for (const { dir } of dirs) tryRemove(dir);
    },
  };
}

function tryRemove(dir: string): void {
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      rmdirSync(dir);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      // EBUSY while the last killed processes are reaped
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
}
