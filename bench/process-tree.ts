// What a benchmark measures of a process it started: the resident memory of it and every process below it (Linux
// /proc), so a server, a sandbox or a worker the process starts counts as the user would see it.
import fs from 'node:fs';

const PAGE_SIZE = 4096;

/** Resident memory of `pid` and every process below it, bytes (0 once gone). */
export function treeRss(pid: number): number {
  let total = 0;
  try {
    total += Number(fs.readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * PAGE_SIZE;
    for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
      for (const child of fs.readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)) total += treeRss(Number(child));
    }
  } catch {
    // the process ended between two reads
  }
  return total;
}
