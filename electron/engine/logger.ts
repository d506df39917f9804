// The engine's one logger (pino), created at a composition root and passed down: silent unless a host asks for
// more, to stderr for the CLI's `--verbose` (stdout stays the gateway's MCP channel), to <data>/logs/ in the app.
// Also the problem list: background failures the app shows, since no caller is there to hear them.
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';

export type Logger = pino.Logger;

/** A log file larger than this is moved to `<name>.1` when the next process opens it. */
export const LOG_FILE_MAX_BYTES = 5 * 1024 * 1024;

/** Where a host wants the engine's log: nowhere (tests, plain CLI commands), stderr (`--verbose`), or <data>/logs/. */
export type LogTarget = { to: 'silent' } | { to: 'stderr'; level?: pino.Level } | { to: 'logs-folder'; level?: pino.Level };

/** A logger for one process. The folder form rotates at open: `<data>/logs/engine.log` over 5 MB becomes `engine.log.1`. */
export function createLogger(target: LogTarget, dataDir: string): Logger {
  if (target.to === 'silent') return pino({ level: 'silent' });
  if (target.to === 'stderr') return pino({ level: target.level ?? 'info' }, pino.destination({ fd: 2, sync: true }));
  const dir = path.join(dataDir, 'logs');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'engine.log');
  rotateIfLarge(file);
  return pino({ level: target.level ?? 'info' }, pino.destination({ dest: file, sync: true, mkdir: true }));
}

function rotateIfLarge(file: string): void {
  let size = 0;
  try {
    size = fs.statSync(file).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (size > LOG_FILE_MAX_BYTES) fs.renameSync(file, `${file}.1`);
}

/** The text of whatever was thrown, for a log line or a problem. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
