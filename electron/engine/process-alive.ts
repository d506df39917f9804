// Whether a process still runs, by its pid: what the approval queue and the sandbox's cgroup cleanup ask of a
// process that left files behind (a folder, a pending request) before deciding they are leftovers.

/** True while `pid` runs (EPERM: it runs, under another user); false once it is gone. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
