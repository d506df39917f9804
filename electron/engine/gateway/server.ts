// Skillgraph as an MCP server for agents: six small tools over the Gateway (discovery, execute_code, skills), served
// with the SDK's McpServer. Descriptions are short on purpose: every word here sits in the agent's context on each turn.
// The tool list is fixed, so initialize and tools/list are answered before any engine exists: the Gateway behind the
// tools may be opened on the first call.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ListToolsRequestSchema, type CallToolResult, type Tool, type ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { toWireError } from '../../../shared/errors';
import { skillExportName } from '../skills/names';
import { VERSION } from '../version';
import type { Gateway } from './gateway';

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

export function createGatewayServer(source: GatewaySource): McpServer {
  let opening: Promise<Gateway> | undefined;
  const open = (): Promise<Gateway> =>
    (opening ??= (typeof source === 'function' ? source() : Promise.resolve(source)).catch((error: unknown) => {
      opening = undefined; // the next call tries again (the graph folder may be back)
      throw error;
    }));
  const server = new McpServer({ name: 'skillgraph', version: VERSION }, { instructions: GATEWAY_INSTRUCTIONS });
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
    ({ query, detail, limit }) => answer(async () => (await open()).searchTools(query, detail ?? 'summary', limit)),
  );

  registerTool(
    'list_api',
    { description: 'List a folder of the API tree.', inputSchema: { path: z.string().optional() }, annotations: { readOnlyHint: true } },
    ({ path }) => answer(async () => (await open()).listApi(path ?? '')),
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
    async ({ code, language, session }) => {
      try {
        const run = await (await open()).executeCode({ code, language: language ?? 'typescript', session });
        return { content: [{ type: 'text', text: run.text }], _meta: { runId: run.runId, status: run.status, durationMs: run.durationMs, ledger: run.ledger } };
      } catch (error) {
        return { content: [{ type: 'text', text: toWireError(error).message }], isError: true };
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
  return server;
}
