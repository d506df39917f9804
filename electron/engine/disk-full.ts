// A full disk (ENOSPC, EDQUOT, SQLITE_FULL), named by the folder whose disk is full: one sentence for runs, logs,
// the ledger and the search index alike.
import { SkillgraphError } from '../../shared/errors';

/** The disk holding a folder the host writes (runs, logs, the ledger) has no room left. */
export class DiskFullError extends SkillgraphError {
  constructor(readonly folder: string) {
    super('disk-full', diskFullMessage(folder));
  }
}

export function diskFullMessage(folder: string): string {
  return `the disk holding ${folder} is full: free some space (or clear old runs and sessions) and try again`;
}

/** Whether an error says the disk (or the user's quota on it) is full; SQLite says so in its own words. */
export function isDiskFull(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT' || code === 'SQLITE_FULL';
}
