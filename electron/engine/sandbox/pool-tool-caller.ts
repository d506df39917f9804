// The ToolCaller over the MCP pool: what sandboxed code's callMCPTool reaches on the host. Results come back decoded
// (toolResultToData); a call that runs as an MCP task reports its status to the bridge as it changes.
import type { McpPool } from '../mcp/pool';
import { toolResultToData } from '../mcp/result';
import type { ToolCaller } from './types';

export function poolToolCaller(pool: McpPool): ToolCaller {
  return {
    async call(server, tool, args, signal, watch) {
      const onTaskStatus = watch?.onTaskStatus;
      const result = await pool.callTool(server, tool, (args ?? {}) as Record<string, unknown>, {
        signal,
        taskWhenOptional: watch?.taskWhenOptional,
        ...(onTaskStatus ? { onTaskStatus: ({ taskId, status, statusMessage }) => onTaskStatus({ id: taskId, status, ...(statusMessage ? { statusMessage } : {}) }) } : {}),
      });
      return toolResultToData(result, { server, tool });
    },
  };
}
