// Host side of the bridge: reads call frames from sandboxed code, runs each call through the ToolCaller (behind the
// intercept hook), answers with a tagged frame, and reports every call as a ToolCallEvent. Protocol: ../runtime/README.md.
import { setMaxListeners } from 'node:events';
import { TOOL_CALL_PREVIEW_CHARS, type ToolCallEvent, type ToolCallTask } from '../../../shared/types';
import type { BridgeEndpoint, ToolCaller } from './types';

export interface BridgeCallContext {
  server: string;
  tool: string;
  args: unknown;
  runId: string;
  session: string;
}

/**
 * Gateway hook: rewrite arguments (PII substitution), or refuse the call (approval) with a reason; `notice` is told to
 * whoever reads the run (an approval that was waited for, or that expired).
 */
export type InterceptCall = (call: BridgeCallContext) => Promise<({ args: unknown } | { deny: string }) & { notice?: string }>;
/** Gateway hook: sees every successful result and its size (context ledger). */
export type OnToolResult = (call: BridgeCallContext, data: unknown, bytes: number) => void;

export interface BridgeHostOptions {
  runId: string;
  session: string;
  secret: string;
  tools: ToolCaller;
  interceptCall?: InterceptCall;
  onResult?: OnToolResult;
  /** Called when a call starts (no `ok` yet), at each change of its task's status (`task`), and when it ends. */
  onToolCall(event: ToolCallEvent): void;
  /** Run tools whose task support is optional as tasks (someone follows the run live). */
  taskWhenOptional?: boolean;
  /** Bytes one frame may hold, and bytes of calls (and unread replies) in flight at once. */
  limits: { frameBytes: number; inFlightBytes: number };
  /** A limit was passed: the run must end, with this sentence. Called once. */
  onLimitExceeded(message: string): void;
  /** Something the run's reader should know (from the intercept hook). */
  onNotice?(message: string): void;
  /**
   * Calls wait for this before anything is done with them (no event, no intercept, no server): the run's type-check
   * runs beside it, and a call is made only once the check passed (true); on false it is never made nor answered.
   */
  heldUntil?: Promise<boolean>;
}

interface CallFrame {
  t: string;
  id: number;
  server: string;
  tool: string;
  args?: unknown;
}

function isCallFrame(value: unknown, secret: string): value is CallFrame {
  if (value === null || typeof value !== 'object') return false;
  const frame = value as Record<string, unknown>;
  return frame.t === secret && Number.isInteger(frame.id) && typeof frame.server === 'string' && typeof frame.tool === 'string';
}

export class BridgeHost implements BridgeEndpoint {
  readonly secret: string;
  readonly limits: { frameBytes: number; inFlightBytes: number };
  private readonly inFlight = new AbortController();
  private bytesInFlight = 0;
  private exceeded = false;
  private nextEventId = 1;
  /** Calls not answered yet (a run of a million calls keeps only those in flight). */
  private readonly unanswered = new Set<Promise<void>>();
  private checkPassed = false;

  constructor(private readonly options: BridgeHostOptions) {
    this.secret = options.secret;
    this.limits = options.limits;
    setMaxListeners(0, this.inFlight.signal); // one listener per concurrent call
  }

  handleFrame(line: string, reply: (line: string) => void): void {
    let frame: unknown;
    try {
      frame = JSON.parse(line);
    } catch {
      return; // not a frame: the transport is dedicated, so this is noise from a misbehaving script
    }
    if (!isCallFrame(frame, this.secret)) return;
    const bytes = Buffer.byteLength(line);
    // Each call holds its arguments until it is answered: code that sends calls faster than servers answer them
    // would otherwise grow the host without bound.
    if (this.bytesInFlight + bytes > this.limits.inFlightBytes) {
      this.limitExceeded(`the run's tool calls in flight held more than ${formatBytes(this.limits.inFlightBytes)} of arguments; the run was stopped`);
      return;
    }
    this.bytesInFlight += bytes;
    const answered: Promise<void> = this.answer(frame, bytes, reply).finally(() => {
      this.bytesInFlight -= bytes;
      this.unanswered.delete(answered);
    });
    this.unanswered.add(answered);
  }

  /** The transport saw more than a limit allows (a frame without end, replies the code never reads). */
  limitExceeded(message: string): void {
    if (this.exceeded) return;
    this.exceeded = true;
    this.close();
    this.options.onLimitExceeded(message);
  }

  frameTooLong(): void {
    this.limitExceeded(`the run sent a bridge frame longer than ${formatBytes(this.limits.frameBytes)} (a tool call's arguments, or data that is not a call); the run was stopped`);
  }

  /** Waits for replies still being written (used by tests and by the run manager before it finishes). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.unanswered]);
  }

  close(): void {
    this.inFlight.abort(new Error('the run ended'));
  }

  private async answer(frame: CallFrame, bytesIn: number, reply: (line: string) => void): Promise<void> {
    if (this.options.heldUntil && !this.checkPassed && !(this.checkPassed = await this.options.heldUntil)) return;
    const { runId, session, tools, interceptCall, onResult, onToolCall } = this.options;
    const argsText = JSON.stringify(frame.args ?? {});
    const event: ToolCallEvent = { id: this.nextEventId++, server: frame.server, tool: frame.tool, startedAt: Date.now(), bytesIn, argsPreview: argsText.slice(0, TOOL_CALL_PREVIEW_CHARS) };
    onToolCall({ ...event });
    const started = performance.now();
    const context: BridgeCallContext = { server: frame.server, tool: frame.tool, args: frame.args ?? {}, runId, session };
    let answer: string;
    /** What the host records of the call once it is answered: its last event, its result for the ledger. */
    let recordAnswer: () => void;
    // A call that runs as an MCP task reports its status as it changes; the call's last event keeps the last one.
    const onTaskStatus = (task: ToolCallTask) => {
      event.task = task;
      onToolCall({ ...event });
    };
    try {
      if (interceptCall) {
        const decision = await interceptCall(context);
        if (decision.notice) this.options.onNotice?.(decision.notice);
        if ('deny' in decision) throw new Error(`call refused: ${decision.deny}`);
        context.args = decision.args;
      }
      const data = await tools.call(frame.server, frame.tool, context.args, this.inFlight.signal, { onTaskStatus, taskWhenOptional: this.options.taskWhenOptional });
      const text = JSON.stringify({ t: this.secret, id: frame.id, ok: true, data: data ?? null }) + '\n';
      const durationMs = performance.now() - started;
      answer = text;
      recordAnswer = () => {
        const bytesOut = Buffer.byteLength(text);
        onResult?.(context, data, bytesOut);
        // The preview is cut from the answer already serialized (after `"data":`), so a large result is not serialized twice.
        const dataAt = text.indexOf('"data":') + 7;
        const dataLength = text.length - dataAt - 2;
        const resultPreview = text.slice(dataAt, dataAt + Math.min(dataLength, TOOL_CALL_PREVIEW_CHARS));
        onToolCall({ ...event, durationMs, bytesOut, ok: true, resultPreview, resultTruncated: dataLength > TOOL_CALL_PREVIEW_CHARS });
      };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const text = JSON.stringify({ t: this.secret, id: frame.id, ok: false, error: message }) + '\n';
      const durationMs = performance.now() - started;
      answer = text;
      recordAnswer = () => onToolCall({ ...event, durationMs, bytesOut: Buffer.byteLength(text), ok: false, error: message });
    }
    // The code gets its answer first, and goes on with its next call while the host records this one (its last event,
    // the ledger's count, the agent's notifications). Recording is done in this same turn: whatever the code does next
    // (a line printed, another call) is read in a later turn, so the run's events keep their order.
    if (!this.inFlight.signal.aborted) reply(answer);
    recordAnswer();
  }
}

/**
 * Splits a byte stream into lines without rescanning earlier chunks (results can be many megabytes). A line longer
 * than `maxLineBytes` is never assembled: `onTooLong` is called once and everything after it is dropped, so a stream
 * without newlines costs at most that many bytes.
 */
export class LineSplitter {
  private parts: Buffer[] = [];
  private pendingBytes = 0;
  private tooLong = false;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLineBytes = Number.POSITIVE_INFINITY,
    private readonly onTooLong: () => void = () => undefined,
  ) {}

  push(chunk: Buffer): void {
    if (this.tooLong) return;
    let start = 0;
    let newline = chunk.indexOf(0x0a, start);
    while (newline !== -1) {
      if (this.overLimit(newline - start)) return;
      this.parts.push(chunk.subarray(start, newline));
      const line = this.parts.length === 1 ? this.parts[0].toString('utf8') : Buffer.concat(this.parts).toString('utf8');
      this.parts = [];
      this.pendingBytes = 0;
      this.onLine(line);
      start = newline + 1;
      newline = chunk.indexOf(0x0a, start);
    }
    if (start < chunk.length) {
      if (this.overLimit(chunk.length - start)) return;
      this.parts.push(chunk.subarray(start));
      this.pendingBytes += chunk.length - start;
    }
  }

  private overLimit(more: number): boolean {
    if (this.pendingBytes + more <= this.maxLineBytes) return false;
    this.tooLong = true;
    this.parts = [];
    this.pendingBytes = 0;
    this.onTooLong();
    return true;
  }
}

/**
 * Separates bridge frames from printed text on a shared stdout (E2B): a frame is `\x1e<secret>\x1f<json>\n` and may
 * start anywhere, even mid-line; text that merely looks like a frame without the secret stays text.
 */
export class FrameDemuxer {
  /**
   * The demuxer a transport that shares stdout uses (E2B): frames go to `bridge`, answered through `reply`, and a
   * frame longer than the bridge's frame limit ends the run as the local descriptor's limit does.
   */
  static forBridge(bridge: BridgeEndpoint, onText: (text: string) => void, reply: (line: string) => void): FrameDemuxer {
    return new FrameDemuxer(bridge.secret, onText, (line) => bridge.handleFrame(line, reply), bridge.limits.frameBytes, () => bridge.frameTooLong());
  }

  private readonly mark: string;
  private pending = '';
  private frameParts: string[] | undefined;
  private frameChars = 0;
  private tooLong = false;

  /** A frame longer than `maxFrameChars` is dropped whole, and `onTooLong` called (once): memory stays bounded. */
  constructor(
    secret: string,
    private readonly onText: (text: string) => void,
    private readonly onFrame: (line: string) => void,
    private readonly maxFrameChars = Number.POSITIVE_INFINITY,
    private readonly onTooLong: () => void = () => undefined,
  ) {
    this.mark = '\u001e' + secret + '\u001f';
  }

  push(chunk: string): void {
    let text = this.pending + chunk;
    this.pending = '';
    while (text.length > 0) {
      if (this.frameParts) {
        const newline = text.indexOf('\n');
        const piece = newline === -1 ? text : text.slice(0, newline);
        this.frameChars += piece.length;
        if (this.frameChars > this.maxFrameChars) {
          this.frameParts = [];
          if (!this.tooLong) {
            this.tooLong = true;
            this.onTooLong();
          }
        } else this.frameParts.push(piece);
        if (newline === -1) return;
        const frame = this.frameParts.join('');
        const complete = this.frameChars <= this.maxFrameChars;
        this.frameParts = undefined;
        this.frameChars = 0;
        if (complete) this.onFrame(frame);
        text = text.slice(newline + 1);
        continue;
      }
      const at = text.indexOf(this.mark);
      if (at !== -1) {
        if (at > 0) this.onText(text.slice(0, at));
        this.frameParts = [];
        text = text.slice(at + this.mark.length);
        continue;
      }
      // Keep back a tail that could be the start of a mark split across chunks.
      const keep = this.partialMarkLength(text);
      if (text.length > keep) this.onText(text.slice(0, text.length - keep));
      this.pending = text.slice(text.length - keep);
      return;
    }
  }

  /** Text held back at the end of the stream is ordinary output. */
  flush(): void {
    if (this.pending) this.onText(this.pending);
    this.pending = '';
  }

  private partialMarkLength(text: string): number {
    const from = Math.max(0, text.length - this.mark.length + 1);
    for (let i = text.lastIndexOf('\u001e'); i >= from; i = text.lastIndexOf('\u001e', i - 1)) {
      if (this.mark.startsWith(text.slice(i))) return text.length - i;
      if (i === 0) break;
    }
    return 0;
  }
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${+(bytes / 1024 / 1024).toFixed(1)} MB` : `${+(bytes / 1024).toFixed(1)} KB`;
}
