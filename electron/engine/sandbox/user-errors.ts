// Errors that speak of the user's code: turns the error record a sandbox runner writes on stderr (runtime/runner.mjs,
// runner.py) into one line at the user's line, `hello.ts:3:17 McpToolError: …`, followed by the user's frames only.
// Positions are already the user's (Node maps the bundle with its inline source map); runtime frames (node:internal,
// the runner, the bridge, the generated servers/ wrappers) are dropped. The CLI, the gateway and the Console all
// get run output through this, in runs.ts.
import type { RunLanguage } from '../../../shared/types';

/** Starts the one line a runner writes for the error that ended a run (the JSON record follows, then a newline). */
export const ERROR_RECORD_MARK = '\u001eskillgraph-error\u001f';

/** A position in the code that ran, as the user knows it: their file, or one of their skills. */
export interface UserFrame {
  file: string;
  line: number;
  column?: number;
  function?: string;
}

export interface UserErrorContext {
  /** The name the user knows their code by (`hello.ts` for `skillgraph run hello.ts`; `main.ts` when it has none). */
  fileName: string;
  language: RunLanguage;
}

interface ErrorRecord {
  name: string;
  message: string;
  /** Node: the error's stack text, already source-mapped. */
  stack?: string;
  /** Python: the traceback's frames, outermost first. */
  frames?: Array<{ file: string; line: number; column?: number; function?: string }>;
}

/** The name the bundle's source map and the Python runner give the user's code, and the name shown when it has none. */
export function defaultFileName(language: RunLanguage): string {
  return language === 'python' ? 'main.py' : language === 'javascript' ? 'main.js' : 'main.ts';
}

/** The user's name for a file the runtime reports, or undefined when it is the runtime's own (a frame to drop). */
function userFile(reported: string, context: UserErrorContext): string | undefined {
  const file = reported.replace(/^file:\/\//, '');
  const base = file.split('/').pop() ?? file;
  if (base === defaultFileName(context.language) && !file.includes('/servers/') && !file.includes('/skills/')) return context.fileName;
  const skill = /(?:^|\/)(skills\/[^:]+)$/.exec(file);
  return skill ? skill[1] : undefined;
}

// `    at fn (place:line:col)`, `    at async fn (place:line:col)` or `    at place:line:col`.
const NODE_FRAME = /^\s*at (?:async )?(?:(.*?) \()?(.+?):(\d+):(\d+)\)?$/;

function nodeFrames(stack: string, context: UserErrorContext): UserFrame[] {
  const frames: UserFrame[] = [];
  for (const line of stack.split('\n')) {
    const match = NODE_FRAME.exec(line);
    if (!match) continue;
    const file = userFile(match[2], context);
    if (!file) continue;
    const name = match[1] && match[1] !== '<anonymous>' ? match[1] : undefined;
    frames.push({ file, line: Number(match[3]), column: Number(match[4]), function: name });
  }
  return frames;
}

function pythonFrames(record: ErrorRecord, context: UserErrorContext): UserFrame[] {
  const frames: UserFrame[] = [];
  // Innermost first, as Node's stack is: the headline is the user's line nearest to where it failed.
  for (const frame of [...(record.frames ?? [])].reverse()) {
    const file = userFile(frame.file, context);
    if (!file || typeof frame.line !== 'number') continue;
    const name = frame.function && frame.function !== '<module>' ? frame.function : undefined;
    frames.push({ file, line: frame.line, column: frame.column || undefined, function: name });
  }
  return frames;
}

function place(frame: UserFrame): string {
  return `${frame.file}:${frame.line}${frame.column ? `:${frame.column}` : ''}`;
}

/** `hello.ts:3:17 McpToolError: message`, then `    at fn (skills/x.ts:4:9)` for the user's other frames. */
export function formatUserError(record: ErrorRecord, context: UserErrorContext): string {
  const frames = record.frames ? pythonFrames(record, context) : nodeFrames(record.stack ?? '', context);
  const message = record.message.replace(/\s+$/, '');
  const headline = `${record.name ? `${record.name}: ` : ''}${message}`;
  if (frames.length === 0) return `${headline}\n`;
  const [first, ...rest] = frames;
  const below = rest.map((frame) => `    at ${frame.function ? `${frame.function} (${place(frame)})` : place(frame)}\n`);
  return `${place(first)} ${headline}\n${below.join('')}`;
}

function parseRecord(text: string): ErrorRecord | undefined {
  try {
    const value = JSON.parse(text) as Partial<ErrorRecord>;
    if (typeof value !== 'object' || value === null || typeof value.message !== 'string') return undefined;
    return { name: typeof value.name === 'string' ? value.name : 'Error', message: value.message, stack: typeof value.stack === 'string' ? value.stack : undefined, frames: Array.isArray(value.frames) ? value.frames : undefined };
  } catch {
    return undefined; // not a record the runner wrote: the caller shows the text as it came
  }
}

/**
 * Passes a run's stderr through, replacing each error record with its user-facing form. Other output goes on at once;
 * only a line that is (or may become) a record waits for its newline.
 */
export class UserErrorStream {
  private held = '';

  constructor(private readonly context: UserErrorContext) {}

  /** The text to show for `chunk`. */
  write(chunk: string): string {
    let text = this.held + chunk;
    this.held = '';
    let shown = '';
    for (;;) {
      const start = text.indexOf(ERROR_RECORD_MARK);
      if (start === -1) break;
      const end = text.indexOf('\n', start);
      if (end === -1) break;
      shown += text.slice(0, start) + this.render(text.slice(start + ERROR_RECORD_MARK.length, end));
      text = text.slice(end + 1);
    }
    // Hold from a record that has not ended, or from a tail that could be the start of the mark.
    const open = text.indexOf(ERROR_RECORD_MARK);
    const hold = open !== -1 ? open : partialMarkAt(text);
    if (hold !== -1) {
      this.held = text.slice(hold);
      text = text.slice(0, hold);
    }
    return shown + text;
  }

  /** Whatever was held back when the run ends (a record cut short is shown as it came). */
  end(): string {
    const rest = this.held;
    this.held = '';
    return rest;
  }

  private render(json: string): string {
    const record = parseRecord(json);
    return record ? formatUserError(record, this.context) : `${ERROR_RECORD_MARK}${json}\n`;
  }
}

/** Where a trailing prefix of the mark starts in `text`, or -1. */
function partialMarkAt(text: string): number {
  const from = text.lastIndexOf(ERROR_RECORD_MARK[0]);
  if (from === -1) return -1;
  return ERROR_RECORD_MARK.startsWith(text.slice(from)) ? from : -1;
}
