// App settings kept in <data>/config.json: which graph, which sandbox backend, network allowances and
// approvals. Written atomically; a malformed file is reported and left untouched, never overwritten.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { BackendName } from '../../shared/types';
import { InvalidInputError } from '../../shared/errors';
import { describeIssues } from '../../shared/zod-issues';
import { writeFileAtomic } from './atomic-write';

export const AppSettings = z.object({
  graphDir: z.string().optional(),
  backend: BackendName.default('local'),
  /**
   * An E2B key, or a reference such as ${env:E2B_API_KEY} read when a run starts (sandbox/e2b-key.ts). A key alone
   * does not select E2B: `backend` (or a run's --backend) does; without this setting E2B_API_KEY is used.
   */
  e2bApiKey: z.string().optional(),
  /** E2B template (name or id) with the runtime pre-baked (see e2b/ in the repository); E2B's base image when unset. */
  e2bTemplate: z.string().trim().min(1).max(200).optional(),
  /** Minutes a session's E2B sandbox stays running after its last run before E2B pauses it (resumed by the next run). */
  e2bIdleTimeoutMinutes: z.number().int().min(1).max(24 * 60).default(10),
  /** Runs executing at once (any backend); further runs wait in order. */
  parallelRuns: z.number().int().min(1).max(64).default(4),
  allowedDomains: z.array(z.string()).default([]),
  requireApproval: z.boolean().default(false),
  /** Tools (server/tool) the user marks as writing, in addition to tools not annotated read-only. */
  writeTools: z.array(z.string()).default([]),
  piiFilter: z.boolean().default(true),
  /** Megabytes a session's workspace may hold on disk (default 1024); a run that passes it is stopped. */
  workspaceQuotaMb: z.number().int().positive().optional(),
});
export type AppSettings = z.infer<typeof AppSettings>;

export class SettingsStore {
  readonly file: string;
  private current: AppSettings;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'config.json');
    this.current = this.read();
  }

  get(): AppSettings {
    return this.current;
  }

  update(patch: Partial<AppSettings>): AppSettings {
    const next = AppSettings.parse({ ...this.current, ...patch });
    writeFileAtomic(this.file, JSON.stringify(next, null, 2) + '\n');
    this.current = next;
    return next;
  }

  private read(): AppSettings {
    let raw: string;
    try {
      raw = fs.readFileSync(this.file, 'utf8');
    } catch {
      // No config.json yet (a first start) or none readable: the defaults, until the user saves settings.
      return AppSettings.parse({});
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (error) {
      throw new InvalidInputError(`Settings file ${this.file} is not valid JSON (${(error as Error).message}). Fix or remove it.`);
    }
    const parsed = AppSettings.safeParse(json);
    if (!parsed.success) {
      throw new InvalidInputError(`Settings file ${this.file} is invalid: ${describeIssues(parsed.error, 'settings')}`);
    }
    return parsed.data;
  }
}
