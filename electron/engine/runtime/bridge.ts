// Skillgraph bridge runtime: sends tool calls from sandboxed code to the host, which makes the real MCP call.
// Written by Skillgraph; do not edit (it is replaced whenever the API tree is regenerated).

/** A tool call failed: the server reported an error, the host refused the call, or the bridge is down. */
export class McpToolError extends Error {
  readonly server: string;
  readonly tool: string;
  constructor(server: string, tool: string, message: string) {
    super(message);
    this.name = 'McpToolError';
    this.server = server;
    this.tool = tool;
  }
}

interface PendingCall {
  resolve(value: unknown): void;
  reject(error: Error): void;
  server: string;
  tool: string;
}
interface Channel {
  send(line: string): void;
  hold(): void;
  release(): void;
}

// No @types/node needed: the API tree must type-check on its own, so the few Node shapes used are declared here.
interface NodeStream {
  on(event: string, listener: (value: never) => void): void;
  write?(text: string): unknown;
  ref?(): void;
  unref?(): void;
}
interface NodeSocket extends NodeStream {
  write(text: string): unknown;
  ref(): void;
  unref(): void;
}
interface NodeNet {
  Socket: new (options: { fd: number; readable: boolean; writable: boolean }) => NodeSocket;
}
interface NodeProcess {
  env: Record<string, string | undefined>;
  stdin: NodeStream;
  stdout: { write(text: string): unknown };
  getBuiltinModule?(id: string): unknown;
}
interface ReplyFrame {
  t?: unknown;
  id?: unknown;
  ok?: unknown;
  data?: unknown;
  error?: unknown;
}
interface Utf8Decoder {
  decode(input: Uint8Array, options?: { stream?: boolean }): string;
}
const Utf8DecoderClass = (globalThis as unknown as { TextDecoder: new () => Utf8Decoder }).TextDecoder;
const nodeProcess = (globalThis as unknown as { process?: NodeProcess }).process;
const env: Record<string, string | undefined> = nodeProcess?.env ?? {};
const secret = env.SKILLGRAPH_BRIDGE_SECRET ?? '';
const frameMark = '\u001e' + secret + '\u001f';
const pending = new Map<number, PendingCall>();
let nextId = 1;
let opening: Promise<Channel> | undefined;
let broken: string | undefined;

function failAll(message: string): void {
  broken = message;
  for (const [id, call] of pending) {
    pending.delete(id);
    call.reject(new McpToolError(call.server, call.tool, message));
  }
}

function settle(line: string): void {
  if (line.length === 0) return;
  let frame: ReplyFrame;
  try {
    frame = JSON.parse(line) as ReplyFrame;
  } catch {
    return; // not a frame for this run (the host only sends JSON lines; anything else is not ours to answer)
  }
  if (frame === null || typeof frame !== 'object' || frame.t !== secret || typeof frame.id !== 'number') return;
  const call = pending.get(frame.id);
  if (call === undefined) return;
  pending.delete(frame.id);
  if (pending.size === 0) void opening?.then((channel) => channel.release());
  if (frame.ok === true) call.resolve(frame.data);
  else call.reject(new McpToolError(call.server, call.tool, String(frame.error ?? 'the tool call failed')));
}

function lineSplitter(onLine: (line: string) => void): (chunk: string | Uint8Array) => void {
  const decoder = new Utf8DecoderClass();
  let parts: string[] = [];
  return (chunk) => {
    let text: string = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let newline = text.indexOf('\n');
    while (newline !== -1) {
      parts.push(text.slice(0, newline));
      const line = parts.join('');
      parts = [];
      onLine(line);
      text = text.slice(newline + 1);
      newline = text.indexOf('\n');
    }
    if (text.length > 0) parts.push(text);
  };
}

async function openChannel(): Promise<Channel> {
  if (env.SKILLGRAPH_BRIDGE_FD) {
    const net = (nodeProcess?.getBuiltinModule?.('node:net') ?? (await import('node:' + 'net'))) as NodeNet;
    const socket = new net.Socket({ fd: Number(env.SKILLGRAPH_BRIDGE_FD), readable: true, writable: true });
    socket.on('data', lineSplitter(settle));
    socket.on('error', (error: Error) => failAll('the bridge to Skillgraph failed: ' + error.message));
    socket.on('close', () => failAll('the bridge to Skillgraph closed'));
    socket.unref();
    return { send: (line) => socket.write(line), hold: () => socket.ref(), release: () => socket.unref() };
  }
  if (env.SKILLGRAPH_BRIDGE_STDIO === '1') {
    if (nodeProcess === undefined) throw new Error('no bridge: this runtime has no process to talk to Skillgraph through');
    const input = nodeProcess.stdin;
    const output = nodeProcess.stdout;
    input.on('data', lineSplitter(settle));
    input.on('end', () => failAll('the bridge to Skillgraph closed'));
    input.unref?.();
    return {
      send: (line) => output.write(frameMark + line),
      hold: () => input.ref?.(),
      release: () => input.unref?.(),
    };
  }
  throw new Error('no bridge: this code must run through Skillgraph (skillgraph run, the app or execute_code)');
}

/** Calls `tool` on MCP server `server` through the host; resolves with the decoded result. */
export async function callMCPTool<T = unknown>(server: string, tool: string, args: object = {}): Promise<T> {
  if (broken !== undefined) throw new McpToolError(server, tool, broken);
  let channel: Channel;
  try {
    opening ??= openChannel();
    channel = await opening;
  } catch (error) {
    throw new McpToolError(server, tool, (error as Error).message);
  }
  const id = nextId++;
  const line = JSON.stringify({ t: secret, id, server, tool, args }) + '\n';
  const answer = new Promise<T>((resolve, reject) => {
    if (pending.size === 0) channel.hold();
    pending.set(id, { resolve: resolve as (value: unknown) => void, reject, server, tool });
    channel.send(line);
  });
  try {
    return await answer;
  } catch (error) {
    // Made again here, after the await: its stack then runs through the caller's awaits to the user's line, where
    // the one made when the reply arrived only knows the socket that delivered it.
    throw new McpToolError(server, tool, (error as Error).message);
  }
}
