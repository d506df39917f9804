// Sources of the sandbox-side bridge runtime, embedded as strings so the bundled engine can write them
// into every generated API tree as servers/_bridge.ts and servers/_bridge.py.
// PLACEHOLDER SIGNATURES ONLY: the sandbox module replaces the bodies with the real protocol client.

export const BRIDGE_TS_SOURCE = `// Skillgraph bridge runtime: sends tool calls from sandboxed code to the host.
export class McpToolError extends Error {
  constructor(readonly server: string, readonly tool: string, message: string) {
    super(message);
    this.name = 'McpToolError';
  }
}

export async function callMCPTool<T = unknown>(server: string, tool: string, args: Record<string, unknown>): Promise<T> {
  throw new McpToolError(server, tool, 'the bridge is not connected');
}
`;

export const BRIDGE_PY_SOURCE = `"""Skillgraph bridge runtime: sends tool calls from sandboxed code to the host."""
from typing import Any


class McpToolError(Exception):
    def __init__(self, server: str, tool: str, message: str) -> None:
        super().__init__(message)
        self.server = server
        self.tool = tool


async def call_mcp_tool(server: str, tool: str, args: dict) -> Any:
    raise McpToolError(server, tool, "the bridge is not connected")
`;
