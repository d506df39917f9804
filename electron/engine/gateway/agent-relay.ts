// Requests a user's MCP server makes while gateway code calls it, relayed to the agent connected to the gateway:
// sampling (the server asks for a completion from the agent's model) and elicitation (it asks the agent's user a
// question). Forwarded only when the agent's client declared that capability; otherwise the server gets a clear error
// saying why. Roots go the same way: a server asking for roots (without its own in mcp.json) gets the agent's, none when
// the agent declares no roots, and hears roots/list_changed when the agent's change. With several agents connected
// (Streamable HTTP), the one that connected last and supports it answers.
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { ErrorCode, McpError, RootsListChangedNotificationSchema, type ClientCapabilities } from '@modelcontextprotocol/sdk/types.js';
import type { ServerRequestHandlers } from '../mcp/pool';

export class AgentRelay {
  private readonly agents: Server[] = [];
  private readonly rootsListeners = new Set<() => void>();

  /** An agent's connection; returns how to forget it (when it closes). */
  attach(agent: Server): () => void {
    this.agents.push(agent);
    agent.setNotificationHandler(RootsListChangedNotificationSchema, async () => this.rootsChanged());
    // Which agent's roots are offered depends on who is connected: an agent with roots arriving or leaving changes them.
    const previous = agent.oninitialized;
    agent.oninitialized = () => {
      previous?.();
      if (agent.getClientCapabilities()?.roots) this.rootsChanged();
    };
    return () => {
      const at = this.agents.indexOf(agent);
      if (at >= 0) this.agents.splice(at, 1);
      if (agent.getClientCapabilities()?.roots) this.rootsChanged();
    };
  }

  /** Calls `listener` whenever the roots the agents offer may have changed (the pool then tells its servers). */
  onRootsChanged(listener: () => void): () => void {
    this.rootsListeners.add(listener);
    return () => this.rootsListeners.delete(listener);
  }

  /** The pool's handlers (McpPoolOptions.serverRequests): they make the pool declare sampling, elicitation and roots to servers. */
  readonly handlers: Required<Pick<ServerRequestHandlers, 'sample' | 'elicit' | 'roots'>> = {
    sample: (server, params, signal) => this.agentFor('sampling', server, 'a completion from the model (sampling)').createMessage(params, { signal }),
    elicit: (server, params, signal) => this.agentFor('elicitation', server, 'the user a question (elicitation)').elicitInput(params, { signal }),
    roots: async () => {
      // No agent with roots: the server is offered none (and keeps whatever folders its own arguments gave it).
      const agent = [...this.agents].reverse().find((a) => a.getClientCapabilities()?.roots !== undefined);
      return agent ? (await agent.listRoots()).roots : [];
    },
  };

  private rootsChanged(): void {
    for (const listener of this.rootsListeners) listener();
  }

  private agentFor(capability: keyof ClientCapabilities, server: string, what: string): Server {
    const agent = [...this.agents].reverse().find((a) => a.getClientCapabilities()?.[capability] !== undefined);
    if (agent) return agent;
    const connected = this.agents.map((a) => a.getClientVersion()?.name).filter(Boolean);
    throw new McpError(
      ErrorCode.InvalidRequest,
      `server \`${server}\` asked for ${what}, which Skillgraph forwards to the agent, but ${connected.length ? `${connected.length > 1 ? 'no connected agent' : 'the agent'} (${connected.join(', ')}) ${connected.length > 1 ? 'supports' : 'does not support'} ${capability}` : 'no agent is connected to `skillgraph mcp`'}; declined.`,
    );
  }
}
