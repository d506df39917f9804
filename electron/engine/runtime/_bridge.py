"""Skillgraph bridge runtime: sends tool calls from sandboxed code to the host, which makes the real MCP call.

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
_MARK = "\x1e" + _SECRET + "\x1f"
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
    channel.send(json.dumps({"t": _SECRET, "id": call_id, "server": server, "tool": tool, "args": args or {}}, separators=(",", ":")) + "\n")
    return await future
