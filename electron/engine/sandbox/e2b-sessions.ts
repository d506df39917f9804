// Which E2B sandbox holds each session, and what that sandbox last saw of the host's files, in
// <data>/e2b/sessions.json: the app, the gateway and the CLI share the data folder, so a session's sandbox is reused
// by whichever process runs next. An entry idles into "paused" and, past the retention, "expired".
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../atomic-write';

const Manifest = z.record(z.string(), z.tuple([z.number().int().nonnegative(), z.string()]));

export const SessionSandbox = z.object({
  sandboxId: z.string().min(1),
  /** The template the sandbox was made from ('' for E2B's base image); another template means another sandbox. */
  template: z.string(),
  /** The outbound rules the sandbox was given, so a change in settings is applied to it. */
  allowedDomains: z.array(z.string()).default([]),
  createdAt: z.number(),
  lastUsedAt: z.number(),
  /** Idle minutes the sandbox was last given before E2B pauses it. */
  idleTimeoutMs: z.number().int().positive(),
  /** What the sandbox holds of each synced folder (servers, skills, workspace, runtime), as snapshots. */
  manifests: z.record(z.string(), Manifest),
});
export type SessionSandbox = z.output<typeof SessionSandbox>;

const SessionFile = z.object({ version: z.literal(1), sessions: z.record(z.string(), SessionSandbox) });

/** A paused sandbox is kept this long after its last run, then killed and replaced by a fresh one. */
export const PAUSED_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

export type SessionSandboxState = 'running' | 'paused' | 'expired';

/** Where a session's sandbox should be now, from its last use: E2B pauses it after the idle timeout. */
export function sessionSandboxState(entry: SessionSandbox, now: number, retentionMs = PAUSED_RETENTION_MS): SessionSandboxState {
  const idle = now - entry.lastUsedAt;
  if (idle < entry.idleTimeoutMs) return 'running';
  return idle < entry.idleTimeoutMs + retentionMs ? 'paused' : 'expired';
}

export class E2BSessionMap {
  readonly file: string;

  constructor(
    dataDir: string,
    private readonly now: () => number = Date.now,
  ) {
    this.file = path.join(dataDir, 'e2b', 'sessions.json');
  }

  /** Read from disk each time: another process may have moved the session to a new sandbox since. */
  get(session: string): SessionSandbox | undefined {
    return this.read()[session];
  }

  set(session: string, entry: SessionSandbox): void {
    this.change((sessions) => ({ ...sessions, [session]: SessionSandbox.parse(entry) }));
  }

  /** Marks the session used now; its manifests become what a finished sync left in the sandbox. */
  touch(session: string, manifests: SessionSandbox['manifests'], idleTimeoutMs: number): void {
    this.change((sessions) => {
      const entry = sessions[session];
      if (!entry) return sessions;
      return { ...sessions, [session]: { ...entry, manifests, idleTimeoutMs, lastUsedAt: this.now() } };
    });
  }

  forget(session: string): void {
    this.change((sessions) => {
      const { [session]: _gone, ...rest } = sessions;
      return rest;
    });
  }

  /** Sessions whose sandbox is past retention (to kill and forget), as of now. */
  expired(retentionMs = PAUSED_RETENTION_MS): Array<{ session: string; entry: SessionSandbox }> {
    const now = this.now();
    return Object.entries(this.read())
      .filter(([, entry]) => sessionSandboxState(entry, now, retentionMs) === 'expired')
      .map(([session, entry]) => ({ session, entry }));
  }

  all(): Record<string, SessionSandbox> {
    return this.read();
  }

  private read(): Record<string, SessionSandbox> {
    let raw: string;
    try {
      raw = fs.readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw error;
    }
    const parsed = SessionFile.safeParse(safeJson(raw));
    // A damaged map costs only reuse: every session gets a fresh sandbox and a full upload. The file is replaced on
    // the next write, so the damage is not reported on every run.
    return parsed.success ? parsed.data.sessions : {};
  }

  private change(update: (sessions: Record<string, SessionSandbox>) => Record<string, SessionSandbox>): void {
    writeFileAtomic(this.file, JSON.stringify({ version: 1, sessions: update(this.read()) }));
  }
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    // A damaged sessions file is treated as none: the sandboxes it named idle out on E2B by their timeout.
    return undefined;
  }
}
