// Skillgraph as an MCP server for agents: six small tools over the Gateway (discovery, execute_code, skills), served
// with the SDK's McpServer. Descriptions are short on purpose: every word here sits in the agent's context on each turn.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ListToolsRequestSchema, type CallToolResult, type Tool, type ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { toWireError } from '../../../shared/errors';
import { skillExportName } from '../skills/names';
import { VERSION } from '../version';
import type { Gateway } from './gateway';

export const GATEWAY_INSTRUCTIONS =
  'Code mode: find functions with search_tools, run TypeScript with execute_code, save what works with save_skill.';

const text = (value: string): CallToolResult => ({ content: [{ type: 'text', text: value }] });

async function answer(work: () => Promise<string>): Promise<CallToolResult> {
  try {
    return text(await work());
  } catch (error) {
    return { content: [{ type: 'text', text: toWireError(error).message }], isError: true };
  }
}

export function createGatewayServer(gateway: Gateway): McpServer {
  const server = new McpServer({ name: 'skillgraph', version: VERSION }, { instructions: GATEWAY_INSTRUCTIONS });
  const agentName = () => {
    const client = server.server.getClientVersion();
    return client ? `${client.name}${client.version ? ` ${client.version}` : ''}` : undefined;
  };

  // Our own tools/list: the SDK's listing adds a "$schema" URL to every input schema, tokens on every turn that no model
  // uses. Calls still go through the SDK, which validates arguments against the same zod shapes.
  const listed: Tool[] = [];
  const registerTool: typeof server.registerTool = (name, config, handler) => {
    const shape = (config.inputSchema ?? {}) as z.ZodRawShape;
    const { $schema: _unused, ...inputSchema } = z.toJSONSchema(z.object(shape), { io: 'input' }) as Record<string, unknown>;
    listed.push({ name, description: config.description, inputSchema: inputSchema as Tool['inputSchema'], annotations: config.annotations as ToolAnnotations });
    return server.registerTool(name, config, handler);
  };

  // Schemas say what the model must know (names, enums, defaults, the skill-name pattern); lengths and ranges are
  // checked by the Gateway, which answers with an error the agent can act on, rather than spelled out on every turn.
  registerTool(
    'search_tools',
    {
      description: 'Find functions of the connected MCP servers. detail: name, summary or full (signature and import).',
      inputSchema: { query: z.string(), detail: z.enum(['name', 'summary', 'full']).default('summary'), limit: z.number().optional() },
      annotations: { readOnlyHint: true },
    },
    ({ query, detail, limit }) => answer(() => gateway.searchTools(query, detail, limit)),
  );

  registerTool(
    'list_api',
    {
      description: 'List a folder of the API tree: "", "servers", "servers/<server>", "skills".',
      inputSchema: { path: z.string().default('') },
      annotations: { readOnlyHint: true },
    },
    ({ path }) => answer(() => gateway.listApi(path)),
  );

  registerTool(
    'read_api',
    { description: 'Read a file of the API tree.', inputSchema: { path: z.string() }, annotations: { readOnlyHint: true } },
    ({ path }) => answer(() => gateway.readApi(path)),
  );

  registerTool(
    'execute_code',
    {
      description:
        'Run code in a sandbox; import tools from "./servers/<server>", skills from "./skills/<name>". Print only what you need. ' +
        'Returns the output (personal data as placeholders like [EMAIL_1], usable as arguments), errors and tool calls. The workspace persists per session.',
      inputSchema: { code: z.string(), language: z.enum(['typescript', 'javascript', 'python']).default('typescript'), session: z.string().optional() },
      annotations: { readOnlyHint: false },
    },
    ({ code, language, session }) => answer(async () => (await gateway.executeCode({ code, language, session })).text),
  );

  registerTool(
    'search_skills',
    { description: 'Search saved skills (code that worked before).', inputSchema: { query: z.string(), limit: z.number().optional() }, annotations: { readOnlyHint: true } },
    ({ query, limit }) => answer(() => gateway.searchSkills(query, limit)),
  );

  registerTool(
    'save_skill',
    {
      description: 'Save code that worked as a skill, a draft a person reviews.',
      inputSchema: {
        name: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/),
        description: z.string(),
        code: z.string(),
        tags: z.array(z.string()).default([]),
        language: z.enum(['typescript', 'python']).default('typescript'),
      },
      annotations: { readOnlyHint: false },
    },
    (input) =>
      answer(async () => {
        const skill = await gateway.saveSkill(input, agentName());
        return `Saved skill ${skill.name} as a ${skill.status} for review (page ${skill.pageTitle}). Import it with: ${
          skill.language === 'python' ? `from skills.${skill.name} import ${skill.name}` : `import { ${skillExportName(skill.name)} } from './skills/${skill.name}';`
        }`;
      }),
  );

  server.server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: listed }));
  return server;
}
