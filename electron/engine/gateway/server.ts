// Skillgraph as an MCP server for agents: six small tools over the Gateway (discovery, execute_code, skills), served
// with the SDK's McpServer. Descriptions are short on purpose: every word here sits in the agent's context on each turn.
// The tool list is fixed, so initialize and tools/list are answered before any engine exists: the Gateway behind the
// tools may be opened on the first call. Beside the tools: execute_code streams its run as progress and log
// notifications and ends the run when the agent cancels; the API tree and skills are resources, approved skills are
// prompts (with completion); list_changed notifications follow changes of the API tree and the skills.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  CompleteRequestSchema,
  ErrorCode,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  LoggingLevelSchema,
  McpError,
  ReadResourceRequestSchema,
  SetLevelRequestSchema,
  type CallToolResult,
  type LoggingLevel,
  type Tool,
  type ToolAnnotations,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { NotFoundError, toWireError } from '../../../shared/errors';
import { skillExportName } from '../skills/names';
import { VERSION } from '../version';
import type { AgentRelay } from './agent-relay';
import type { Gateway, RunUpdate } from './gateway';
import { RESOURCE_TEMPLATES } from './resources';

export const GATEWAY_INSTRUCTIONS = 'Use MCP tools from code: search_tools, then execute_code; save_skill what works.';

const text = (value: string): CallToolResult => ({ content: [{ type: 'text', text: value }] });

async function answer(work: () => Promise<string>): Promise<CallToolResult> {
  try {
    return text(await work());
  } catch (error) {
    return { content: [{ type: 'text', text: toWireError(error).message }], isError: true };
  }
}

/** The Gateway, or how to open it when a tool is first called (the graph, the index and the sandbox wait until then). */
export type GatewaySource = Gateway | (() => Promise<Gateway>);

export interface GatewayServerOptions {
  /** Where servers' sampling and elicitation requests find this agent (the engine's pool was given relay.handlers). */
  relay?: AgentRelay;
  /**
   * Why mcp.json as on disk is not what runs (malformed), asked after the engine opened; while there is one, the
   * answers of the tools that reach servers end with it, so the agent can tell the person which file and line.
   */
  configProblem?: () => string | undefined;
}

/** Log notifications below this level are not sent until the agent sets another (logging/setLevel). */
const DEFAULT_LOG_LEVEL: LoggingLevel = 'info';
const LOG_SEVERITY = new Map(LoggingLevelSchema.options.map((level, index) => [level, index]));
/** Changes to the tree come in bursts (one server regenerated file by file, several skills saved): one notice each. */
const LIST_CHANGED_DEBOUNCE_MS = 200;

export function createGatewayServer(source: GatewaySource, opts: GatewayServerOptions = {}): McpServer {
  const server = new McpServer(
    { name: 'skillgraph', version: VERSION },
    {
      instructions: GATEWAY_INSTRUCTIONS,
      capabilities: { tools: { listChanged: true }, resources: { listChanged: true }, prompts: { listChanged: true }, completions: {}, logging: {} },
    },
  );
  let stopFollowing: (() => void) | undefined;
  let opening: Promise<Gateway> | undefined;
  const open = (): Promise<Gateway> =>
    (opening ??= (typeof source === 'function' ? source() : Promise.resolve(source)).then(
      (gateway) => {
        stopFollowing ??= followChanges(server, gateway);
        return gateway;
      },
      (error: unknown) => {
        opening = undefined; // the next call tries again (the graph folder may be back)
        throw error;
      },
    ));
  const forget = opts.relay?.attach(server.server);
  server.server.onclose = () => {
    forget?.();
    stopFollowing?.();
  };

  let logLevel: LoggingLevel = DEFAULT_LOG_LEVEL;
  server.server.setRequestHandler(SetLevelRequestSchema, ({ params }) => {
    logLevel = params.level;
    return {};
  });
  const logs = (level: LoggingLevel) => (LOG_SEVERITY.get(level) ?? 0) >= (LOG_SEVERITY.get(logLevel) ?? 0);
  const noted = (result: CallToolResult): CallToolResult => {
    const problem = opts.configProblem?.();
    return problem ? { ...result, content: [...result.content, { type: 'text', text: `note: ${problem}` }] } : result;
  };
  const agentName = () => {
    const client = server.server.getClientVersion();
    return client ? `${client.name}${client.version ? ` ${client.version}` : ''}` : undefined;
  };

  // Our own tools/list: the SDK's listing adds a "$schema" URL to every input schema, tokens on every turn that no model
  // uses. Calls still go through the SDK, which validates arguments against the same zod shapes. (`"type": "string"`
  // beside an enum stays: Gemini's function declarations reject a schema without a type, and hosts forward ours as is.)
  const listed: Tool[] = [];
  const registerTool: typeof server.registerTool = (name, config, handler) => {
    const shape = (config.inputSchema ?? {}) as z.ZodRawShape;
    const { $schema: _unused, ...inputSchema } = z.toJSONSchema(z.object(shape), { io: 'input' }) as Record<string, unknown>;
    listed.push({ name, description: config.description, inputSchema: inputSchema as Tool['inputSchema'], annotations: config.annotations as ToolAnnotations });
    return server.registerTool(name, config, handler);
  };

  // Schemas say what the model must know (names, enums); defaults, lengths, ranges and the skill-name rules are applied
  // by the Gateway, which answers a bad value with an error the agent can act on, rather than spelled out on every turn.
  registerTool(
    'search_tools',
    {
      description: 'Find MCP server functions; detail "full" adds signatures.',
      inputSchema: { query: z.string(), detail: z.enum(['name', 'summary', 'full']).optional(), limit: z.number().optional() },
      annotations: { readOnlyHint: true },
    },
    async ({ query, detail, limit }) => noted(await answer(async () => (await open()).searchTools(query, detail ?? 'summary', limit))),
  );

  registerTool(
    'list_api',
    { description: 'List a folder of the API tree.', inputSchema: { path: z.string().optional() }, annotations: { readOnlyHint: true } },
    async ({ path }) => noted(await answer(async () => (await open()).listApi(path ?? ''))),
  );

  registerTool(
    'read_api',
    { description: 'Read a file of the API tree.', inputSchema: { path: z.string() }, annotations: { readOnlyHint: true } },
    ({ path }) => answer(async () => (await open()).readApi(path)),
  );

  // The answer's text is for the model (output, errors, calls); run id, status and ledger ride in _meta, which hosts
  // keep out of the model's context.
  registerTool(
    'execute_code',
    {
      description: 'Run code in a sandbox; import { fn } from "./servers/<server>". Print only what you need. Sessions keep files.',
      inputSchema: { code: z.string(), language: z.enum(['typescript', 'javascript', 'python']).optional(), session: z.string().optional() },
      annotations: { readOnlyHint: false },
    },
    async ({ code, language, session }, extra) => {
      // While the run goes on, each printed line and tool call is a log notification (calls at debug level) and, when the
      // request asked for progress, a progress notification on the same request; the answer at the end holds the output
      // all the same.
      const progressToken = extra._meta?.progressToken;
      let progress = 0;
      const report = (error: unknown) => process.stderr.write(`skillgraph mcp: a run update could not be sent to the agent: ${error instanceof Error ? error.message : String(error)}\n`);
      const onUpdate = (update: RunUpdate) => {
        if (extra.signal.aborted) return;
        progress++;
        if (progressToken !== undefined) {
          void extra.sendNotification({ method: 'notifications/progress', params: { progressToken, progress, message: update.text } }).catch(report);
        }
        // A call's lines are debug detail (two per call: a loop of calls would be two notifications each, unasked);
        // a failed call is a warning, like stderr. Progress notifications carry every line all the same.
        const level: LoggingLevel =
          update.kind === 'stderr' || (update.kind === 'toolCall' && !update.ok) ? 'warning' : update.kind === 'notice' ? 'notice' : update.kind === 'toolCall' ? 'debug' : 'info';
        if (logs(level)) {
          void extra.sendNotification({ method: 'notifications/message', params: { level, logger: `execute_code ${update.kind}`, data: update.text } }).catch(report);
        }
      };
      try {
        // An agent that follows the run (a progress token) hears task status, so tools where tasks are optional use them.
        const run = await (await open()).executeCode({ code, language: language ?? 'typescript', session }, { signal: extra.signal, onUpdate, taskWhenOptional: progressToken !== undefined });
        return noted({ content: [{ type: 'text', text: run.text }], _meta: { runId: run.runId, status: run.status, durationMs: run.durationMs, ledger: run.ledger } });
      } catch (error) {
        return noted({ content: [{ type: 'text', text: toWireError(error).message }], isError: true });
      }
    },
  );

  // No limit parameter here: eight skills is plenty, and one parameter less sits in every turn.
  registerTool(
    'search_skills',
    { description: 'Search saved skills.', inputSchema: { query: z.string() }, annotations: { readOnlyHint: true } },
    ({ query }) => answer(async () => (await open()).searchSkills(query)),
  );

  registerTool(
    'save_skill',
    {
      description: 'Save working code as a skill (snake_case name) for review.',
      inputSchema: {
        name: z.string(),
        description: z.string(),
        code: z.string(),
        tags: z.array(z.string()).optional(),
        language: z.enum(['typescript', 'python']).optional(),
      },
      annotations: { readOnlyHint: false },
    },
    (input) =>
      answer(async () => {
        const skill = await (await open()).saveSkill(input, agentName());
        return `Saved skill ${skill.name} as a ${skill.status} for review (page ${skill.pageTitle}). Import it with: ${
          skill.language === 'python' ? `from skills.${skill.name} import ${skill.name}` : `import { ${skillExportName(skill.name)} } from './skills/${skill.name}';`
        }`;
      }),
  );

  server.server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: listed }));

  // Resources, prompts and completion: a missing one is JSON-RPC's "invalid params" with a message saying what exists.
  const asked = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof McpError) throw error;
      throw new McpError(error instanceof NotFoundError ? ErrorCode.InvalidParams : ErrorCode.InternalError, toWireError(error).message);
    }
  };
  server.server.setRequestHandler(ListResourcesRequestSchema, () => asked(async () => ({ resources: await (await open()).listResources() })));
  server.server.setRequestHandler(ListResourceTemplatesRequestSchema, () => ({ resourceTemplates: RESOURCE_TEMPLATES }));
  server.server.setRequestHandler(ReadResourceRequestSchema, ({ params }) => asked(async () => (await open()).readResource(params.uri)));
  server.server.setRequestHandler(ListPromptsRequestSchema, () => asked(async () => ({ prompts: await (await open()).listPrompts() })));
  server.server.setRequestHandler(GetPromptRequestSchema, ({ params }) => asked(async () => (await open()).getPrompt(params.name, params.arguments)));
  server.server.setRequestHandler(CompleteRequestSchema, ({ params }) =>
    asked(async () => ({ completion: await (await open()).complete(params.ref as { type: string; name?: string; uri?: string }, params.argument) })),
  );
  return server;
}

/**
 * list_changed for an agent that has opened the gateway: the API tree (servers added, regenerated) changes what
 * search_tools finds and what resources exist; a saved or edited skill changes resources and prompts.
 */
function followChanges(server: McpServer, gateway: Gateway): () => void {
  const pending = new Set<'api' | 'skills'>();
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    if (!server.isConnected()) return pending.clear();
    const report = (error: unknown) => process.stderr.write(`skillgraph mcp: a list_changed notification could not be sent: ${error instanceof Error ? error.message : String(error)}\n`);
    if (pending.has('api')) void server.server.sendToolListChanged().catch(report);
    void server.server.sendResourceListChanged().catch(report);
    if (pending.has('skills')) void server.server.sendPromptListChanged().catch(report);
    pending.clear();
  };
  const stop = gateway.onChange((what) => {
    pending.add(what);
    timer ??= setTimeout(flush, LIST_CHANGED_DEBOUNCE_MS);
  });
  return () => {
    clearTimeout(timer);
    stop();
  };
}
