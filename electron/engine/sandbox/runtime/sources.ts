// Sources of the sandbox-side runtime, embedded as strings so the bundled engine can write them where needed:
// the bridge client (copied by the generator into servers/_bridge.ts and servers/_bridge.py) and the runners.
// Protocol (host side in ../bridge.ts): one JSON object per line, each tagged `t: <run secret>`.
//   call:  {"t":S,"id":1,"server":"s","tool":"x","args":{...}}   reply: {"t":S,"id":1,"ok":true,"data":...}
//                                                                        {"t":S,"id":1,"ok":false,"error":"message"}
// Locally frames travel on a dedicated descriptor (SKILLGRAPH_BRIDGE_FD); on E2B calls go out on stdout behind
// the marker \x1e<secret>\x1f and replies come in on stdin (SKILLGRAPH_BRIDGE_STDIO=1).

export const BRIDGE_TS_SOURCE = `// Skillgraph bridge runtime: sends tool calls from sandboxed code to the host, which makes the real MCP call.
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

// No @types/node needed: the API tree must type-check on its own.
const nodeProcess: any = (globalThis as any).process;
const env: Record<string, string | undefined> = nodeProcess?.env ?? {};
const secret = env.SKILLGRAPH_BRIDGE_SECRET ?? '';
const frameMark = '\\u001e' + secret + '\\u001f';
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
  let frame: any;
  try {
    frame = JSON.parse(line);
  } catch {
    return;
  }
  if (frame === null || typeof frame !== 'object' || frame.t !== secret) return;
  const call = pending.get(frame.id);
  if (call === undefined) return;
  pending.delete(frame.id);
  if (pending.size === 0) void opening?.then((channel) => channel.release());
  if (frame.ok === true) call.resolve(frame.data);
  else call.reject(new McpToolError(call.server, call.tool, String(frame.error ?? 'the tool call failed')));
}

function lineSplitter(onLine: (line: string) => void): (chunk: any) => void {
  const decoder = new TextDecoder();
  let parts: string[] = [];
  return (chunk) => {
    let text: string = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let newline = text.indexOf('\\n');
    while (newline !== -1) {
      parts.push(text.slice(0, newline));
      const line = parts.join('');
      parts = [];
      onLine(line);
      text = text.slice(newline + 1);
      newline = text.indexOf('\\n');
    }
    if (text.length > 0) parts.push(text);
  };
}

async function openChannel(): Promise<Channel> {
  if (env.SKILLGRAPH_BRIDGE_FD) {
    const net: any = nodeProcess.getBuiltinModule?.('node:net') ?? (await import('node:' + 'net'));
    const socket = new net.Socket({ fd: Number(env.SKILLGRAPH_BRIDGE_FD), readable: true, writable: true });
    socket.on('data', lineSplitter(settle));
    socket.on('error', (error: Error) => failAll('the bridge to Skillgraph failed: ' + error.message));
    socket.on('close', () => failAll('the bridge to Skillgraph closed'));
    socket.unref();
    return { send: (line) => socket.write(line), hold: () => socket.ref(), release: () => socket.unref() };
  }
  if (env.SKILLGRAPH_BRIDGE_STDIO === '1') {
    const input = nodeProcess.stdin;
    input.on('data', lineSplitter(settle));
    input.on('end', () => failAll('the bridge to Skillgraph closed'));
    input.unref?.();
    return {
      send: (line) => nodeProcess.stdout.write(frameMark + line),
      hold: () => input.ref?.(),
      release: () => input.unref?.(),
    };
  }
  throw new Error('no bridge: this code must run through Skillgraph (skillgraph run, the app or execute_code)');
}

/** Calls \`tool\` on MCP server \`server\` through the host; resolves with the decoded result. */
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
  const line = JSON.stringify({ t: secret, id, server, tool, args }) + '\\n';
  return new Promise<T>((resolve, reject) => {
    if (pending.size === 0) channel.hold();
    pending.set(id, { resolve: resolve as (value: unknown) => void, reject, server, tool });
    channel.send(line);
  });
}
`;

export const BRIDGE_PY_SOURCE = `"""Skillgraph bridge runtime: sends tool calls from sandboxed code to the host, which makes the real MCP call.

Written by Skillgraph; do not edit (it is replaced whenever the API tree is regenerated).
"""
import asyncio
import json
import os
import socket
import sys
from typing import Any, Dict, Optional

__all__ = ["McpToolError", "call_mcp_tool"]


class McpToolError(Exception):
    """A tool call failed: the server reported an error, the host refused the call, or the bridge is down."""

    def __init__(self, server: str, tool: str, message: str) -> None:
        super().__init__(message)
        self.server = server
        self.tool = tool


_SECRET = os.environ.get("SKILLGRAPH_BRIDGE_SECRET", "")
_MARK = "\\x1e" + _SECRET + "\\x1f"
_LIMIT = 1 << 31


class _Channel:
    def __init__(self) -> None:
        self.pending: Dict[int, "tuple[asyncio.Future, str, str]"] = {}
        self.next_id = 1
        self.broken: Optional[str] = None
        self.writer: Any = None
        self.reader_task: Optional[asyncio.Task] = None

    async def open(self) -> None:
        loop = asyncio.get_running_loop()
        fd = os.environ.get("SKILLGRAPH_BRIDGE_FD")
        if fd:
            sock = socket.socket(fileno=os.dup(int(fd)))
            reader, writer = await asyncio.open_unix_connection(sock=sock, limit=_LIMIT)
            self.writer = writer
            self.send = lambda line: writer.write(line.encode("utf-8"))
        elif os.environ.get("SKILLGRAPH_BRIDGE_STDIO") == "1":
            reader = asyncio.StreamReader(limit=_LIMIT)
            await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)

            def send(line: str) -> None:
                sys.stdout.write(_MARK + line)
                sys.stdout.flush()

            self.send = send
        else:
            raise RuntimeError("no bridge: this code must run through Skillgraph (skillgraph run, the app or execute_code)")
        self.reader_task = loop.create_task(self._read(reader))

    async def _read(self, reader: asyncio.StreamReader) -> None:
        while True:
            line = await reader.readline()
            if not line:
                self._fail_all("the bridge to Skillgraph closed")
                return
            try:
                frame = json.loads(line)
            except ValueError:
                continue
            if not isinstance(frame, dict) or frame.get("t") != _SECRET:
                continue
            entry = self.pending.pop(frame.get("id"), None)
            if entry is None:
                continue
            future, server, tool = entry
            if future.done():
                continue
            if frame.get("ok") is True:
                future.set_result(frame.get("data"))
            else:
                future.set_exception(McpToolError(server, tool, str(frame.get("error") or "the tool call failed")))

    def _fail_all(self, message: str) -> None:
        self.broken = message
        for future, server, tool in self.pending.values():
            if not future.done():
                future.set_exception(McpToolError(server, tool, message))
        self.pending.clear()


_channels: Dict[int, _Channel] = {}


async def call_mcp_tool(server: str, tool: str, args: Optional[dict] = None) -> Any:
    """Calls tool on MCP server server through the host; returns the decoded result."""
    loop = asyncio.get_running_loop()
    channel = _channels.get(id(loop))
    if channel is None:
        channel = _Channel()
        try:
            await channel.open()
        except Exception as error:  # noqa: BLE001 - reported as the tool's error
            raise McpToolError(server, tool, str(error)) from None
        _channels[id(loop)] = channel
    if channel.broken is not None:
        raise McpToolError(server, tool, channel.broken)
    call_id = channel.next_id
    channel.next_id += 1
    future = loop.create_future()
    channel.pending[call_id] = (future, server, tool)
    channel.send(json.dumps({"t": _SECRET, "id": call_id, "server": server, "tool": tool, "args": args or {}}, separators=(",", ":")) + "\\n")
    return await future
`;

/** Node runner: imports the run's bundle, named on argv or (warm pool) sent on descriptor 4 when the run starts. */
export const NODE_RUNNER_SOURCE = `// Skillgraph node runner: waits for its entry file, then imports it (a rejected import exits with code 1).
import { pathToFileURL } from 'node:url';
import net from 'node:net';

function readControl() {
  return new Promise((resolve) => {
    const socket = new net.Socket({ fd: 4, readable: true, writable: true });
    socket.write('R'); // ready: the host may count on this runner starting the next run at once
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => {
      text += chunk;
      const newline = text.indexOf('\\n');
      if (newline === -1) return;
      socket.destroy();
      resolve(JSON.parse(text.slice(0, newline)));
    });
    socket.on('end', () => process.exit(0));
    socket.on('error', () => process.exit(0));
  });
}

// Stdout and stderr are sockets here, asynchronous by default: a busy loop that prints would only queue output in
// memory. Blocking writes give the host's reader back-pressure and keep output live.
for (const stream of [process.stdout, process.stderr]) stream._handle?.setBlocking?.(true);

const control = process.argv[2] ? { entry: process.argv[2] } : await readControl();
if (control.secret) process.env.SKILLGRAPH_BRIDGE_SECRET = control.secret;
await import(pathToFileURL(control.entry).href);
`;

/** Python runner: applies the memory limit, waits for its entry, runs it with top-level await allowed. */
export const PY_RUNNER_SOURCE = `"""Skillgraph python runner: applies limits, waits for its entry file, runs it with top-level await allowed."""
import asyncio  # before the run starts: scripts that call tools await, and this is most of the start-up
import json
import os
import sys

_ALLOW_TOP_LEVEL_AWAIT = 0x2000  # ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, without importing ast
_CO_COROUTINE = 0x80  # inspect.CO_COROUTINE, without importing inspect

try:
    import resource

    _memory = int(os.environ.get("SKILLGRAPH_MEMORY_BYTES", "0"))
    if _memory > 0:
        resource.setrlimit(resource.RLIMIT_AS, (_memory, _memory))
except (ImportError, ValueError, OSError):
    pass


def _read_control() -> dict:
    os.write(4, b"R")  # ready: the host may count on this runner starting the next run at once
    data = b""
    while not data.endswith(b"\\n"):
        chunk = os.read(4, 65536)
        if not chunk:
            sys.exit(0)
        data += chunk
    os.close(4)
    return json.loads(data)


def _main() -> int:
    control = {"entry": sys.argv[1]} if len(sys.argv) > 1 else _read_control()
    entry = control["entry"]
    if control.get("secret"):
        os.environ["SKILLGRAPH_BRIDGE_SECRET"] = control["secret"]
    api_dir = os.environ.get("SKILLGRAPH_API_DIR")
    if api_dir:
        sys.path.insert(0, api_dir)
    with open(entry, encoding="utf-8") as handle:
        source = handle.read()
    filename = os.environ.get("SKILLGRAPH_SOURCE_NAME", "main.py")
    try:
        code = compile(source, filename, "exec", flags=_ALLOW_TOP_LEVEL_AWAIT)
    except SyntaxError:
        import traceback

        traceback.print_exc(limit=0)
        return 1
    scope = {"__name__": "__main__", "__file__": filename, "__builtins__": __builtins__}
    try:
        if code.co_flags & _CO_COROUTINE:
            asyncio.run(eval(code, scope))
        else:
            exec(code, scope)
    except SystemExit as stop:
        code_value = stop.code
        return code_value if isinstance(code_value, int) else (0 if code_value is None else 1)
    except BaseException:  # noqa: BLE001 - the user's error, shown as Python shows it
        import traceback

        kind, value, tb = sys.exc_info()
        traceback.print_exception(kind, value, tb.tb_next if tb is not None else None)
        return 1
    return 0


sys.exit(_main())
`;
