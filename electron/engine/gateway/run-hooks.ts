// The one decision point for tool calls made by gateway runs (the bridge's interceptCall hook): placeholders from the
// PII filter become real values again, and a call to a writing tool waits for the user's approval when required.
// Runs started elsewhere (the app, the CLI) pass through untouched.
import fs from 'node:fs';
import path from 'node:path';
import type { ToolDoc } from '../../../shared/types';
import type { BridgeCallContext } from '../sandbox/bridge';
import { SettingsStore, type AppSettings } from '../settings';
import { isWritingTool, type ApprovalQueue } from './approvals';
import { PiiVaults } from './pii';

interface TrackedRun {
  session: string;
  piiFilter: boolean;
  stop: AbortController;
}

export interface GatewayRunHooksOptions {
  approvals: ApprovalQueue;
  /** Read on every call: the user may switch approvals on in the app while the gateway runs. */
  settings: () => Pick<AppSettings, 'requireApproval' | 'writeTools'>;
  toolDocs: () => readonly ToolDoc[];
  approvalTimeoutMs?: number;
}

export class GatewayRunHooks {
  readonly vaults = new PiiVaults();
  private readonly runs = new Map<string, TrackedRun>();

  constructor(private readonly opts: GatewayRunHooksOptions) {}

  /** Marks a run as the gateway's; call right after RunManager.start (calls begin on a later tick). */
  track(runId: string, session: string, piiFilter: boolean): void {
    this.runs.set(runId, { session, piiFilter, stop: new AbortController() });
  }

  /** The run ended: a pending approval for it is withdrawn. */
  untrack(runId: string): void {
    this.runs.get(runId)?.stop.abort();
    this.runs.delete(runId);
  }

  /**
   * A call waiting for approval stops the run's time limit (RunManager holds the clock while this hook decides), so it
   * waits up to the approval timeout (ten minutes by default) whatever the run's limit; the outcome is told to the
   * agent as a notice in the answer, besides the error the code gets for a refused call.
   */
  readonly interceptCall = async (call: BridgeCallContext): Promise<({ args: unknown } | { deny: string }) & { notice?: string }> => {
    const run = this.runs.get(call.runId);
    if (!run) return { args: call.args };
    const args = run.piiFilter ? this.vaults.forSession(run.session).restore(call.args) : call.args;
    const settings = this.opts.settings();
    if (settings.requireApproval && isWritingTool(call.server, call.tool, this.opts.toolDocs(), settings.writeTools)) {
      const asked = performance.now();
      const outcome = await this.opts.approvals.request(
        { runId: call.runId, server: call.server, tool: call.tool, args },
        { signal: run.stop.signal, timeoutMs: this.opts.approvalTimeoutMs },
      );
      const waited = `${Math.round((performance.now() - asked) / 1000)} s`;
      if (!outcome.allow) return { deny: outcome.reason, notice: `${call.server}/${call.tool} waited ${waited} for approval and was refused: ${outcome.reason}` };
      return { args, notice: `${call.server}/${call.tool} waited ${waited} for approval and was allowed` };
    }
    return { args };
  };
}

/** The settings last read from each file, with the file's identity then (a rename, a write: another identity). */
const lastRead = new Map<string, { stamp: string; settings: AppSettings }>();

/** The file's identity now; a missing file has one too, so the defaults are not parsed again on every call. */
function fileStamp(file: string): string | undefined {
  try {
    const stat = fs.statSync(file, { bigint: true, throwIfNoEntry: false });
    return stat ? `${stat.ino}:${stat.size}:${stat.mtimeNs}` : 'absent';
  } catch {
    // Not stat-able (a folder on the way is not one, no permission): nothing to stamp, so it is read, and the store
    // says what is wrong or gives the defaults.
    return undefined;
  }
}

/**
 * Settings as they are on disk now (the app may have changed them since this process started); the last good ones if
 * unreadable. Asked on every tool call: the file is parsed again only when its stat says it changed.
 */
export function currentSettings(store: SettingsStore): AppSettings {
  const stamp = fileStamp(store.file);
  const cached = lastRead.get(store.file);
  if (stamp !== undefined && cached?.stamp === stamp) return cached.settings;
  try {
    const settings = new SettingsStore(path.dirname(store.file)).get();
    if (stamp !== undefined) lastRead.set(store.file, { stamp, settings });
    return settings;
  } catch {
    // Unreadable on disk now: the store's last good settings hold (SettingsStore reports the bad file itself).
    return store.get();
  }
}
