// Typed errors of the MCP layer. Each carries a kebab `code` (read by the hosts' wire format) and a message
// a user can act on, naming the server and, where there is one, the tool.
import { SkillgraphError } from '../../../shared/errors';

export class McpError extends SkillgraphError {
  constructor(
    code: string,
    message: string,
    readonly server?: string,
  ) {
    super(code, message);
  }
}

/** mcp.json or an imported config file is unreadable, or a server name/config is invalid. */
export class McpConfigError extends McpError {
  constructor(message: string, server?: string) {
    super('mcp-config', message, server);
  }
}

/** A `${env:NAME}` reference names a variable that is not set when the server is started. */
export class MissingEnvVarError extends McpError {
  constructor(
    readonly variable: string,
    server?: string,
  ) {
    super('missing-env-var', `${server ? `server \`${server}\` needs` : 'the config needs'} environment variable ${variable}, which is not set`, server);
  }
}

/** A server could not be started, crashed, is disabled or unknown. */
export class McpServerError extends McpError {
  constructor(server: string, message: string) {
    super('mcp-server', message, server);
  }
}

/** A tool call (or a start) did not finish within its time limit. */
export class McpTimeoutError extends McpError {
  constructor(
    server: string,
    readonly tool: string | undefined,
    readonly timeoutMs: number,
    detail = '',
  ) {
    super('mcp-timeout', `${tool ? `tool \`${tool}\` on server \`${server}\` did not answer within ${timeoutMs} ms` : `server \`${server}\` did not answer initialize within ${timeoutMs} ms`}${detail}`, server);
  }
}

/**
 * The tool ran and reported an error (`isError: true`); the message is the server's own. Host side only: code in
 * a run sees this, like every other failed call (refused, bridge down), as the runtime's `McpToolError`.
 */
export class McpToolReportedError extends McpError {
  constructor(
    server: string | undefined,
    readonly tool: string | undefined,
    readonly serverMessage: string,
    readonly content?: unknown,
  ) {
    super('mcp-tool-error', tool && server ? `tool \`${tool}\` on server \`${server}\` failed: ${serverMessage}` : serverMessage, server);
  }
}

/** A server asks for authorization (HTTP 401) that Skillgraph could not obtain: not signed in, refused or expired. */
export class McpAuthError extends McpError {
  constructor(server: string, message: string) {
    super('mcp-auth', message, server);
  }
}

/** A tool call was cancelled by the caller (the user's Stop, an agent's cancel) before it answered. */
export class McpCancelledError extends McpError {
  constructor(
    server: string,
    readonly tool: string,
  ) {
    super('mcp-cancelled', `call to tool \`${tool}\` on server \`${server}\` was cancelled`, server);
  }
}
